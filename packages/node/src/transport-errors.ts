import { CimdError, isCimdError } from '@cimd/core';

/**
 * Step 10: every failure leaves the fetcher as a CimdError with a stable `fetch-*` code; no raw
 * undici or socket error escapes (it stays reachable as `cause`, for operators).
 *
 * Connection-phase failures (DNS, TCP, TLS, peer check, connect timeout) are already CimdErrors
 * when they get here, because the connector knows which phase failed. An aborted signal wins over
 * whatever error the abort caused downstream: its reason says what really happened.
 */
export function toFetchError(error: unknown, origin: string, signal?: AbortSignal): CimdError {
  if (signal?.aborted === true && isCimdError(signal.reason)) return signal.reason;
  if (isCimdError(error)) return error;
  const code = errorCode(error);
  const options = { cause: error };
  switch (code) {
    case 'UND_ERR_HEADERS_OVERFLOW':
      return new CimdError('fetch-headers-too-large', `${origin} sent response headers over the size limit`, options);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new CimdError('fetch-timeout', `${origin} was too slow (${code})`, options);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new CimdError('fetch-network', `${origin} sent a body whose length does not match its Content-Length`, options);
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return new CimdError('fetch-too-large', `${origin} sent a body over the size limit`, options);
    case undefined:
    default:
      break;
  }
  if (error instanceof Error && error.name === 'HTTPParserError') {
    return new CimdError('fetch-network', `${origin} sent a malformed HTTP response: ${error.message}`, options);
  }
  const what = code ?? (error instanceof Error ? error.message : String(error));
  return new CimdError('fetch-network', `The exchange with ${origin} failed: ${what}`, options);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
