// PostgreSQL for integration tests: the server from TRIB_TEST_PG_URL, a fresh schema per test.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

/** The test server (trust auth on a local PostgreSQL by default). */
export const PG_URL = process.env.TRIB_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    const reason = err instanceof AggregateError ? err.errors[0] : err;
    return `PostgreSQL at ${PG_URL} is not reachable (${reason instanceof Error ? reason.message : String(reason)}): start one or set TRIB_TEST_PG_URL to run these tests`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why the server cannot be used, or `undefined` when it can. Probed once per test file. */
export const PG_UNAVAILABLE = await probe();

/**
 * `describe(name, body)` when the server is reachable. Otherwise one test stands in for the
 * suite: skipped with a message naming the server and the variable — except on CI (`CI` set),
 * where the server must be there and its absence fails loudly.
 */
export function describeWithPostgres(name: string, body: () => void): void {
  if (PG_UNAVAILABLE === undefined) {
    describe(name, body);
    return;
  }
  const note = PG_UNAVAILABLE;
  describe(name, () => {
    it('needs a PostgreSQL server', (ctx) => {
      if (process.env.CI) throw new Error(note);
      ctx.skip(note);
    });
  });
}

/** A schema name no other test (or process) uses. */
export function uniqueSchema(prefix = 'trib_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
