import type { CachedDocument, Clock, DocumentCache } from '@cimd/core';
import type { Redis } from 'ioredis';

/** A cached entry read back from Redis: exactly the fields of CachedDocument, with their types. */
function toEntry(text: string): CachedDocument | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['body', 'digest'].every((k) => typeof v[k] === 'string');
  const numbers = ['fetchedAt', 'freshUntil', 'staleUntil'].every((k) => Number.isFinite(v[k]));
  const optional = ['etag', 'lastModified'].every((k) => v[k] === undefined || typeof v[k] === 'string');
  return strings && numbers && optional ? (v as unknown as CachedDocument) : undefined;
}

/**
 * Validated client metadata documents in Redis, shared by every instance: one JSON value per
 * client_id (the key holds the client_id exactly as written, R8), expiring with the entry's
 * `staleUntil` so Redis drops it by itself. An entry past `staleUntil` by the injected clock is
 * never returned; a damaged value is treated as absent and removed (losing a cache entry only
 * costs a fetch, and the resolver validates every entry it reads anyway).
 */
export function createRedisDocumentCache(redis: Redis, prefix: string, clock: Clock): DocumentCache {
  const key = (clientId: string): string => `${prefix}doc:${clientId}`;
  return {
    async get(clientId) {
      const text = await redis.get(key(clientId));
      if (text === null) return undefined;
      const entry = toEntry(text);
      if (entry === undefined) {
        await redis.del(key(clientId));
        return undefined;
      }
      return clock.now() < entry.staleUntil ? entry : undefined;
    },
    async set(clientId, entry) {
      const ttl = Math.ceil(entry.staleUntil - clock.now());
      if (ttl <= 0) {
        await redis.del(key(clientId));
        return;
      }
      await redis.set(key(clientId), JSON.stringify(entry), 'PX', ttl);
    },
    async delete(clientId) {
      await redis.del(key(clientId));
    },
  };
}
