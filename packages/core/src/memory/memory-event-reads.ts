// Reads of the in-memory event store: visibility rules, readStream, readAll.
import type { ResolvedReadAll, ResolvedReadStream } from '../event-store/checks.js';
import { streamDeleted } from '../event-store/expected-version.js';
import { fromStoredEvent } from '../event-store/stored-event.js';
import { streamCategory } from '../event-store/stream-names.js';
import type { EventUpcaster, RecordedEvent } from '../ports/event-store.js';
import { type MemoryEvent, type MemoryEventState, type StreamView, streamKey } from './memory-event-state.js';

/** Builds what a reader gets for a stored event: a fresh object, upcast to the newest version. */
export function toRecorded(event: MemoryEvent, upcaster: EventUpcaster): RecordedEvent {
  return {
    event: upcaster.upcast(fromStoredEvent(event.stored, event.tenant)),
    stream: event.stream,
    tenant: event.tenant,
    version: event.version,
    position: event.position,
    recordedAt: new Date(event.recordedAt.getTime()),
  };
}

/** Whether the stream's deletion state and metadata let readers see `event` at time `now`. */
export function isVisible(event: MemoryEvent, stream: StreamView, now: number): boolean {
  if (stream.deleted !== false || event.version <= stream.hiddenThrough) return false;
  const { maxAgeMs, maxCount, truncateBefore } = stream.metadata;
  if (truncateBefore !== undefined && event.version < truncateBefore) return false;
  if (maxCount !== undefined && event.version <= stream.version - BigInt(maxCount)) return false;
  if (maxAgeMs !== undefined && now - event.recordedAt.getTime() > maxAgeMs) return false;
  return true;
}

export function readStreamEvents(
  state: MemoryEventState,
  stream: string,
  options: ResolvedReadStream,
  upcaster: EventUpcaster,
): RecordedEvent[] {
  const view = state.view(options.tenant, stream);
  if (view === undefined) return [];
  if (view.deleted === 'hard') throw streamDeleted(stream);
  const now = Date.now();
  const until = options.until?.getTime();
  const forward = options.direction === 'forward';
  const from = options.fromVersion ?? (forward ? 1n : view.version);
  const ordered = forward ? view.events : [...view.events].reverse();
  const out: RecordedEvent[] = [];
  for (const event of ordered) {
    if (out.length >= options.maxCount) break;
    if (event.position > state.committedHead) continue;
    if (forward ? event.version < from : event.version > from) continue;
    if (until !== undefined && event.recordedAt.getTime() > until) continue;
    if (isVisible(event, view, now)) out.push(toRecorded(event, upcaster));
  }
  return out;
}

export function readAllEvents(
  state: MemoryEventState,
  options: ResolvedReadAll,
  upcaster: EventUpcaster,
): RecordedEvent[] {
  const now = Date.now();
  const since = options.since?.getTime();
  const until = options.until?.getTime();
  const types = options.types === undefined ? undefined : new Set(options.types);
  const categories = options.categories === undefined ? undefined : new Set(options.categories);
  const views = new Map<string, StreamView | undefined>();
  const out: RecordedEvent[] = [];
  for (let i = firstAfter(state.events, options.after); i < state.events.length; i++) {
    const event = state.events[i];
    if (event === undefined || event.position > state.committedHead || out.length >= options.maxCount) break;
    if (options.tenant !== undefined && event.tenant !== options.tenant) continue;
    if (types !== undefined && !types.has(event.stored.type)) continue;
    if (categories !== undefined && !categories.has(streamCategory(event.stream))) continue;
    const at = event.recordedAt.getTime();
    if ((since !== undefined && at < since) || (until !== undefined && at > until)) continue;
    const key = streamKey(event.tenant, event.stream);
    if (!views.has(key)) views.set(key, state.view(event.tenant, event.stream));
    const view = views.get(key);
    if (view !== undefined && isVisible(event, view, now)) out.push(toRecorded(event, upcaster));
  }
  return out;
}

/** Index of the first event with a position above `after` (events are in position order). */
function firstAfter(events: readonly MemoryEvent[], after: bigint): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((events[mid]?.position ?? 0n) <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
