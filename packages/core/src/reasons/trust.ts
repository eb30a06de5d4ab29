import type { ReasonInfo } from './reason-info.js';

/** Trust: admission, reputation, first-seen limits, logos, admin console. */
export const TRUST_REASONS = {
  // --- Trust: admission, reputation, first-seen limits, logos, admin console (docs/trust.md)
  'trust-client-not-allowed': {
    wire: 'invalid_client',
    requirement: 'H20',
    summary: 'This server admits only listed or pre-registered clients, and this client_id is neither',
  },
  'trust-client-denied': {
    wire: 'invalid_client',
    requirement: 'H20',
    summary: 'A deny rule of the admission policy matches this client_id',
  },
  'trust-client-blocked': { wire: 'invalid_client', requirement: 'R75', summary: 'An administrator blocked this client' },
  'trust-resource-not-allowed': {
    wire: 'invalid_target',
    requirement: 'H20',
    summary: 'The admission policy does not admit this client for the requested resource (RFC 8707)',
  },
  'trust-redirect-host-mismatch': {
    wire: 'invalid_request',
    requirement: 'R62',
    summary: 'A client seen for the first time may only redirect to its own host or to loopback',
  },
  'trust-token-rate-limited': {
    wire: 'slow_down',
    requirement: 'R75',
    summary: 'A client seen for the first time has used up its token allowance for now; try again later',
  },
  'logo-not-image': {
    wire: 'invalid_client_metadata',
    requirement: 'R74',
    summary: 'The logo is not a PNG, JPEG, GIF or WebP image by its content',
  },
  'logo-too-large': { wire: 'invalid_client_metadata', requirement: 'R74', summary: 'The logo exceeds the size limit' },
  'admin-forbidden': { wire: 'access_denied', summary: 'The signed-in user is not an administrator of this server' },
  'admin-not-found': { wire: 'invalid_request', summary: 'The client, change or rule named by the administrator is not known' },
  'admin-invalid': {
    wire: 'invalid_request',
    summary: 'The administrator request is invalid (an unknown action, a malformed rule or URL)',
  },
} as const satisfies Record<string, ReasonInfo>;
