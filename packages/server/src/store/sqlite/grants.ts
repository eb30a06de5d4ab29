import type { Gate } from '../gate.js';
import type { GrantStore } from '../grants.js';
import type { SqliteDatabase } from './database.js';
import { GRANT_COLUMNS as COLUMNS, grantFromRow as toRecord, grantToRow, type GrantRow } from '../sql/rows.js';
import { insertUnique } from './rows.js';

/** Neither revoked nor past its end (the same test as the memory store). */
const ACTIVE = 'revoked_at IS NULL AND expires_at > @now';

/**
 * Grants in SQLite. Revocation is a conditional UPDATE on active rows only, so the first
 * revocation's time and reason are kept and a second call changes nothing.
 */
export function createSqliteGrantStore(db: SqliteDatabase, gate: Gate): GrantStore {
  const insert = db.prepare<GrantRow>(
    `INSERT INTO grants (${COLUMNS})
     VALUES (@id, @user_id, @client_id, @scope, @resources, @auth_method, @instance_key_thumbprint, @created_at,
             @expires_at, @revoked_at, @revoked_reason, @auth_time)`,
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
  // Set only when unset (and the grant is active); then read back which key the grant holds.
  const bind = db.prepare<{ id: string; thumbprint: string; now: number }>(
    `UPDATE grants SET instance_key_thumbprint = @thumbprint
     WHERE id = @id AND instance_key_thumbprint IS NULL AND ${ACTIVE}`,
  );
  const boundKey = db
    .prepare<{ id: string; now: number }, string | null>(
      `SELECT instance_key_thumbprint FROM grants WHERE id = @id AND ${ACTIVE}`,
    )
    .pluck();
  const bindOnce = db.transaction((id: string, thumbprint: string, now: number): boolean => {
    bind.run({ id, thumbprint, now });
    return boundKey.get({ id, now }) === thumbprint;
  });
  // PostgreSQL: ORDER BY created_at, id COLLATE "C" to keep SQLite's (and the memory store's) byte order.
  const activeByUser = db.prepare<{ userId: string; now: number }, GrantRow>(
    `SELECT ${COLUMNS} FROM grants WHERE user_id = @userId AND ${ACTIVE} ORDER BY created_at, id`,
  );
  return {
    create: (grant) => gate.run(() => insertUnique(() => insert.run(grantToRow(grant)), 'grant')),
    get: (id) =>
      gate.run(() => {
        const row = read.get(id);
        return row === undefined ? undefined : toRecord(row);
      }),
    revoke: (id, now, reason) => gate.run(() => revokeOne.run({ id, now, reason }).changes === 1),
    bindInstanceKey: (id, thumbprint, now) => gate.run(() => bindOnce.immediate(id, thumbprint, now)),
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
