import type { GrantRecord, GrantStore } from '../grants.js';
import { GRANT_COLUMNS as COLUMNS, grantFromRow, grantToRow, type GrantRow } from '../sql/rows.js';
import { insertStatement, insertUnique, rowValues, type PgDatabase } from './database.js';

/** Neither revoked nor past its end ($1 is now). */
const ACTIVE = 'revoked_at IS NULL AND expires_at > $1';

/**
 * Grants in PostgreSQL. Revocation is a conditional UPDATE of active rows only, so the first
 * revocation's time and reason are kept and a second call changes nothing.
 */
export function createPgGrantStore(db: PgDatabase): GrantStore {
  const insert = insertStatement('grants', COLUMNS);
  const revoke = async (where: string, values: readonly unknown[]): Promise<number> =>
    (await db.query(`UPDATE grants SET revoked_at = $1, revoked_reason = $2 WHERE ${where} AND ${ACTIVE}`, values)).rowCount ?? 0;
  const store = {
    create: (grant: GrantRecord) => insertUnique(db.query(insert, rowValues(grantToRow(grant), COLUMNS)), 'grant'),
    async get(id: string) {
      const row = (await db.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE id = $1`, [id])).rows[0];
      return row === undefined ? undefined : grantFromRow(row);
    },
    revoke: async (id: string, now: number, reason: string) => (await revoke('id = $3', [now, reason, id])) === 1,
    // Set only when unset (a concurrent bind waits on the row lock, then finds it set); then read
    // back which key the grant holds.
    async bindInstanceKey(id: string, thumbprint: string, now: number) {
      await db.query(
        `UPDATE grants SET instance_key_thumbprint = $2 WHERE id = $3 AND instance_key_thumbprint IS NULL AND ${ACTIVE}`,
        [now, thumbprint, id],
      );
      const bound = await db.query<{ key: string | null }>(
        `SELECT instance_key_thumbprint AS key FROM grants WHERE id = $2 AND ${ACTIVE}`,
        [now, id],
      );
      return bound.rows[0]?.key === thumbprint;
    },
    revokeByClient: (clientId: string, now: number, reason: string, userId?: string) =>
      userId === undefined
        ? revoke('client_id = $3', [now, reason, clientId])
        : revoke('client_id = $3 AND user_id = $4', [now, reason, clientId, userId]),
    async listActiveByUser(userId: string, now: number) {
      // COLLATE "C": byte order, as SQLite and the memory store sort.
      const rows = await db.query<GrantRow>(
        `SELECT ${COLUMNS} FROM grants WHERE user_id = $2 AND ${ACTIVE} ORDER BY created_at, id COLLATE "C"`,
        [now, userId],
      );
      return rows.rows.map(grantFromRow);
    },
  };
  // Built apart from the return, so the interface may grow without breaking this file's build.
  return store;
}
