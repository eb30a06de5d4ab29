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

/** Read the body as text, refusing more than `maxBytes` (declared or actual). */
export async function readText(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw new CimdError('request-body-invalid', `The body exceeds ${maxBytes} bytes`);
  const text = await c.req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new CimdError('request-body-invalid', `The body exceeds ${maxBytes} bytes`);
  return text;
}

/** The peer address of the request, for throttling ("unknown" in in-memory tests). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
