import { IncomingMessage } from 'node:http';
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
 * (chunked) is never buffered whole. Over a socket the body is read from Node's request itself;
 * building a WHATWG Request and stream around it only to read a short form cost more than the
 * rest of a token request's parsing (bench/side-by-side, scenario 5a). In memory (tests,
 * serverless adapters) the Request's own stream is read.
 */
export async function readText(c: Context, maxBytes: number): Promise<string> {
  const tooLarge = (): CimdError => {
    // The rest of the body is never read: the connection closes after the error response.
    c.header('connection', 'close');
    return new CimdError('request-body-invalid', `The body exceeds ${maxBytes} bytes`);
  };
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge();
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (incoming instanceof IncomingMessage && !incoming.readableDidRead) return readIncoming(incoming, maxBytes, tooLarge);
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

/** The body of a Node request, as text; rejects once more than `maxBytes` arrived. */
function readIncoming(incoming: IncomingMessage, maxBytes: number, tooLarge: () => CimdError): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      incoming.off('data', onData).off('end', onEnd).off('error', onFailure).off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        settle();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle();
      resolve(new TextDecoder().decode(Buffer.concat(chunks, size)));
    };
    const onFailure = (): void => {
      settle();
      reject(new CimdError('request-body-invalid', 'The body could not be read to its end'));
    };
    const onClose = (): void => {
      if (!incoming.complete) onFailure();
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onFailure).on('close', onClose);
  });
}

/** The peer address of the request, for throttling ("unknown" in in-memory tests). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
