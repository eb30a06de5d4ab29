import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { Redis } from 'ioredis';

/** The test Redis (scripts/test.mjs sets it; the default is the development machines' service). */
export const REDIS_URL = process.env['CIMD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Key prefixes of one test file: each `next()` names a new one, and every key under the file's
 * prefixes is deleted when its tests end, so suites never collide and leave nothing behind.
 */
export function testRedisPrefixes(tag: string): { next(): string; url(prefix: string): string } {
  const run = `cimd-t-${tag}-${randomBytes(4).toString('hex')}`;
  let made = 0;
  after(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${run}-*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      await redis.quit();
    }
  });
  return {
    next: () => `${run}-${++made}:`,
    url(prefix) {
      const url = new URL(REDIS_URL);
      url.searchParams.set('prefix', prefix);
      return url.href;
    },
  };
}
