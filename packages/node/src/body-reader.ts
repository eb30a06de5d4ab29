import { CimdError } from '@cimd/core';
import type { FetchTarget } from './fetch-target.js';

/** A body stream as undici gives it: async-iterable chunks, destroyable. */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

/**
 * Step 7 (R73, H6): read the body, counting bytes as they arrive, and stop at the cap. Neither a
 * missing nor a lying Content-Length helps: only bytes read count. At most one network chunk past
 * the cap is ever held. `onBytes` reports the running count (for the fetch event).
 */
export async function readCappedBody(
  target: FetchTarget,
  body: BodyStream,
  maxBytes: number,
  onBytes: (count: number) => void,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    onBytes(total);
    if (total > maxBytes) {
      body.destroy();
      throw new CimdError('fetch-too-large', `${target.url.href} sent more than ${maxBytes} bytes; reading stopped there`);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
