import type { Gate } from '../gate.js';
import type { RegisteredClientRecord, RegisteredClientStore } from '../registered-clients.js';
import type { SqliteDatabase } from './database.js';
import { insertUnique } from './rows.js';

interface RegisteredClientRow {
  client_id: string;
  metadata: string;
  created_at: number;
}

/** Dynamically registered clients in SQLite. */
export function createSqliteRegisteredClientStore(db: SqliteDatabase, gate: Gate): RegisteredClientStore {
  const insert = db.prepare<RegisteredClientRow>(
    'INSERT INTO registered_clients (client_id, metadata, created_at) VALUES (@client_id, @metadata, @created_at)',
  );
  const read = db.prepare<[string], RegisteredClientRow>(
    'SELECT client_id, metadata, created_at FROM registered_clients WHERE client_id = ?',
  );
  return {
    create: (record) =>
      gate.run(() =>
        insertUnique(
          () => insert.run({ client_id: record.clientId, metadata: record.metadata, created_at: record.createdAt }),
          'registered client',
        ),
      ),
    get: (clientId) =>
      gate.run((): RegisteredClientRecord | undefined => {
        const row = read.get(clientId);
        return row === undefined ? undefined : { clientId: row.client_id, metadata: row.metadata, createdAt: row.created_at };
      }),
  };
}
