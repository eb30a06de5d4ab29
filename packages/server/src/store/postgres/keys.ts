import type { KeyStore } from '../keys.js';
import { KEY_COLUMNS as COLUMNS, keyFromRow, keyToRow, type KeyRow } from '../sql/rows.js';
import { storeNotFound } from '../store-errors.js';
import { insertStatement, insertUnique, rowValues, type PgDatabase } from './database.js';

/**
 * Signing keys in PostgreSQL, shared by every instance on the database. The private JWK is stored
 * as given. `update` sets only the timestamps present in the patch.
 */
export function createPgKeyStore(db: PgDatabase): KeyStore {
  const insert = insertStatement('signing_keys', COLUMNS);
  return {
    async list() {
      const rows = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM signing_keys ORDER BY created_at, kid COLLATE "C"`);
      return rows.rows.map(keyFromRow);
    },
    add: (record) => insertUnique(db.query(insert, rowValues(keyToRow(record), COLUMNS)), 'signing key'),
    async update(kid, patch) {
      const changed = await db.query(
        'UPDATE signing_keys SET retires_at = COALESCE($2, retires_at), expires_at = COALESCE($3, expires_at) WHERE kid = $1',
        [kid, patch.retiresAt ?? null, patch.expiresAt ?? null],
      );
      if (changed.rowCount === 0) throw storeNotFound('signing key');
    },
  };
}
