import type { Clock, DocumentCache } from '@cimd/core';
import { DOCUMENT_COLUMNS as COLUMNS, documentFromRow, documentToRow, type DocumentRow } from '../sql/rows.js';
import { insertStatement, rowValues, type PgDatabase } from './database.js';
import { sweepTable, type PgSweepable } from './sweep.js';

/**
 * Validated client metadata documents in PostgreSQL, shared by every instance: a document one
 * instance fetched is a cache hit on the others. Keyed by the client_id exactly as written (R8;
 * the default collation is deterministic). An entry past `staleUntil` (by the injected clock) is
 * never returned and is deleted by `sweep`. The resolver validates every entry again on reading.
 */
export function createPgDocumentCache(db: PgDatabase, clock: Clock): DocumentCache & PgSweepable {
  const upsert = `${insertStatement('client_documents', COLUMNS)}
    ON CONFLICT (client_id) DO UPDATE SET
      body = excluded.body, digest = excluded.digest, fetched_at = excluded.fetched_at,
      fresh_until = excluded.fresh_until, stale_until = excluded.stale_until,
      etag = excluded.etag, last_modified = excluded.last_modified`;
  return {
    async get(clientId) {
      const rows = await db.query<DocumentRow>(
        `SELECT ${COLUMNS} FROM client_documents WHERE client_id = $1 AND stale_until > $2`,
        [clientId, clock.now()],
      );
      const row = rows.rows[0];
      return row === undefined ? undefined : documentFromRow(row);
    },
    async set(clientId, entry) {
      await db.query(upsert, rowValues(documentToRow(clientId, entry), COLUMNS));
    },
    async delete(clientId) {
      await db.query('DELETE FROM client_documents WHERE client_id = $1', [clientId]);
    },
    sweep: sweepTable('client_documents', 'stale_until'),
  };
}
