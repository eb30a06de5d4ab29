import type { AdminTrust, AdmissionEffect, AdmissionRuleKind, ChangeClass } from '@cimd/core';
import type {
  ApprovalRecord,
  AuditEvent,
  ClientVersionRecord,
  DomainRecord,
  LogoRecord,
  StoredAdmissionRule,
  TrustedClientRecord,
  VersionStatus,
} from '../trust.js';
import { parseObject, parseStringArray, toJson } from './rows.js';

/**
 * Rows of the trust tables (migration 2) and their records. As in rows.ts: timestamps are integer
 * milliseconds, lists and objects JSON text, optional values NULL, flags 0/1, logo bytes base64.
 */

export interface TrustedClientRow {
  client_id: string;
  domain: string;
  first_seen_at: number;
  last_fetch_at: number | null;
  digest: string;
  snapshot: string;
  trust: string | null;
  pinned: number;
  registered: number;
  updated_at: number;
}

export const TRUSTED_CLIENT_COLUMNS =
  'client_id, domain, first_seen_at, last_fetch_at, digest, snapshot, trust, pinned, registered, updated_at';

export function trustedClientToRow(r: TrustedClientRecord): unknown[] {
  return [
    r.clientId,
    r.domain,
    r.firstSeenAt,
    r.lastFetchAt ?? null,
    r.digest,
    r.snapshot,
    r.trust ?? null,
    r.pinned ? 1 : 0,
    r.registered ? 1 : 0,
    r.updatedAt,
  ];
}

export function trustedClientFromRow(row: TrustedClientRow): TrustedClientRecord {
  return {
    clientId: row.client_id,
    domain: row.domain,
    firstSeenAt: row.first_seen_at,
    ...(row.last_fetch_at === null ? {} : { lastFetchAt: row.last_fetch_at }),
    digest: row.digest,
    snapshot: row.snapshot,
    ...(row.trust === null ? {} : { trust: row.trust as AdminTrust }),
    pinned: row.pinned === 1,
    registered: row.registered === 1,
    updatedAt: row.updated_at,
  };
}

export interface ApprovalRow {
  client_id: string;
  user_id: string;
  domain: string;
  approved_at: number;
}

export const APPROVAL_COLUMNS = 'client_id, user_id, domain, approved_at';

export function approvalFromRow(row: ApprovalRow): ApprovalRecord {
  return { clientId: row.client_id, userId: row.user_id, domain: row.domain, approvedAt: row.approved_at };
}

export interface VersionRow {
  id: string;
  client_id: string;
  digest: string;
  snapshot: string;
  classes: string;
  status: string;
  seen_at: number;
  decided_by: string | null;
  decided_at: number | null;
}

export const VERSION_COLUMNS = 'id, client_id, digest, snapshot, classes, status, seen_at, decided_by, decided_at';

export function versionToRow(v: ClientVersionRecord): unknown[] {
  return [
    v.id,
    v.clientId,
    v.digest,
    v.snapshot,
    toJson(v.classes),
    v.status,
    v.seenAt,
    v.decidedBy ?? null,
    v.decidedAt ?? null,
  ];
}

export function versionFromRow(row: VersionRow): ClientVersionRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    digest: row.digest,
    snapshot: row.snapshot,
    classes: parseStringArray(row.classes, 'trust_versions.classes') as ChangeClass[],
    status: row.status as VersionStatus,
    seenAt: row.seen_at,
    ...(row.decided_by === null ? {} : { decidedBy: row.decided_by }),
    ...(row.decided_at === null ? {} : { decidedAt: row.decided_at }),
  };
}

export interface DomainRow {
  domain: string;
  registrant: string | null;
  registered_at: number | null;
  checked_at: number;
}

export const DOMAIN_COLUMNS = 'domain, registrant, registered_at, checked_at';

export function domainToRow(d: DomainRecord): unknown[] {
  return [d.domain, d.registrant ?? null, d.registeredAt ?? null, d.checkedAt];
}

export function domainFromRow(row: DomainRow): DomainRecord {
  return {
    domain: row.domain,
    ...(row.registrant === null ? {} : { registrant: row.registrant }),
    ...(row.registered_at === null ? {} : { registeredAt: row.registered_at }),
    checkedAt: row.checked_at,
  };
}

export interface AuditRow {
  id: string;
  at: number;
  actor: string;
  action: string;
  client_id: string | null;
  detail: string;
}

export const AUDIT_COLUMNS = 'id, at, actor, action, client_id, detail';

export function auditToRow(e: AuditEvent): unknown[] {
  return [e.id, e.at, e.actor, e.action, e.clientId ?? null, toJson(e.detail)];
}

export function auditFromRow(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    ...(row.client_id === null ? {} : { clientId: row.client_id }),
    detail: parseObject(row.detail, 'trust_audit.detail'),
  };
}

export interface RuleRow {
  id: string;
  effect: string;
  kind: string;
  value: string;
  resource: string | null;
  created_at: number;
  created_by: string;
}

export const RULE_COLUMNS = 'id, effect, kind, value, resource, created_at, created_by';

export function ruleToRow(r: StoredAdmissionRule): unknown[] {
  return [r.id, r.effect, r.kind, r.value, r.resource ?? null, r.createdAt, r.createdBy];
}

export function ruleFromRow(row: RuleRow): StoredAdmissionRule {
  return {
    id: row.id,
    effect: row.effect as AdmissionEffect,
    kind: row.kind as AdmissionRuleKind,
    value: row.value,
    ...(row.resource === null ? {} : { resource: row.resource }),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export interface LogoRow {
  client_id: string;
  digest: string;
  media_type: string;
  bytes: string;
  source_uri: string;
  fetched_at: number;
  fresh_until: number;
}

export const LOGO_COLUMNS = 'client_id, digest, media_type, bytes, source_uri, fetched_at, fresh_until';

export function logoToRow(l: LogoRecord): unknown[] {
  return [l.clientId, l.digest, l.mediaType, Buffer.from(l.bytes).toString('base64'), l.sourceUri, l.fetchedAt, l.freshUntil];
}

export function logoFromRow(row: LogoRow): LogoRecord {
  return {
    clientId: row.client_id,
    digest: row.digest,
    mediaType: row.media_type,
    bytes: new Uint8Array(Buffer.from(row.bytes, 'base64')),
    sourceUri: row.source_uri,
    fetchedAt: row.fetched_at,
    freshUntil: row.fresh_until,
  };
}

/** `?, ?, …` for a column list. */
export function placeholders(columns: string): string {
  return columns
    .split(', ')
    .map(() => '?')
    .join(', ');
}
