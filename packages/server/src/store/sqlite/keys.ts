import type { Gate } from '../gate.js';
import type { KeyStore } from '../keys.js';
import { storeNotFound } from '../store-errors.js';
import type { SqliteDatabase } from './database.js';
import { KEY_COLUMNS as COLUMNS, keyFromRow as toRecord, keyToRow, type KeyRow } from '../sql/rows.js';
import { insertUnique } from './rows.js';

/**
 * Signing keys in SQLite. The private JWK is stored as given (encrypting it at rest is the
 * caller's choice). `update` sets only the timestamps present in the patch.
 */
export function createSqliteKeyStore(db: SqliteDatabase, gate: Gate): KeyStore {
  const list = db.prepare<[], KeyRow>(`SELECT ${COLUMNS} FROM signing_keys ORDER BY created_at, kid`);
  const insert = db.prepare<KeyRow>(
    `INSERT INTO signing_keys (${COLUMNS})
     VALUES (@kid, @alg, @private_jwk, @public_jwk, @created_at, @activates_at, @retires_at, @expires_at)`,
  );
  const update = db.prepare<{ kid: string; retiresAt: number | null; expiresAt: number | null }>(
    `UPDATE signing_keys SET retires_at = COALESCE(@retiresAt, retires_at), expires_at = COALESCE(@expiresAt, expires_at)
     WHERE kid = @kid`,
  );
  return {
    list: () => gate.run(() => list.all().map(toRecord)),
    add: (record) => gate.run(() => insertUnique(() => insert.run(keyToRow(record)), 'signing key')),
    update: (kid, patch) =>
      gate.run(() => {
        const changed = update.run({ kid, retiresAt: patch.retiresAt ?? null, expiresAt: patch.expiresAt ?? null }).changes;
        if (changed === 0) throw storeNotFound('signing key');
      }),
  };
}
