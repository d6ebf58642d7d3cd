// Creates or upgrades the store's schema on open; safe when several processes open it at once.
import { StorageError } from '@tributary/core';
import type pg from 'pg';
import { appendGroupDdl } from './append-group.js';
import { appendOneDdl } from './append-one.js';
import { tablesDdl } from './ddl.js';
import type { Tables } from './tables.js';

interface Migration {
  readonly version: number;
  /** The SQL for the schema's tables `t`; `schema` is its name, unquoted. */
  readonly sql: (t: Tables, schema: string) => string;
}

/** Every migration, in order. Released ones are never edited: changes go into a new version. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: (t, schema) => `${tablesDdl(t)}\n${appendOneDdl(t, schema)}\n${appendGroupDdl(t, schema)}`,
  },
];

/** The newest schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the missing migrations to `schema` (its name unquoted, for the lock key). A session
 * advisory lock keyed by the schema name serialises concurrent openers: the first one migrates,
 * the others wait and then find nothing left to do. Each migration commits with its version row.
 */
export async function migrate(client: pg.PoolClient, t: Tables, schema: string): Promise<void> {
  const lockKey = `tributary.migrate:${schema}`;
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = await client.query<{ version: number }>(`SELECT version FROM ${t.migrations}`);
    const done = new Set(applied.rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > SCHEMA_VERSION)
      throw new StorageError(
        'STORAGE_FAILURE',
        `Schema ${t.schema} is at version ${newest}, newer than this @tributary/postgres understands (${SCHEMA_VERSION}): upgrade @tributary/postgres, or use another schema.`,
      );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql(t, schema));
        await client.query(`INSERT INTO ${t.migrations} (version) VALUES ($1)`, [m.version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
  }
}
