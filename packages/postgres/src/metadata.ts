// getStream, setStreamMetadata and deleteStream.
import type { DeleteStreamOptions, StreamInfo, StreamMetadata, TenantOption } from '@tributary/core';
import {
  assertExpectedVersion,
  checkExpectedVersion,
  checkStreamMetadata,
  checkStreamName,
  invalidArgument,
  streamDeleted,
  tenantOf,
} from '@tributary/core/internal';
import type pg from 'pg';
import type { Database } from './database.js';

interface StreamRow {
  version: string;
  deleted: 'soft' | 'hard' | null;
  truncate_before: string | null;
  max_count: string | null;
  max_age_ms: string | null;
}

export async function getStream(
  db: Database,
  stream: string,
  options: TenantOption | undefined,
): Promise<StreamInfo | undefined> {
  checkStreamName(stream);
  const tenant = tenantOf(options);
  const rows = await db.query<StreamRow>(`read stream "${stream}"`, {
    name: db.statementName('get_stream'),
    text: `SELECT version, deleted, truncate_before, max_count, max_age_ms
             FROM ${db.tables.streams} WHERE tenant = $1 AND stream = $2`,
    values: [tenant, stream],
  });
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    stream,
    tenant,
    version: BigInt(row.version),
    deleted: row.deleted ?? false,
    metadata: metadataOf(row),
  };
}

function metadataOf(row: StreamRow): StreamMetadata {
  return {
    ...(row.max_age_ms === null ? {} : { maxAgeMs: Number(row.max_age_ms) }),
    ...(row.max_count === null ? {} : { maxCount: Number(row.max_count) }),
    ...(row.truncate_before === null ? {} : { truncateBefore: BigInt(row.truncate_before) }),
  };
}

export async function setStreamMetadata(
  db: Database,
  stream: string,
  metadata: StreamMetadata,
  options: TenantOption | undefined,
): Promise<void> {
  checkStreamName(stream);
  const tenant = tenantOf(options);
  const m = checkStreamMetadata(metadata);
  const doing = `set the metadata of stream "${stream}"`;
  const rows = await db.query(doing, {
    text: `INSERT INTO ${db.tables.streams} AS s (tenant, stream, truncate_before, max_count, max_age_ms)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant, stream) DO UPDATE
              SET truncate_before = EXCLUDED.truncate_before, max_count = EXCLUDED.max_count,
                  max_age_ms = EXCLUDED.max_age_ms
            WHERE s.deleted IS DISTINCT FROM 'hard'
           RETURNING 1`,
    values: [tenant, stream, m.truncateBefore?.toString() ?? null, m.maxCount ?? null, m.maxAgeMs ?? null],
  });
  if (rows.length === 0) throw streamDeleted(stream);
}

export async function deleteStream(
  db: Database,
  stream: string,
  options: DeleteStreamOptions | undefined,
): Promise<void> {
  checkStreamName(stream);
  const tenant = tenantOf(options);
  checkExpectedVersion(options?.expectedVersion);
  const hard = options?.hard ?? false;
  if (typeof hard !== 'boolean')
    throw invalidArgument(`Invalid hard ${JSON.stringify(hard)}: expected true or false.`);
  const doing = `${hard ? 'hard-' : ''}delete stream "${stream}"`;
  const t = db.tables;
  await db.transaction(doing, async (client) => {
    const q = <R extends pg.QueryResultRow>(text: string) =>
      db.query<R>(doing, { text, values: [tenant, stream] }, client);
    const key = 'tenant = $1 AND stream = $2';
    let row = (await q<StreamRow>(`SELECT version, deleted FROM ${t.streams} WHERE ${key} FOR UPDATE`))[0];
    if (row === undefined && hard) {
      // a tombstone for a stream that never existed, so it cannot be created later either
      await q(`INSERT INTO ${t.streams} (tenant, stream) VALUES ($1, $2) ON CONFLICT DO NOTHING`);
      row = (await q<StreamRow>(`SELECT version, deleted FROM ${t.streams} WHERE ${key} FOR UPDATE`))[0];
    }
    assertExpectedVersion(
      stream,
      options?.expectedVersion,
      row === undefined ? undefined : { version: BigInt(row.version), deleted: row.deleted ?? false },
    );
    if (row === undefined) return;
    // A snapshot would resurrect the deleted state: it goes with the events.
    await q(`DELETE FROM ${t.snapshots} WHERE ${key}`);
    if (!hard) {
      await q(`UPDATE ${t.streams} SET deleted = 'soft', deleted_through = version WHERE ${key}`);
      return;
    }
    await q(`UPDATE ${t.streams} SET deleted = 'hard' WHERE ${key}`);
    await q(
      `DELETE FROM ${t.outbox} o USING ${t.events} e WHERE o.id = e.position AND e.tenant = $1 AND e.stream = $2`,
    );
    await q(`DELETE FROM ${t.events} WHERE ${key}`);
  });
}
