export { AttestationRefused, KEY_PROOF_TYPE, createClientAttester } from './attester.js';
export type { AttestationRequest, ClientAttester, ClientAttesterOptions } from './attester.js';
export { createClientInstance } from './client-instance.js';
export type { ClientInstance, ClientInstanceOptions } from './client-instance.js';
export { startAttesterServer } from './http-server.js';
export type { AttesterServer, AttesterServerOptions } from './http-server.js';
export { createDevelopmentVerifier } from './platform-verifier.js';
export type { ExpectedEvidence, PlatformVerdict, PlatformVerifier } from './platform-verifier.js';
