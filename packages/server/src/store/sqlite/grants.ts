import type { Gate } from '../gate.js';
import type { GrantRecord, GrantStore } from '../grants.js';
import type { SqliteDatabase } from './database.js';
import { insertUnique, parseStringArray, toJson } from './rows.js';

interface GrantRow {
  id: string;
  user_id: string;
  client_id: string;
  scope: string;
  resources: string;
  auth_method: string;
  instance_key_thumbprint: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

const COLUMNS =
  'id, user_id, client_id, scope, resources, auth_method, instance_key_thumbprint, created_at, expires_at, revoked_at, revoked_reason';

/** Neither revoked nor past its end (the same test as the memory store). */
const ACTIVE = 'revoked_at IS NULL AND expires_at > @now';

function toRecord(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    userId: row.user_id,
    clientId: row.client_id,
    scope: parseStringArray(row.scope, 'grants.scope'),
    resources: parseStringArray(row.resources, 'grants.resources'),
    authMethod: row.auth_method,
    ...(row.instance_key_thumbprint === null ? {} : { instanceKeyThumbprint: row.instance_key_thumbprint }),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
    ...(row.revoked_reason === null ? {} : { revokedReason: row.revoked_reason }),
  };
}

/**
 * Grants in SQLite. Revocation is a conditional UPDATE on active rows only, so the first
 * revocation's time and reason are kept and a second call changes nothing.
 */
export function createSqliteGrantStore(db: SqliteDatabase, gate: Gate): GrantStore {
  const insert = db.prepare<GrantRow>(
    `INSERT INTO grants (${COLUMNS})
     VALUES (@id, @user_id, @client_id, @scope, @resources, @auth_method, @instance_key_thumbprint, @created_at,
             @expires_at, @revoked_at, @revoked_reason)`,
  );
  const read = db.prepare<[string], GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE id = ?`);
  type Revocation = { now: number; reason: string };
  const revokeOne = db.prepare<Revocation & { id: string }>(
    `UPDATE grants SET revoked_at = @now, revoked_reason = @reason WHERE id = @id AND ${ACTIVE}`,
  );
  const revokeClient = db.prepare<Revocation & { clientId: string }>(
    `UPDATE grants SET revoked_at = @now, revoked_reason = @reason WHERE client_id = @clientId AND ${ACTIVE}`,
  );
  const revokeClientUser = db.prepare<Revocation & { clientId: string; userId: string }>(
    `UPDATE grants SET revoked_at = @now, revoked_reason = @reason
     WHERE client_id = @clientId AND user_id = @userId AND ${ACTIVE}`,
  );
  // PostgreSQL: ORDER BY created_at, id COLLATE "C" to keep SQLite's (and the memory store's) byte order.
  const activeByUser = db.prepare<{ userId: string; now: number }, GrantRow>(
    `SELECT ${COLUMNS} FROM grants WHERE user_id = @userId AND ${ACTIVE} ORDER BY created_at, id`,
  );
  return {
    create: (grant) =>
      gate.run(() =>
        insertUnique(
          () =>
            insert.run({
              id: grant.id,
              user_id: grant.userId,
              client_id: grant.clientId,
              scope: toJson(grant.scope),
              resources: toJson(grant.resources),
              auth_method: grant.authMethod,
              instance_key_thumbprint: grant.instanceKeyThumbprint ?? null,
              created_at: grant.createdAt,
              expires_at: grant.expiresAt,
              revoked_at: grant.revokedAt ?? null,
              revoked_reason: grant.revokedReason ?? null,
            }),
          'grant',
        ),
      ),
    get: (id) =>
      gate.run(() => {
        const row = read.get(id);
        return row === undefined ? undefined : toRecord(row);
      }),
    revoke: (id, now, reason) => gate.run(() => revokeOne.run({ id, now, reason }).changes === 1),
    revokeByClient: (clientId, now, reason, userId) =>
      gate.run(
        () =>
          (userId === undefined
            ? revokeClient.run({ clientId, now, reason })
            : revokeClientUser.run({ clientId, userId, now, reason })
          ).changes,
      ),
    listActiveByUser: (userId, now) => gate.run(() => activeByUser.all({ userId, now }).map(toRecord)),
  };
}
