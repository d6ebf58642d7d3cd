import pg from 'pg';
import { orderJson } from '../events.js';
import { type BenchSystem, type SystemSession, SystemUnavailable } from './types.js';

const url = process.env.TRIB_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 16;
let tables = 0;

/**
 * PostgreSQL (pg): one table, a batch is one multi-row INSERT through UNNEST of a text array
 * (one statement, one commit, fsynced with synchronous_commit on). Single publishes share a pool
 * of connections, each an autocommit INSERT; PostgreSQL's WAL group commit batches their fsyncs.
 */
export const postgres: BenchSystem = {
  name: 'postgres',
  async open(): Promise<SystemSession> {
    const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS, connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined); // idle-client errors surface on the next query instead
    let version: string;
    let syncCommit: string;
    try {
      const settings = await pool.query<{ v: string; s: string }>(
        "SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS s",
      );
      version = settings.rows[0]?.v ?? '?';
      syncCommit = settings.rows[0]?.s ?? '?';
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new SystemUnavailable(`PostgreSQL at ${url} unreachable: ${(err as Error).message}`);
    }
    const table = `bench_${process.pid}_${++tables}`;
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, payload text NOT NULL)`);
    const insertMany = `INSERT INTO ${table} (payload) SELECT unnest($1::text[])`;
    const insertOne = `INSERT INTO ${table} (payload) VALUES ($1)`;
    return {
      version,
      note: `synchronous_commit ${syncCommit}`,
      async publishBatch(gen, size) {
        const payloads = new Array<string>(size);
        for (let i = 0; i < size; i++) payloads[i] = orderJson(gen.next());
        await pool.query({ name: `ins_many_${table}`, text: insertMany, values: [payloads] });
      },
      async publishSingle(gen) {
        await pool.query({ name: `ins_one_${table}`, text: insertOne, values: [orderJson(gen.next())] });
      },
      async readAll() {
        const client = await pool.connect();
        try {
          let read = 0;
          let after = '0';
          const page = `SELECT id, payload FROM ${table} WHERE id > $1 ORDER BY id LIMIT 10000`;
          for (;;) {
            const res = await client.query<{ id: string; payload: string }>({
              name: `read_${table}`,
              text: page,
              values: [after],
            });
            if (res.rows.length === 0) return read;
            read += res.rows.length;
            after = res.rows[res.rows.length - 1]?.id ?? after;
          }
        } finally {
          client.release();
        }
      },
      async close() {
        await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
        await pool.end();
      },
    };
  },
};
