import type { RegisteredClientStore } from '../registered-clients.js';
import { insertUnique, type PgDatabase } from './database.js';

/** Dynamically registered clients in PostgreSQL. */
export function createPgRegisteredClientStore(db: PgDatabase): RegisteredClientStore {
  return {
    create: (record) =>
      insertUnique(
        db.query('INSERT INTO registered_clients (client_id, metadata, created_at) VALUES ($1, $2, $3)', [
          record.clientId,
          record.metadata,
          record.createdAt,
        ]),
        'registered client',
      ),
    async get(clientId) {
      const rows = await db.query<{ client_id: string; metadata: string; created_at: number }>(
        'SELECT client_id, metadata, created_at FROM registered_clients WHERE client_id = $1',
        [clientId],
      );
      const row = rows.rows[0];
      return row === undefined ? undefined : { clientId: row.client_id, metadata: row.metadata, createdAt: row.created_at };
    },
  };
}
