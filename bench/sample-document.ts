/**
 * A realistic client metadata document of about 1 KB (private_key_jwt with an inline EC key,
 * two redirect URIs, the usual links), shared by the benchmarks that need many distinct ones.
 */

const encoder = new TextEncoder();

/** The document for the client_id `url`, client number `i` (which makes each one distinct). */
export function sampleDocument(url: URL, i: string): Uint8Array {
  const base = `${url.origin}/app-${i}`;
  const doc = {
    client_id: url.href,
    client_name: `Example Application number ${i}`,
    client_uri: `${base}/`,
    logo_uri: `${base}/logo.png`,
    tos_uri: `${base}/terms-of-service`,
    policy_uri: `${base}/privacy-policy`,
    contacts: [`operations+${i}@example.com`],
    redirect_uris: [`${base}/oauth/callback`, 'http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid profile email offline_access',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          kid: `key-${i}`,
          use: 'sig',
          alg: 'ES256',
          x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
          y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        },
      ],
    },
    software_id: `f6c1a2de-3b4c-4d5e-8f90-${i.padStart(12, '0')}`,
    software_version: '3.14.159',
    post_logout_redirect_uris: [`${base}/signed-out`],
  };
  return encoder.encode(JSON.stringify(doc));
}
