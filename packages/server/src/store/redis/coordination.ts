import type { Clock, DocumentCache, SingleFlight } from '@cimd/core';
import { connectRedis, parseRedisUrl } from './connection.js';
import { createRedisDocumentCache } from './documents.js';
import { createRedisSingleFlight, type RedisSingleFlightOptions } from './single-flight.js';

/** What several instances share through Redis: the metadata cache and the fetch single-flight. */
export interface RedisCoordination {
  readonly documents: DocumentCache;
  readonly singleFlight: SingleFlight;
  close(): Promise<void>;
}

export interface RedisCoordinationOptions {
  /** `redis://host:port[/db][?prefix=cimd:]` (or `rediss://`). */
  readonly url: string;
  readonly clock: Clock;
  readonly lockTtlMs?: number;
  readonly onError?: (error: Error) => void;
}

/** Connect (two connections: commands, and subscriptions for lock releases). */
export async function openRedisCoordination(options: RedisCoordinationOptions): Promise<RedisCoordination> {
  const { url, prefix } = parseRedisUrl(options.url);
  const redis = await connectRedis(url, options.onError);
  let subscriber;
  try {
    subscriber = await connectRedis(url, options.onError);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const flight: RedisSingleFlightOptions = {
    redis,
    subscriber,
    prefix,
    ...(options.lockTtlMs === undefined ? {} : { lockTtlMs: options.lockTtlMs }),
  };
  let closed = false;
  return {
    documents: createRedisDocumentCache(redis, prefix, options.clock),
    singleFlight: createRedisSingleFlight(flight),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
    },
  };
}
