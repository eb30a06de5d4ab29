import type { RefreshTokenStore } from '../refresh-tokens.js';
import { REFRESH_TOKEN_COLUMNS as COLUMNS, refreshTokenFromRow, refreshTokenToRow, type RefreshTokenRow } from '../sql/rows.js';
import { insertStatement, insertUnique, rowValues, type PgDatabase, type Queryable } from './database.js';
import { sweepTable, type PgSweepable } from './sweep.js';

/**
 * Refresh tokens in PostgreSQL. `rotate` is one transaction: a conditional UPDATE marks the token
 * used (its row lock makes a concurrent rotation wait, then find `used_at` set), and only that
 * caller inserts the successor. A failed insert rolls the mark back.
 */
export function createPgRefreshTokenStore(db: PgDatabase): RefreshTokenStore & PgSweepable {
  const insert = insertStatement('refresh_tokens', COLUMNS);
  const read = async (q: Queryable, tokenHash: string, now: number): Promise<RefreshTokenRow | undefined> =>
    (
      await q.query<RefreshTokenRow>(`SELECT ${COLUMNS} FROM refresh_tokens WHERE token_hash = $1 AND expires_at > $2`, [
        tokenHash,
        now,
      ])
    ).rows[0];
  return {
    save: (record) => insertUnique(db.query(insert, rowValues(refreshTokenToRow(record), COLUMNS)), 'refresh token'),
    async find(tokenHash, now) {
      const row = await read(db, tokenHash, now);
      return row === undefined ? undefined : refreshTokenFromRow(row);
    },
    rotate: (tokenHash, next, now) =>
      db.transaction(async (tx) => {
        const claimed = await tx.query<RefreshTokenRow>(
          `UPDATE refresh_tokens SET used_at = $2
           WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
           RETURNING ${COLUMNS}`,
          [tokenHash, now],
        );
        const won = claimed.rows[0];
        if (won !== undefined) {
          await insertUnique(tx.query(insert, rowValues(refreshTokenToRow(next), COLUMNS)), 'refresh token');
          return { status: 'rotated', previous: refreshTokenFromRow(won) };
        }
        const row = await read(tx, tokenHash, now);
        if (row === undefined || row.used_at === null) return { status: 'unknown' };
        return { status: 'reused', previous: refreshTokenFromRow(row) };
      }),
    sweep: sweepTable('refresh_tokens', 'expires_at'),
  };
}
