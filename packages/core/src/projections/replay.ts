import type { Bus } from '../bus/bus.js';
import { invalidArgument } from '../errors/errors.js';
import { resolveReadAll } from '../event-store/checks.js';
import type { EventStore, RecordedEvent } from '../ports/event-store.js';
import { DEFAULT_BATCH_SIZE } from '../workers/loop-options.js';
import { ProgressMeter } from './progress.js';
import type { ProgressReport } from './types.js';

/** Which events {@link replayEvents} replays: one stream, or the global log filtered. */
export type ReplaySelection =
  | { readonly stream: string; readonly tenant?: string }
  | {
      /** Only these event types (default: every type). */
      readonly types?: readonly string[];
      /** Only events recorded at or after this time. */
      readonly since?: Date;
      /** Only this tenant's events (default: every tenant). */
      readonly tenant?: string;
    };

/** Where replayed events go: a function called per batch, or a topic of a bus. */
export type ReplayTarget =
  | ((events: readonly RecordedEvent[]) => Promise<void> | void)
  | { readonly bus: Bus; readonly topic: string };

export interface ReplayOptions {
  /**
   * Called after each batch. For a stream, `done`/`total` are stream versions (total: the version
   * when the replay started); otherwise global positions (total: the head when it started).
   */
  readonly onProgress?: (progress: ProgressReport) => void;
  /** Events read and delivered per batch. Default 100. */
  readonly batchSize?: number;
}

/**
 * Replays stored events, in order, to a handler or a topic: the events of one stream (version
 * order), or of the global log (position order) filtered by types, time and tenant. Ends at the
 * stream version / head position it started at, so appends made meanwhile do not keep it going.
 *
 * To a topic, each event is published as the stored CloudEvent (same id) with key = its stream,
 * so a stream's events stay in one partition, in order. A consumer with dedupe that already
 * handled an event skips its replay: replay to a fresh group, or one without dedupe.
 *
 * @returns How many events were replayed.
 * @throws ValidationError `INVALID_ARGUMENT` for a bad selection, target or option; store and bus
 *   errors as they are raised (events delivered before stay delivered).
 */
export async function replayEvents(
  store: EventStore,
  selection: ReplaySelection,
  target: ReplayTarget,
  options: ReplayOptions = {},
): Promise<{ events: number }> {
  const deliver = deliveryOf(target);
  const { onProgress, batchSize = DEFAULT_BATCH_SIZE } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw invalidArgument(
      `replayEvents: option batchSize must be an integer from 1 to 10000, got ${String(batchSize)}.`,
    );
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw invalidArgument('replayEvents: option onProgress must be a function.');
  const pages = pagesOf(store, checkSelection(selection), batchSize);
  let events = 0;
  let meter: ProgressMeter | undefined;
  for await (const { batch, done, total } of pages) {
    await deliver(batch);
    events += batch.length;
    meter ??= new ProgressMeter(0n);
    onProgress?.(meter.report(done, total));
  }
  return { events };
}

interface Page {
  readonly batch: readonly RecordedEvent[];
  readonly done: bigint;
  readonly total: bigint;
}

type CheckedSelection =
  | { readonly kind: 'stream'; readonly stream: string; readonly tenant: string | undefined }
  | {
      readonly kind: 'all';
      readonly types: readonly string[] | undefined;
      readonly since: Date | undefined;
      readonly tenant: string | undefined;
    };

async function* pagesOf(
  store: EventStore,
  selection: CheckedSelection,
  batchSize: number,
): AsyncGenerator<Page> {
  const tenant = selection.tenant === undefined ? {} : { tenant: selection.tenant };
  if (selection.kind === 'stream') {
    const total = (await store.getStream(selection.stream, tenant))?.version ?? 0n;
    let fromVersion = 1n;
    while (fromVersion <= total) {
      const read = await store.readStream(selection.stream, { ...tenant, fromVersion, maxCount: batchSize });
      const batch = read.filter((r) => r.version <= total);
      const last = batch.at(-1);
      if (last === undefined) return;
      yield { batch, done: last.version, total };
      fromVersion = last.version + 1n;
    }
    return;
  }
  const { types, since } = selection;
  const total = await store.headPosition();
  let after = 0n;
  while (after < total) {
    const read = await store.readAll({
      ...tenant,
      after,
      maxCount: batchSize,
      ...(types && { types }),
      ...(since && { since }),
    });
    const batch = read.filter((r) => r.position <= total);
    const last = batch.at(-1);
    if (last === undefined) return;
    yield { batch, done: last.position, total };
    after = last.position;
  }
}

function checkSelection(selection: ReplaySelection): CheckedSelection {
  if (selection === null || typeof selection !== 'object')
    throw invalidArgument('replayEvents: selection must be { stream } or { types?, since?, tenant? }.');
  const tenant = selection.tenant;
  if (tenant !== undefined && (typeof tenant !== 'string' || tenant === ''))
    throw invalidArgument('replayEvents: selection.tenant must be a non-empty string.');
  if ('stream' in selection) {
    if ('types' in selection || 'since' in selection)
      throw invalidArgument(
        'replayEvents: a selection is either { stream } or { types?, since? }, not both: to filter a stream, filter in the target.',
      );
    if (typeof selection.stream !== 'string' || selection.stream === '')
      throw invalidArgument('replayEvents: selection.stream must be a non-empty stream name.');
    return { kind: 'stream', stream: selection.stream, tenant };
  }
  // Checked now, as readAll would, so a bad filter fails even on an empty store.
  const { types, since } = resolveReadAll({ types: selection.types, since: selection.since });
  return { kind: 'all', types, since, tenant };
}

function deliveryOf(target: ReplayTarget): (events: readonly RecordedEvent[]) => Promise<void> {
  if (typeof target === 'function') return async (events) => target(events);
  if (target === null || typeof target !== 'object' || typeof target.bus?.publishBatch !== 'function')
    throw invalidArgument('replayEvents: target must be a function (events) => … or { bus, topic }.');
  const { bus, topic } = target;
  if (typeof topic !== 'string' || topic === '')
    throw invalidArgument('replayEvents: target.topic must be a topic name.');
  return async (events) => {
    await bus.publishBatch(
      events.map((r) => ({ event: r.event, key: r.stream })),
      { topic },
    );
  };
}
