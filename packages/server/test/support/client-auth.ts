import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTHeaderParameters } from 'jose';
import type { Browser } from './browser.js';
import type { Harness } from './harness.js';

/** The assertion type of RFC 7523 §2.2. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client's signing key: the private key stays here, the public JWK goes into its document. */
export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

const CURVE: Record<string, { crv?: string; modulusLength?: number }> = {
  ES256: {},
  ES384: {},
  EdDSA: { crv: 'Ed25519' },
  RS256: { modulusLength: 2048 },
  PS256: { modulusLength: 2048 },
};

/** A fresh key pair for `alg`, with a kid. */
export async function newKey(alg = 'ES256', kid = `k-${randomUUID().slice(0, 8)}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { ...CURVE[alg], extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

/** A JWK Set body of the public keys. */
export function jwksOf(...keys: TestKey[]): string {
  return JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
}

/** Serve a JWK Set at `uri` through the harness's in-memory origin (max-age 600). */
export function serveJwks(h: Harness, uri: string, ...keys: TestKey[]): void {
  h.fetcher.serve(uri, {
    body: jwksOf(...keys),
    headers: { 'content-type': 'application/json', 'cache-control': 'max-age=600' },
  });
}

export interface AssertionOptions {
  /** Claims replacing the defaults; `undefined` removes one. */
  readonly claims?: Record<string, unknown>;
  /** Header members replacing the defaults (alg, kid, typ); `undefined` removes one. */
  readonly header?: Record<string, unknown>;
  /** Sign with this key instead (the header still names `key`'s kid unless overridden). */
  readonly signWith?: CryptoKey | Uint8Array;
}

function strip(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/**
 * A client assertion as a well-behaved client makes it (RFC 7523 §3, rfc7523bis): typ
 * client-authentication+jwt, iss = sub = client_id, aud = issuer, 60 s of life, a fresh jti.
 */
export async function clientAssertion(
  key: TestKey,
  clientId: string,
  issuer: string,
  nowMs: number,
  options: AssertionOptions = {},
): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const claims = strip({
    iss: clientId,
    sub: clientId,
    aud: issuer,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...options.claims,
  });
  const header = strip({ alg: key.alg, kid: key.kid, typ: 'client-authentication+jwt', ...options.header });
  return new SignJWT(claims).setProtectedHeader(header as JWTHeaderParameters).sign(options.signWith ?? key.privateKey);
}

/** An unsigned JWT (`alg: none`, RFC 7519 §6), which no server may accept. */
export function unsecuredJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(claims)}.`;
}

export interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

/** POST a form to an endpoint and read the JSON answer (empty object when there is no body). */
export async function postForm(
  b: Browser,
  path: string,
  form: Record<string, string> | URLSearchParams,
  headers: Record<string, string> = {},
): Promise<TokenAnswer> {
  const res = await b.post(path, form, headers);
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
}

/** The reason code of the last refused token request, from the server's log. */
export function lastRefusal(h: Harness): string | undefined {
  for (let i = h.logs.length - 1; i >= 0; i--) {
    const line = JSON.parse(h.logs[i] as string) as { event?: string; reason?: string };
    if (line.event === 'token-refused') return line.reason;
  }
  return undefined;
}

/** Assert a 401 invalid_client (J11) caused by `reason`. */
export function assertInvalidClient(h: Harness, answer: TokenAnswer, reason: string, wire = 'invalid_client'): void {
  assert.equal(
    answer.status,
    wire === 'invalid_client' || wire === 'invalid_client_attestation' ? 401 : 400,
    JSON.stringify(answer.body),
  );
  assert.equal(answer.body['error'], wire);
  assert.equal(lastRefusal(h), reason);
}
