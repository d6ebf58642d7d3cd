// Reads of one connection: streams, the global log, stream records, snapshots.
import type { EventUpcaster, RecordedEvent, Snapshot, StreamInfo } from '@tributary/core';
import { type ResolvedReadAll, type ResolvedReadStream, streamDeleted } from '@tributary/core/internal';
import type { ReadAllShape } from './read-all-sql.js';
import type { ReadStatements } from './read-statements.js';
import {
  type EventRow,
  firstVisibleVersion,
  MAX_TIME,
  MIN_TIME,
  readStreamRow,
  streamInfo,
  toRecordedEvent,
  visibleSince,
} from './rows.js';

/** Versions and positions beyond this cannot exist (the store gives them one by one from 1). */
const MAX_NUMBER = Number.MAX_SAFE_INTEGER;
const toNumber = (value: bigint): number => (value > BigInt(MAX_NUMBER) ? MAX_NUMBER : Number(value));

/** The store's reads over one connection's statements. */
export class StoreReads {
  constructor(
    private readonly s: ReadStatements,
    private readonly upcaster: EventUpcaster,
  ) {}

  readStream(stream: string, options: ResolvedReadStream): RecordedEvent[] {
    const { tenant } = options;
    const row = readStreamRow(this.s.selectStream, tenant, stream);
    if (row === undefined) return [];
    if (row.deleted === 2) throw streamDeleted(stream);
    const first = firstVisibleVersion(row);
    const since = visibleSince(row, Date.now());
    const until = options.until?.getTime() ?? MAX_TIME;
    const limit = options.maxCount === Number.POSITIVE_INFINITY ? -1 : options.maxCount;
    let rows: EventRow[];
    if (options.direction === 'forward') {
      const from = Math.max(first, toNumber(options.fromVersion ?? 1n));
      if (from > row.version) return [];
      rows = this.s.forward.all(tenant, stream, from, since, until, limit) as EventRow[];
    } else {
      const from = Math.min(row.version, toNumber(options.fromVersion ?? BigInt(row.version)));
      if (from < first) return [];
      rows = this.s.backward.all(tenant, stream, from, first, since, until, limit) as EventRow[];
    }
    return rows.map((r) => toRecordedEvent(r, this.upcaster));
  }

  readAll(options: ResolvedReadAll): RecordedEvent[] {
    const { types, categories } = options;
    if (types?.length === 0 || categories?.length === 0) return [];
    let after = toNumber(options.after);
    let upto = MAX_NUMBER;
    // Recorded times never decrease along the log, so time bounds are position bounds.
    if (options.since !== undefined) {
      const first = this.s.firstPositionSince.get(options.since.getTime()) as number | undefined;
      if (first === undefined) return [];
      after = Math.max(after, first - 1);
    }
    if (options.until !== undefined) {
      const last = this.s.lastPositionUntil.get(options.until.getTime()) as number | undefined;
      if (last === undefined) return [];
      upto = last;
    }
    if (after >= upto) return [];
    const hiding = this.s.anyHiding.get() !== undefined;
    const params: Record<string, unknown> = {
      after,
      upto,
      tenant: options.tenant ?? null,
      since: options.since?.getTime() ?? MIN_TIME,
      until: options.until?.getTime() ?? MAX_TIME,
      limit: options.maxCount,
    };
    if (hiding) params.now = Date.now();
    let rows: EventRow[];
    if (types === undefined && categories === undefined) {
      rows = this.page({ driver: 'log', hiding, categoryFilter: false }, params);
    } else if (types !== undefined) {
      if (categories !== undefined) params.categories = JSON.stringify(categories);
      const shape: ReadAllShape = { driver: 'type', hiding, categoryFilter: categories !== undefined };
      rows = this.merge(shape, params, types, options.maxCount);
    } else {
      const shape: ReadAllShape = { driver: 'category', hiding, categoryFilter: false };
      rows = this.merge(shape, params, categories ?? [], options.maxCount);
    }
    return rows.map((r) => toRecordedEvent(r, this.upcaster));
  }

  headPosition(): bigint {
    return BigInt(this.s.head.get() as number);
  }

  getStream(tenant: string, stream: string): StreamInfo | undefined {
    const row = readStreamRow(this.s.selectStream, tenant, stream);
    return row === undefined ? undefined : streamInfo(tenant, stream, row);
  }

  loadSnapshot(tenant: string, stream: string): Snapshot | undefined {
    const row = this.s.snapshot.get(tenant, stream) as
      | { version: number; schema_version: string; state: string }
      | undefined;
    if (row === undefined) return undefined;
    return { version: BigInt(row.version), schemaVersion: row.schema_version, state: JSON.parse(row.state) };
  }

  private page(shape: ReadAllShape, params: Record<string, unknown>): EventRow[] {
    return this.s.readAll(shape).all(params) as EventRow[];
  }

  /** One page per type (or category), each in position order, merged into the first `limit`. */
  private merge(
    shape: ReadAllShape,
    params: Record<string, unknown>,
    keys: readonly string[],
    limit: number,
  ): EventRow[] {
    const distinct = [...new Set(keys)];
    if (distinct.length === 1) return this.page(shape, { ...params, key: distinct[0] });
    const rows = distinct.flatMap((key) => this.page(shape, { ...params, key }));
    rows.sort((a, b) => a[0] - b[0]);
    return rows.length > limit ? rows.slice(0, limit) : rows;
  }
}
