// saveSnapshot and loadSnapshot: one row per stream, replaced on every save.
import type { Snapshot, TenantOption } from '@tributary/core';
import { checkSnapshot, checkStreamName, tenantOf } from '@tributary/core/internal';
import type { Database } from './database.js';

export async function saveSnapshot(
  db: Database,
  stream: string,
  snapshot: Snapshot,
  options: TenantOption | undefined,
): Promise<void> {
  checkStreamName(stream);
  const tenant = tenantOf(options);
  const { snapshot: s, stateJson } = checkSnapshot(snapshot);
  await db.query(`save a snapshot of stream "${stream}"`, {
    name: db.statementName('save_snapshot'),
    text: `INSERT INTO ${db.tables.snapshots} (tenant, stream, version, schema_version, state)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant, stream) DO UPDATE
              SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, state = EXCLUDED.state`,
    values: [tenant, stream, s.version.toString(), s.schemaVersion, stateJson],
  });
}

export async function loadSnapshot(
  db: Database,
  stream: string,
  options: TenantOption | undefined,
): Promise<Snapshot | undefined> {
  checkStreamName(stream);
  const tenant = tenantOf(options);
  const rows = await db.query<{ version: string; schema_version: string; state: string }>(
    `load the snapshot of stream "${stream}"`,
    {
      name: db.statementName('load_snapshot'),
      text: `SELECT version, schema_version, state FROM ${db.tables.snapshots} WHERE tenant = $1 AND stream = $2`,
      values: [tenant, stream],
    },
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { version: BigInt(row.version), schemaVersion: row.schema_version, state: JSON.parse(row.state) };
}
