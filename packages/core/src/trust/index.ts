export { admissionRuleProblem, decideAdmission, ruleMatches } from './admission.js';
export type {
  AdmissionEffect,
  AdmissionMode,
  AdmissionPolicy,
  AdmissionRequest,
  AdmissionRule,
  AdmissionRuleKind,
  AdmissionVerdict,
} from './admission.js';
export { hasNonAscii, skeleton } from './confusables.js';
export { hostsRelated, isSameOrSubdomain, normalizeHost, registrableDomain } from './domain-name.js';
export { sniffImage } from './image-sniff.js';
export type { LogoMediaType } from './image-sniff.js';
export { editDistance, findLookalike } from './lookalike.js';
export type { Lookalike, LookalikeKind } from './lookalike.js';
export {
  CHANGE_CLASSES,
  CHANGE_CLASS_MEMBERS,
  CHANGE_POLICIES,
  canonicalJson,
  classifyMetadataChange,
  fingerprintCovers,
  metadataClassText,
  securityFingerprint,
  strictestPolicy,
} from './metadata-changes.js';
export type { ChangeClass, ChangePolicy, MetadataChange, MetadataChangeClass } from './metadata-changes.js';
export { decodePunycode, hostToUnicode } from './punycode.js';
export { redirectStaysWithClient } from './redirect-host.js';
export {
  DEFAULT_REPUTATION_THRESHOLDS,
  TRUST_TIERS,
  assessTrust,
  earnedTier,
  thresholdsProblem,
  tierRank,
} from './reputation.js';
export type {
  AdminTrust,
  ReputationInput,
  ReputationThresholds,
  TrustAssessment,
  TrustSignal,
  TrustSignalKind,
  TrustTier,
} from './reputation.js';
