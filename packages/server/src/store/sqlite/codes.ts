import type { CodeStore } from '../codes.js';
import type { Gate } from '../gate.js';
import type { Sweepable } from '../sweepable.js';
import type { SqliteDatabase } from './database.js';
import { CODE_COLUMNS as COLUMNS, codeFromRow as toRecord, codeToRow, type CodeRow } from '../sql/rows.js';
import { insertUnique } from './rows.js';

/**
 * Authorization codes in SQLite. `consume` is one conditional UPDATE: of any number of callers,
 * in any number of processes, only one finds `used_at IS NULL` and changes the row.
 */
export function createSqliteCodeStore(db: SqliteDatabase, gate: Gate): CodeStore & Sweepable {
  const insert = db.prepare<CodeRow>(
    `INSERT INTO authorization_codes (${COLUMNS})
     VALUES (@code_hash, @grant_id, @client_id, @user_id, @redirect_uri, @scope, @resources, @code_challenge,
             @auth_time, @issued_at, @expires_at, @used_at)`,
  );
  // RETURNING: SQLite 3.35+ and PostgreSQL alike.
  const claim = db.prepare<{ codeHash: string; now: number }, CodeRow>(
    `UPDATE authorization_codes SET used_at = @now
     WHERE code_hash = @codeHash AND used_at IS NULL AND expires_at > @now
     RETURNING ${COLUMNS}`,
  );
  const read = db.prepare<[string, number], CodeRow>(
    `SELECT ${COLUMNS} FROM authorization_codes WHERE code_hash = ? AND expires_at > ?`,
  );
  const sweep = db.prepare<[number]>('DELETE FROM authorization_codes WHERE expires_at <= ?');
  return {
    save: (record) => gate.run(() => insertUnique(() => insert.run(codeToRow(record)), 'authorization code')),
    consume: (codeHash, now) =>
      gate.run(() => {
        const claimed = claim.get({ codeHash, now });
        if (claimed !== undefined) return { status: 'consumed', record: toRecord(claimed) };
        const row = read.get(codeHash, now);
        // An unused row here was saved after the UPDATE above looked: at that instant the code
        // was unknown, which is the answer (the caller's code was not yet issued).
        if (row === undefined || row.used_at === null) return { status: 'unknown' };
        return { status: 'reused', record: toRecord(row) };
      }),
    sweep: (now) => sweep.run(now).changes,
  };
}
