import { CimdError, splitUri } from '@cimd/core';
import { isResourceUri } from '../config.js';

/**
 * The canonical form of a resource indicator for comparison and for `aud`: scheme and host
 * lower-cased, everything else as written (MCP: servers accept upper-case scheme and host).
 */
export function canonicalResource(value: string): string {
  const u = splitUri(value);
  if (u.scheme === undefined || u.authority === undefined) return value;
  const authority = u.authority.replace(u.host ?? '', (u.host ?? '').toLowerCase());
  return `${u.scheme.toLowerCase()}://${authority}${u.path}${u.query === undefined ? '' : `?${u.query}`}`;
}

/**
 * Validate the requested resources (RFC 8707 §2): absolute URIs without a fragment, and, when the
 * server lists its resources, one of them. Returns canonical forms, de-duplicated, in order.
 */
export function validateResources(
  requested: readonly string[],
  allowed: readonly string[],
  fallback: string | undefined,
): string[] {
  const out: string[] = [];
  const allowedCanonical = new Set(allowed.map(canonicalResource));
  for (const r of requested) {
    if (!isResourceUri(r)) {
      throw new CimdError('resource-invalid', `The resource "${r}" is not an absolute URI without a fragment`, {
        property: 'resource',
      });
    }
    const c = canonicalResource(r);
    if (allowedCanonical.size > 0 && !allowedCanonical.has(c)) {
      throw new CimdError('resource-not-allowed', `The resource "${r}" is not served by this authorization server`, {
        property: 'resource',
      });
    }
    if (
      allowedCanonical.size === 0 &&
      !/^https:\/\//.test(c) &&
      !/^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?(\/|$)/.test(c)
    ) {
      throw new CimdError('resource-not-allowed', `The resource "${r}" must be an https URL (or http on loopback)`, {
        property: 'resource',
      });
    }
    if (!out.includes(c)) out.push(c);
  }
  if (out.length === 0 && fallback !== undefined) out.push(canonicalResource(fallback));
  return out;
}
