import { CimdError, canonicalResourceUri } from '@cimd/core';
import { isResourceUri } from '../config.js';

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
  const allowedCanonical = new Set(allowed.map(canonicalResourceUri));
  for (const r of requested) {
    if (!isResourceUri(r)) {
      throw new CimdError('resource-invalid', `The resource "${r}" is not an absolute URI without a fragment`, {
        property: 'resource',
      });
    }
    const c = canonicalResourceUri(r);
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
  if (out.length === 0 && fallback !== undefined) out.push(canonicalResourceUri(fallback));
  return out;
}
