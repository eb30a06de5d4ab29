import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '@cimd/core';
import type { KeyStore, SigningKeyRecord } from '../store/keys.js';

/** The access-token signing algorithm (ES256: fast to sign and verify; stack.md §3.1). */
export const SIGNING_ALG = 'ES256';

export interface ActiveKey {
  readonly kid: string;
  readonly alg: string;
  readonly key: CryptoKey;
}

/**
 * The server's signing keys. A key is generated on first start and stored; rotation publishes
 * the successor before it signs (so verifiers can fetch it), and keeps the predecessor published
 * until every token it signed has expired. Several instances share keys through the store; each
 * re-reads the list at most every `reloadMs`.
 */
export interface SigningKeys {
  /** The key to sign with now (creating the first key if there is none). */
  current(): Promise<ActiveKey>;
  /** A published key by kid, for verification. */
  verificationKey(kid: string): Promise<CryptoKey | undefined>;
  /** The public JWK Set (RFC 7517) of every published key. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Start a rotation: the new key signs after `overlapMs`; the old one retires then. Returns the new kid. */
  rotate(overlapMs: number, tokenTtlMs: number): Promise<string>;
}

export function createSigningKeys(store: KeyStore, clock: Clock, reloadMs = 60_000): SigningKeys {
  let cache: { at: number; records: SigningKeyRecord[] } | undefined;
  const imported = new Map<string, Promise<CryptoKey>>();
  let creating: Promise<void> | undefined;

  async function records(force = false): Promise<SigningKeyRecord[]> {
    const now = clock.now();
    if (!force && cache !== undefined && now - cache.at < reloadMs) return cache.records;
    let list = await store.list();
    if (list.length === 0) {
      creating ??= generate(now).then((r) => store.add(r));
      await creating;
      creating = undefined;
      list = await store.list();
    }
    cache = { at: now, records: list };
    return list;
  }

  function importKey(record: SigningKeyRecord, which: 'private' | 'public'): Promise<CryptoKey> {
    const id = `${which}:${record.kid}`;
    let p = imported.get(id);
    if (p === undefined) {
      p = importJWK(which === 'private' ? record.privateJwk : record.publicJwk, record.alg) as Promise<CryptoKey>;
      imported.set(id, p);
    }
    return p;
  }

  /**
   * The key to sign with: of the keys signing now, the oldest (then the smallest kid). Rotation
   * retires the predecessor when the successor activates, so normally one key is signing; when
   * two instances each created a first key at the same moment, every instance picks the same one
   * once it has seen both.
   */
  const oldestSigning = (list: readonly SigningKeyRecord[], now: number): SigningKeyRecord | undefined =>
    list
      .filter((r) => signing(r, now))
      .sort((a, b) => a.activatesAt - b.activatesAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0))[0];
  const published = (r: SigningKeyRecord, now: number): boolean => r.expiresAt === undefined || r.expiresAt > now;
  const signing = (r: SigningKeyRecord, now: number): boolean =>
    r.activatesAt <= now && (r.retiresAt === undefined || r.retiresAt > now);

  return {
    async current() {
      // Read the time after the records: the first key is created inside records() and activates
      // at that moment, which may be a millisecond after this call started.
      let list = await records();
      const now = clock.now();
      let active = oldestSigning(list, now);
      if (active === undefined) {
        list = await records(true);
        active = oldestSigning(list, now);
      }
      if (active === undefined) throw new Error('No signing key is active; check the key store');
      return { kid: active.kid, alg: active.alg, key: await importKey(active, 'private') };
    },
    async verificationKey(kid) {
      const now = clock.now();
      let record = (await records()).find((r) => r.kid === kid && published(r, now));
      record ??= (await records(true)).find((r) => r.kid === kid && published(r, now));
      return record === undefined ? undefined : importKey(record, 'public');
    },
    async jwks() {
      // Always from the store: another instance may have added a key since our last reload, and
      // a verifier must find every key that can have signed a token (one small read per request).
      const now = clock.now();
      const keys = (await records(true))
        .filter((r) => published(r, now))
        .map((r) => ({ ...r.publicJwk, kid: r.kid, alg: r.alg, use: 'sig' }));
      return { keys };
    },
    async rotate(overlapMs, tokenTtlMs) {
      const now = clock.now();
      const next = await generate(now, now + overlapMs);
      await store.add(next);
      for (const r of await records(true)) {
        if (r.kid !== next.kid && r.retiresAt === undefined) {
          await store.update(r.kid, { retiresAt: next.activatesAt, expiresAt: next.activatesAt + tokenTtlMs });
        }
      }
      await records(true);
      return next.kid;
    },
  };
}

async function generate(now: number, activatesAt = now): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg: SIGNING_ALG, privateJwk, publicJwk, createdAt: now, activatesAt };
}
