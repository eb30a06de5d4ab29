import type { Clock, DocumentCache } from '@cimd/core';
import type { Gate } from '../gate.js';
import type { Sweepable } from '../sweepable.js';
import { DOCUMENT_COLUMNS as COLUMNS, documentFromRow as toEntry, documentToRow, type DocumentRow } from '../sql/rows.js';
import type { SqliteDatabase } from './database.js';

/**
 * Validated client metadata documents in SQLite, so that a restart does not refetch every client.
 * Keyed by the client_id exactly as written (R8: SQLite's default BINARY collation compares bytes;
 * PostgreSQL needs the column's collation to be deterministic, which its default is). An entry
 * past `staleUntil` (by the injected clock) is never returned and is deleted by `sweep`. The
 * resolver validates every entry again when it reads it (the core contract).
 */
export function createSqliteDocumentCache(db: SqliteDatabase, gate: Gate, clock: Clock): DocumentCache & Sweepable {
  const read = db.prepare<[string, number], DocumentRow>(
    `SELECT ${COLUMNS} FROM client_documents WHERE client_id = ? AND stale_until > ?`,
  );
  const upsert = db.prepare<DocumentRow>(
    `INSERT INTO client_documents (${COLUMNS})
     VALUES (@client_id, @body, @digest, @fetched_at, @fresh_until, @stale_until, @etag, @last_modified)
     ON CONFLICT (client_id) DO UPDATE SET
       body = excluded.body, digest = excluded.digest, fetched_at = excluded.fetched_at,
       fresh_until = excluded.fresh_until, stale_until = excluded.stale_until,
       etag = excluded.etag, last_modified = excluded.last_modified`,
  );
  const remove = db.prepare<[string]>('DELETE FROM client_documents WHERE client_id = ?');
  const sweep = db.prepare<[number]>('DELETE FROM client_documents WHERE stale_until <= ?');
  return {
    get: (clientId) =>
      gate.run(() => {
        const row = read.get(clientId, clock.now());
        return row === undefined ? undefined : toEntry(row);
      }),
    set: (clientId, entry) =>
      gate.run(() => {
        upsert.run(documentToRow(clientId, entry));
      }),
    delete: (clientId) =>
      gate.run(() => {
        remove.run(clientId);
      }),
    sweep: (now) => sweep.run(now).changes,
  };
}
