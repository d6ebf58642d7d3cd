import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { orderJson } from '../events.js';
import { EMPTY_TOTALS, fieldOf, foldOrderTotals } from './aggregate.js';
import { createFreshSchema } from './pg-schema.js';
import type { CatchUpResult, StoreSession, StoreSystem } from './types.js';

const CONNECTIONS = 16;
const PREFILL_CHUNK = 2000;
const EVENT_TYPE = 'order.placed';

const SCHEMA_SQL = `
  CREATE TABLE event_store (
    id bigserial PRIMARY KEY,
    aggregate_id text NOT NULL,
    version int NOT NULL,
    event_type text NOT NULL,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (aggregate_id, version)
  );
  CREATE TABLE projection_checkpoints (name text PRIMARY KEY, position bigint NOT NULL);`;

const INSERT_ONE = {
  name: 'plain_insert_one',
  text: 'INSERT INTO event_store (aggregate_id, version, event_type, data) VALUES ($1, $2, $3, $4)',
};
const CURRENT_VERSION = {
  name: 'plain_current_version',
  text: 'SELECT coalesce(max(version), 0) AS v FROM event_store WHERE aggregate_id = $1',
};
const INSERT_MANY =
  'INSERT INTO event_store (aggregate_id, version, event_type, data) ' +
  'SELECT $1, v, $2, d::jsonb FROM unnest($3::int[], $4::text[]) AS t(v, d)';
const READ_STREAM = {
  name: 'plain_read_stream',
  text: 'SELECT data FROM event_store WHERE aggregate_id = $1 ORDER BY version',
};
const READ_PAGE = {
  name: 'plain_read_page',
  text: 'SELECT id, aggregate_id, version, event_type, data FROM event_store WHERE id > $1 ORDER BY id LIMIT $2',
};

/** A unique violation of `(aggregate_id, version)`: someone else appended that version first. */
function isUniqueViolation(err: unknown): boolean {
  return fieldOf(err, 'code') === '23505';
}

/** Events of one row of `event_store`: the CloudEvents envelope in `data`, the order in `data.data`. */
function orderOfRow(row: { data: unknown }): unknown {
  return fieldOf(row.data, 'data');
}

async function currentVersion(client: pg.PoolClient, stream: string): Promise<number> {
  const res = await client.query<{ v: number }>({ ...CURRENT_VERSION, values: [stream] });
  return Number(res.rows[0]?.v ?? 0);
}

/** Compare-and-set of the projection's checkpoint, as a plain design writes it. */
async function moveCheckpoint(
  client: pg.PoolClient,
  name: string,
  from: string | undefined,
  to: string,
): Promise<void> {
  const res =
    from === undefined
      ? await client.query(
          'INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [name, to],
        )
      : await client.query({
          name: 'plain_move_checkpoint',
          text: 'UPDATE projection_checkpoints SET position = $3 WHERE name = $1 AND position = $2',
          values: [name, from, to],
        });
  if (res.rowCount !== 1) throw new Error(`checkpoint ${name} was moved by someone else`);
}

/**
 * The plain design the seeds describe: one `event_store` table with a unique `(aggregate_id,
 * version)`, one INSERT per event (a batch = one transaction of N INSERTs after reading the
 * stream's version; a single append = one autocommit INSERT whose version the unique constraint
 * checks). Events are the peers' CloudEvents JSON (`orderJson`) in `data`. Reads: `ORDER BY
 * version` for an aggregate, keyset pages on `id` for a projection.
 */
export const pgPlain: StoreSystem = {
  name: 'pg-plain',
  unsupported: { snapshots: 'the plain design has no snapshots' },
  async open(): Promise<StoreSession> {
    const schema = await createFreshSchema('bench_plain');
    const pool = new pg.Pool({
      connectionString: schema.url,
      max: CONNECTIONS,
      connectionTimeoutMillis: 5000,
    });
    pool.on('error', () => undefined); // idle-client errors surface on the next query instead
    try {
      await pool.query(SCHEMA_SQL);
    } catch (err) {
      await pool.end().catch(() => undefined);
      await schema.drop().catch(() => undefined);
      throw err;
    }
    const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        return await fn(client);
      } finally {
        client.release();
      }
    };
    const inTransaction = <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const result = await fn(client);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    return {
      version: schema.serverVersion,
      note: `synchronous_commit ${schema.synchronousCommit}`,
      async appendBatch(stream, gen, size) {
        const payloads = new Array<string>(size);
        for (let i = 0; i < size; i++) payloads[i] = orderJson(gen.next());
        await inTransaction(async (client) => {
          const version = await currentVersion(client, stream);
          for (let i = 0; i < size; i++) {
            await client.query({ ...INSERT_ONE, values: [stream, version + i + 1, EVENT_TYPE, payloads[i]] });
          }
        });
      },
      async appendSingle(stream, gen, expectedVersion) {
        const next = expectedVersion + 1n;
        try {
          await pool.query({
            ...INSERT_ONE,
            values: [stream, Number(next), EVENT_TYPE, orderJson(gen.next())],
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw new Error(`${stream}: version ${next} already exists`);
          throw err;
        }
        return next;
      },
      async prefill(stream, gen, count) {
        await withClient(async (client) => {
          let version = await currentVersion(client, stream);
          for (let done = 0; done < count; ) {
            const n = Math.min(PREFILL_CHUNK, count - done);
            const versions = Array.from({ length: n }, (_, i) => version + i + 1);
            const payloads = Array.from({ length: n }, () => orderJson(gen.next()));
            await client.query(INSERT_MANY, [stream, EVENT_TYPE, versions, payloads]);
            version += n;
            done += n;
          }
        });
      },
      async loadAggregate(stream) {
        const res = await pool.query<{ data: unknown }>({ ...READ_STREAM, values: [stream] });
        return foldOrderTotals(EMPTY_TOTALS, res.rows, orderOfRow);
      },
      catchUp: (options) =>
        withClient(async (client): Promise<CatchUpResult> => {
          const name = 'bench-projection';
          let state = EMPTY_TOTALS;
          let checkpoint: string | undefined;
          let pages = 0;
          while (performance.now() < options.deadline) {
            const res = await client.query<{ id: string; data: unknown }>({
              ...READ_PAGE,
              values: [checkpoint ?? '0', options.pageSize],
            });
            const last = res.rows[res.rows.length - 1];
            if (!last) break;
            state = foldOrderTotals(state, res.rows, orderOfRow);
            await moveCheckpoint(client, name, checkpoint, last.id);
            checkpoint = last.id;
            pages++;
          }
          return { events: state.count, pages };
        }),
      async close() {
        await pool.end().catch(() => undefined);
        await schema.drop();
      },
    };
  },
};
