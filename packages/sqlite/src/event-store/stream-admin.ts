// Writes on stream records: metadata, soft and hard deletion, snapshots. Each runs as one job of
// the write queue (inside a savepoint of a group commit).
import type { ExpectedVersion, Snapshot, StreamMetadata } from '@tributary/core';
import { assertExpectedVersion, invalidArgument, streamDeleted } from '@tributary/core/internal';
import { firstVisibleVersion, readStreamRow, streamState } from './rows.js';
import type { WriteStatements } from './write-statements.js';

/** Replaces the stream's metadata and reclaims the events it now hides. */
export function setMetadata(
  s: WriteStatements,
  tenant: string,
  stream: string,
  metadata: StreamMetadata,
): void {
  const row = readStreamRow(s.selectStream, tenant, stream);
  if (row?.deleted === 2) throw streamDeleted(stream);
  const { truncateBefore, maxCount, maxAgeMs } = metadata;
  if (truncateBefore !== undefined && truncateBefore > BigInt(Number.MAX_SAFE_INTEGER))
    throw invalidArgument(
      `Invalid truncateBefore ${truncateBefore}: versions beyond ${Number.MAX_SAFE_INTEGER} cannot exist.`,
    );
  const version = row?.version ?? 0;
  s.setMetadata.run(tenant, stream, version, truncateBefore ?? null, maxCount ?? null, maxAgeMs ?? null);
  const updated = readStreamRow(s.selectStream, tenant, stream);
  if (updated !== undefined) reclaimHidden(s, tenant, stream, firstVisibleVersion(updated));
}

/** Soft- or hard-deletes a stream after checking `expectedVersion` like an append. */
export function deleteStream(
  s: WriteStatements,
  tenant: string,
  stream: string,
  hard: boolean,
  expectedVersion: ExpectedVersion | undefined,
): void {
  const row = readStreamRow(s.selectStream, tenant, stream);
  assertExpectedVersion(stream, expectedVersion, streamState(row));
  s.deleteSnapshot.run(tenant, stream);
  if (hard) {
    s.keepHead.run();
    s.deleteStreamOutbox.run(tenant, stream);
    s.deleteStreamEvents.run(tenant, stream);
    s.hardDelete.run(tenant, stream, row?.version ?? 0);
    return;
  }
  if (row === undefined) return;
  s.softDelete.run(tenant, stream, row.version, row.version + 1);
  reclaimHidden(s, tenant, stream, row.version + 1);
}

/** Stores a snapshot of a stream that is not hard-deleted. */
export function saveSnapshot(
  s: WriteStatements,
  tenant: string,
  stream: string,
  snapshot: Snapshot,
  stateJson: string,
): void {
  const row = readStreamRow(s.selectStream, tenant, stream);
  if (row?.deleted === 2) throw streamDeleted(stream);
  if (snapshot.version > BigInt(Number.MAX_SAFE_INTEGER))
    throw invalidArgument(
      `Invalid snapshot version ${snapshot.version}: versions beyond ${Number.MAX_SAFE_INTEGER} cannot exist.`,
    );
  s.saveSnapshot.run(tenant, stream, snapshot.version, snapshot.schemaVersion, stateJson);
}

/**
 * Deletes the events below `firstVisible` (reads hide them already) except those the outbox has
 * yet to publish, which stay until published.
 */
function reclaimHidden(s: WriteStatements, tenant: string, stream: string, firstVisible: number): void {
  if (firstVisible <= 1) return;
  s.keepHead.run();
  s.reclaimBelow.run(tenant, stream, firstVisible);
}
