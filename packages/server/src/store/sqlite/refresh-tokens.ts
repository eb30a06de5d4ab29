import type { Gate } from '../gate.js';
import type { RefreshRotation, RefreshTokenRecord, RefreshTokenStore } from '../refresh-tokens.js';
import type { Sweepable } from '../sweepable.js';
import type { SqliteDatabase } from './database.js';
import {
  REFRESH_TOKEN_COLUMNS as COLUMNS,
  refreshTokenFromRow as toRecord,
  refreshTokenToRow as toRow,
  type RefreshTokenRow,
} from '../sql/rows.js';
import { insertUnique } from './rows.js';

/**
 * Refresh tokens in SQLite. `rotate` is one IMMEDIATE transaction: a conditional UPDATE marks the
 * token used (only one caller, in any process, can change `used_at` from NULL), and the successor
 * is inserted only by that caller. A failed insert rolls the mark back.
 */
export function createSqliteRefreshTokenStore(db: SqliteDatabase, gate: Gate): RefreshTokenStore & Sweepable {
  const insert = db.prepare<RefreshTokenRow>(
    `INSERT INTO refresh_tokens (${COLUMNS})
     VALUES (@token_hash, @grant_id, @client_id, @user_id, @scope, @resources, @issued_at, @expires_at, @used_at)`,
  );
  const read = db.prepare<[string, number], RefreshTokenRow>(
    `SELECT ${COLUMNS} FROM refresh_tokens WHERE token_hash = ? AND expires_at > ?`,
  );
  const claim = db.prepare<{ tokenHash: string; now: number }, RefreshTokenRow>(
    `UPDATE refresh_tokens SET used_at = @now
     WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now
     RETURNING ${COLUMNS}`,
  );
  const sweep = db.prepare<[number]>('DELETE FROM refresh_tokens WHERE expires_at <= ?');

  const save = (record: RefreshTokenRecord): void => insertUnique(() => insert.run(toRow(record)), 'refresh token');

  // BEGIN IMMEDIATE takes the write lock up front (PostgreSQL: a plain transaction; the UPDATE's
  // row lock makes a concurrent rotation wait and then find used_at set).
  const rotate = db.transaction((tokenHash: string, next: RefreshTokenRecord, now: number): RefreshRotation => {
    const claimed = claim.get({ tokenHash, now });
    if (claimed !== undefined) {
      save(next);
      return { status: 'rotated', previous: toRecord(claimed) };
    }
    const row = read.get(tokenHash, now);
    if (row === undefined || row.used_at === null) return { status: 'unknown' };
    return { status: 'reused', previous: toRecord(row) };
  });

  return {
    save: (record) => gate.run(() => save(record)),
    find: (tokenHash, now) =>
      gate.run(() => {
        const row = read.get(tokenHash, now);
        return row === undefined ? undefined : toRecord(row);
      }),
    rotate: (tokenHash, next, now) => gate.run(() => rotate.immediate(tokenHash, next, now)),
    sweep: (now) => sweep.run(now).changes,
  };
}
