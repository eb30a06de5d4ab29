import { Redis } from 'ioredis';

export interface RedisTarget {
  /** `redis://` or `rediss://` URL without the `prefix` parameter. */
  readonly url: string;
  /** Prefix of every key and channel (default `cimd:`), so deployments can share one Redis. */
  readonly prefix: string;
}

const PREFIX = /^[A-Za-z0-9:_.-]{1,64}$/;

/**
 * Split a configured Redis URL into the address and our `prefix` query parameter
 * (`redis://127.0.0.1:6379/0?prefix=cimd-prod:`). Throws on anything but redis:// and rediss://.
 */
export function parseRedisUrl(text: string): RedisTarget {
  const url = new URL(text);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`"${text}" is not a redis:// or rediss:// URL`);
  const prefix = url.searchParams.get('prefix') ?? 'cimd:';
  if (!PREFIX.test(prefix)) throw new Error(`The Redis key prefix "${prefix}" must match ${PREFIX.source}`);
  url.searchParams.delete('prefix');
  return { url: url.href, prefix };
}

/**
 * Connect to Redis, failing fast when it does not answer. Commands issued while a connection is
 * being re-established wait briefly, then fail (two retries), so a Redis outage surfaces as
 * `cache-unavailable` instead of hanging requests. Connection errors go to `onError`.
 */
export async function connectRedis(url: string, onError: (error: Error) => void = () => undefined): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
  let last: Error | undefined;
  redis.on('error', (error: Error) => {
    last = error;
    onError(error);
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    // ioredis rejects with "Connection is closed."; the socket error says why.
    const why = last?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`Cannot connect to Redis: ${why}`, { cause: error });
  }
  return redis;
}
