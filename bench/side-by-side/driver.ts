/**
 * The load generator of the side-by-side benchmark: one process (on its own CPU), the same for
 * every server. It prepares each scenario untimed (logins, consents, codes, signed assertions),
 * then measures with undici Pools (see load.ts). The orchestrator sends it commands (rpc.ts).
 *
 * Both servers get byte-for-byte the same requests, except for the authorization endpoint's
 * path (`/authorize`, `/auth`) and their cookies.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { Pool, request, type Dispatcher } from 'undici';
import { Jar, walkToCode } from './browser.js';
import { authorizeQuery, FIXED_VERIFIER, isClientRedirect, redirectUriOf, RESOURCE } from './documents.js';
import { burst, closedLoop, openLoop, type Check, type LoadResult, type Request } from './load.js';
import { serveCommands, type Command } from './rpc.js';
import { zipfDraws } from './zipf.js';

const FIXED_CHALLENGE = createHash('sha256').update(FIXED_VERIFIER).digest('base64url');

/** A code with its PKCE verifier, ready for the token endpoint. */
export interface MintedCode {
  readonly code: string;
  readonly verifier: string;
}

/** Where one server is, and how to reach its authorization endpoint as a signed-in user. */
export interface Target {
  readonly base: string;
  /** `/authorize` (cimd) or `/auth` (the peer). */
  readonly authorizePath: string;
  /** One Cookie header per bench user (a signed-in session each). */
  readonly cookies: readonly string[];
}

const locationOf = (headers: Dispatcher.ResponseData['headers']): string => String(headers['location'] ?? '');

/** The redirect to the client with a code (302 from cimd, 303 from the peer). */
const codeRedirect: Check = (status, headers) =>
  (status === 302 || status === 303) && isClientRedirect(locationOf(headers)) && locationOf(headers).includes('code=');

/** The consent step of a client not approved yet: cimd's consent page, the peer's redirect to its consent interaction. */
const consentStep: Check = (status, headers, body) =>
  (status === 200 && body.includes('action="/consent"')) || (status === 303 && locationOf(headers).startsWith('/interaction/'));

const tokenIssued: Check = (status, _headers, body) => status === 200 && body.includes('"access_token"');

const refused: Check = (status) => status >= 400 && status < 500;

function authorizeRequest(t: Target, clientId: string, user: number, state: string): Request {
  return {
    method: 'GET',
    path: `${t.authorizePath}?${authorizeQuery(clientId, FIXED_CHALLENGE, state)}`,
    headers: { cookie: t.cookies[user % t.cookies.length] ?? '' },
  };
}

function form(body: Record<string, string>): Request {
  return {
    method: 'POST',
    path: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  };
}

/** Run `work` over `items` with `concurrency` workers. */
async function each<T>(items: readonly T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** cimd's session cookie, or the peer's session cookie and its signature. */
function session(jar: Jar): string {
  const cookie = jar.matching('cimd_session') || jar.matching('_session');
  if (cookie === '') throw new Error('no session cookie');
  return cookie;
}

/** Sign in `users` bench users (through the first client) and return their session cookies. */
async function login(base: string, authorizePath: string, clientId: string, users: number, password: string): Promise<string[]> {
  const pool = new Pool(base, { connections: 4 });
  try {
    const cookies: string[] = [];
    for (let u = 0; u < users; u++) {
      const jar = new Jar();
      await walkToCode(
        pool,
        jar,
        `${authorizePath}?${authorizeQuery(clientId, FIXED_CHALLENGE, 'login')}`,
        `bench${u}`,
        password,
      );
      cookies.push(session(jar));
    }
    return cookies;
  } finally {
    await pool.close();
  }
}

/**
 * Approve every client for its user (`users[i]`, or i mod users by default, as the load that
 * follows will use it): the consent each server then remembers. Returns the users' session cookies afterwards: the peer gives a session
 * a new identifier whenever an interaction ends. A user's approvals run one after another (the peer keeps them in the
 * session, which concurrent requests would overwrite); users run side by side unless `serial`
 * (a server with default fetch budgets allows only 2 fetches in flight per origin).
 */
async function approve(
  t: Target,
  ids: readonly string[],
  users: readonly number[] | undefined,
  serial: boolean,
): Promise<{ approved: number; cookies: string[] }> {
  const pool = new Pool(t.base, { connections: t.cookies.length * 2 });
  const jars: Jar[] = [];
  let approved = 0;
  try {
    await each(
      t.cookies.map((_, u) => u),
      serial ? 1 : t.cookies.length,
      async (u) => {
        const jar = new Jar(t.cookies[u]);
        jars[u] = jar;
        const userOf = (i: number): number => users?.[i] ?? i % t.cookies.length;
        for (let i = 0; i < ids.length; i++) {
          if (userOf(i) !== u) continue;
          await walkToCode(
            pool,
            jar,
            authorizeRequest({ ...t, cookies: [session(jar)] }, ids[i] as string, 0, `a${i}`).path,
            `bench${u}`,
            '-',
          );
          approved += 1;
        }
      },
    );
    return { approved, cookies: jars.map(session) };
  } finally {
    await pool.close();
  }
}

/** `n` codes for `clientId` from user 0's session, with fresh PKCE pairs (untimed). */
async function mint(t: Target, clientId: string, n: number): Promise<MintedCode[]> {
  const pool = new Pool(t.base, { connections: 16 });
  const out: MintedCode[] = [];
  try {
    await each(
      Array.from({ length: n }, (_, i) => i),
      16,
      async (i) => {
        const verifier = randomBytes(32).toString('base64url');
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const response = await pool.request({
          method: 'GET',
          path: `${t.authorizePath}?${authorizeQuery(clientId, challenge, `m${i}`)}`,
          headers: { cookie: t.cookies[0] ?? '' },
        });
        await response.body.dump();
        const location = locationOf(response.headers);
        const code = isClientRedirect(location) ? new URL(location).searchParams.get('code') : null;
        if (code === null) throw new Error(`minting a code: ${response.statusCode} ${location}`);
        out.push({ code, verifier });
      },
    );
    return out;
  } finally {
    await pool.close();
  }
}

/** Client assertions (RFC 7523), one per exchange, each with its own jti; signed before timing. */
async function assertions(n: number, clientId: string, audience: string, privateJwk: JWK): Promise<string[]> {
  const key = await importJWK(privateJwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    Array.from({ length: n }, () =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid ?? '', typ: 'client-authentication+jwt' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(audience)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + 240)
        .sign(key),
    ),
  );
}

interface ExchangeCommand {
  readonly base: string;
  readonly codes: readonly MintedCode[];
  readonly clientId: string;
  readonly concurrency: number;
  readonly warmup: number;
  /** For private_key_jwt: the client's private key and the assertion audience (the issuer). */
  readonly jwk?: JWK;
  readonly audience?: string;
}

/** The code exchange, one request per minted code. Returns the figures and the refresh tokens. */
async function exchange(c: ExchangeCommand): Promise<{ result: LoadResult; refreshTokens: string[] }> {
  const signed = c.jwk === undefined ? undefined : await assertions(c.codes.length, c.clientId, c.audience ?? '', c.jwk);
  const requests = c.codes.map((m, i) =>
    form({
      grant_type: 'authorization_code',
      code: m.code,
      code_verifier: m.verifier,
      redirect_uri: redirectUriOf(c.clientId),
      client_id: c.clientId,
      resource: RESOURCE,
      ...(signed === undefined
        ? {}
        : {
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: signed[i] as string,
          }),
    }),
  );
  const refreshTokens: string[] = [];
  const result = await closedLoop({
    base: c.base,
    concurrency: c.concurrency,
    total: requests.length,
    durationMs: 60_000,
    warmup: c.warmup,
    request: (i) => requests[i] as Request,
    check: tokenIssued,
    collect: (_i, body) => {
      const token = (JSON.parse(body) as { refresh_token?: string }).refresh_token;
      if (token !== undefined) refreshTokens.push(token);
    },
  });
  return { result, refreshTokens };
}

async function handle(command: Command): Promise<unknown> {
  const a = command as Record<string, unknown>;
  const t = a['target'] as Target;
  switch (command.op) {
    case 'login':
      return login(
        a['base'] as string,
        a['authorizePath'] as string,
        a['clientId'] as string,
        a['users'] as number,
        a['password'] as string,
      );
    case 'approve':
      return approve(t, a['ids'] as string[], a['users'] as number[] | undefined, a['serial'] === true);
    case 'mint':
      return mint(t, a['clientId'] as string, a['n'] as number);
    case 'mint-ceiling': {
      const response = await request(`${a['base'] as string}/mint?n=${a['n'] as number}`, { method: 'POST' });
      return response.body.json();
    }
    case 'exchange':
      return exchange(command as unknown as ExchangeCommand);
    case 'refresh': {
      const tokens = a['tokens'] as string[];
      const clientId = a['clientId'] as string;
      return closedLoop({
        base: a['base'] as string,
        concurrency: a['concurrency'] as number,
        total: tokens.length,
        durationMs: 60_000,
        warmup: a['warmup'] as number,
        request: (i) =>
          form({ grant_type: 'refresh_token', refresh_token: tokens[i] as string, client_id: clientId, resource: RESOURCE }),
        check: tokenIssued,
      });
    }
    case 'authorize': {
      // Closed loop over a client_id distribution: `n` ids drawn Zipf(s) (one id when n = 1).
      const ids = a['ids'] as string[];
      const total = a['total'] as number;
      const draws =
        ids.length === 1 ? new Uint32Array(total) : zipfDraws(ids.length, a['s'] as number, total, a['seed'] as number);
      return closedLoop({
        base: t.base,
        concurrency: a['concurrency'] as number,
        total,
        durationMs: a['durationMs'] as number,
        warmup: 0,
        warmupMs: a['warmupMs'] as number,
        request: (i) => {
          const k = draws[i] as number;
          return authorizeRequest(t, ids[k] as string, k, `z${i}`);
        },
        check: codeRedirect,
      });
    }
    case 'cold': {
      // First requests for never-seen client_ids, one at a time: the consent step of each.
      const ids = a['ids'] as string[];
      return closedLoop({
        base: t.base,
        concurrency: 1,
        total: ids.length,
        durationMs: 60_000,
        warmup: 0,
        request: (i) => authorizeRequest(t, ids[i] as string, 0, `c${i}`),
        check: consentStep,
      });
    }
    case 'burst':
      return burst(
        t.base,
        a['n'] as number,
        a['warmPath'] as string,
        authorizeRequest(t, a['id'] as string, 0, 'burst'),
        consentStep,
      );
    case 'isolation': {
      // Healthy clients at a fixed rate; optionally, at the same time, fresh client_ids on bad origins.
      const ids = a['ids'] as string[];
      const rate = a['rate'] as number;
      const durationMs = a['durationMs'] as number;
      const draws = zipfDraws(ids.length, 1.1, Math.ceil((rate * durationMs) / 1000) + 16, a['seed'] as number);
      const healthy = {
        rate,
        maxInFlight: 256,
        request: (i: number) => {
          const k = draws[i] as number;
          return authorizeRequest(t, ids[k] as string, k, `h${i}`);
        },
        check: codeRedirect,
      };
      const bad = a['abuse'] as { urls: string[]; rate: number; drainMs?: number } | undefined;
      const streams =
        bad === undefined
          ? [healthy]
          : [
              healthy,
              {
                rate: bad.rate,
                maxInFlight: 512,
                ...(bad.drainMs === undefined ? {} : { drainMs: bad.drainMs }),
                request: (i: number) =>
                  authorizeRequest(t, (bad.urls[i % bad.urls.length] as string).replace('{n}', String(i)), 0, `b${i}`),
                check: refused,
              },
            ];
      return openLoop(t.base, streams, durationMs);
    }
    default:
      throw new Error(`unknown command ${command.op}`);
  }
}

serveCommands({ pid: process.pid }, handle);
