import pg from 'pg';
import { SystemUnavailable } from '../systems/types.js';

/** The PostgreSQL server every PostgreSQL row uses (`TRIB_BENCH_PG_URL`, as in the README). */
export const PG_URL = process.env.TRIB_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let schemas = 0;

/** A fresh, empty schema of the benchmark's PostgreSQL server; `drop()` removes it with everything in it. */
export interface FreshSchema {
  readonly name: string;
  /** `PG_URL` with `search_path` set to the schema, for libraries that create unqualified tables. */
  readonly url: string;
  /** `server_version` of the server. */
  readonly serverVersion: string;
  /** `synchronous_commit` of the server (`on`: every commit is fsynced before it is acknowledged). */
  readonly synchronousCommit: string;
  drop(): Promise<void>;
}

/** `url` with `options=-c search_path=<schema>` added, so every connection starts in that schema. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/**
 * Creates a fresh schema `<prefix>_<pid>_<n>`. Rejects with {@link SystemUnavailable} when the
 * server cannot be reached, so the row is reported as skipped with the reason.
 */
export async function createFreshSchema(prefix: string): Promise<FreshSchema> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  admin.on('error', () => undefined); // a dropped connection surfaces on the next query
  let serverVersion: string;
  let synchronousCommit: string;
  try {
    await admin.connect();
    const settings = await admin.query<{ v: string; s: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS s",
    );
    serverVersion = settings.rows[0]?.v ?? '?';
    synchronousCommit = settings.rows[0]?.s ?? '?';
  } catch (err) {
    await admin.end().catch(() => undefined);
    throw new SystemUnavailable(`PostgreSQL at ${PG_URL} unreachable: ${(err as Error).message}`);
  }
  const name = `${prefix}_${process.pid}_${++schemas}`;
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
  return {
    name,
    url: withSearchPath(PG_URL, name),
    serverVersion,
    synchronousCommit,
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
