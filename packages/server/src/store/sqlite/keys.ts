import type { Gate } from '../gate.js';
import type { KeyStore, SigningKeyRecord } from '../keys.js';
import { storeNotFound } from '../store-errors.js';
import type { SqliteDatabase } from './database.js';
import { insertUnique, parseObject, toJson } from './rows.js';

interface KeyRow {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  activates_at: number;
  retires_at: number | null;
  expires_at: number | null;
}

const COLUMNS = 'kid, alg, private_jwk, public_jwk, created_at, activates_at, retires_at, expires_at';

function toRecord(row: KeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    privateJwk: parseObject(row.private_jwk, 'signing_keys.private_jwk'),
    publicJwk: parseObject(row.public_jwk, 'signing_keys.public_jwk'),
    createdAt: row.created_at,
    activatesAt: row.activates_at,
    ...(row.retires_at === null ? {} : { retiresAt: row.retires_at }),
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
  };
}

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
    add: (record) =>
      gate.run(() =>
        insertUnique(
          () =>
            insert.run({
              kid: record.kid,
              alg: record.alg,
              private_jwk: toJson(record.privateJwk),
              public_jwk: toJson(record.publicJwk),
              created_at: record.createdAt,
              activates_at: record.activatesAt,
              retires_at: record.retiresAt ?? null,
              expires_at: record.expiresAt ?? null,
            }),
          'signing key',
        ),
      ),
    update: (kid, patch) =>
      gate.run(() => {
        const changed = update.run({ kid, retiresAt: patch.retiresAt ?? null, expiresAt: patch.expiresAt ?? null }).changes;
        if (changed === 0) throw storeNotFound('signing key');
      }),
  };
}
