import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { CimdError } from '@cimd/core';

/** Read a form body as pairs (refusing other media types and oversized bodies). */
export async function readForm(c: Context, maxBytes: number): Promise<Array<[string, string]>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new CimdError('request-body-invalid', 'The body must be application/x-www-form-urlencoded');
  }
  const text = await readText(c, maxBytes);
  return [...new URLSearchParams(text)];
}

/**
 * Read the body as text, refusing more than `maxBytes` (declared or actual). The body is read
 * chunk by chunk and abandoned as soon as it passes the limit: a body without Content-Length
 * (chunked) is never buffered whole.
 */
export async function readText(c: Context, maxBytes: number): Promise<string> {
  const tooLarge = (): CimdError => new CimdError('request-body-invalid', `The body exceeds ${maxBytes} bytes`);
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge();
  const body = c.req.raw.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The peer address of the request, for throttling ("unknown" in in-memory tests). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
