import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';

/** The test database (scripts/test.mjs sets it; the default is the development machines' service). */
export const POSTGRES_URL = process.env['CIMD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Schemas of one test file: each `next()` names a new one (`cimd_t_<file tag>_<n>`), and every
 * schema named is dropped when the file's tests end, so suites never collide and leave nothing.
 */
export function testSchemas(tag: string): { next(): string; url(schema: string): string } {
  const run = `cimd_t_${tag}_${randomBytes(4).toString('hex')}`;
  const made: string[] = [];
  after(async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      for (const schema of made) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
  });
  return {
    next() {
      const schema = `${run}_${made.length}`;
      made.push(schema);
      return schema;
    },
    /** The stores URL of a schema, as the server configuration takes it. */
    url(schema) {
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('schema', schema);
      return url.href;
    },
  };
}
