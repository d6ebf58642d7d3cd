import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTributaryError, StorageError } from '../errors/errors.js';
import { createMemoryEventStore } from '../memory/memory-event-store.js';
import type { EventStore, Snapshot } from '../ports/event-store.js';
import { defineAggregate } from './define-aggregate.js';
import { handleCommand } from './handle-command.js';
import { loadAggregate } from './load-aggregate.js';
import { isSnapshotDue } from './snapshots.js';
import { type CounterEvent, counterAggregate, increments } from './test-support/counter.js';
import type { SnapshotErrorContext } from './types.js';

let store: EventStore;
afterEach(() => store?.close());

/** The memory store, recording the versions snapshots are saved at. */
function recordingStore(): { store: EventStore; saved: bigint[] } {
  const saved: bigint[] = [];
  const inner = createMemoryEventStore();
  const wrapped = new Proxy(inner, {
    get(target, property) {
      if (property === 'saveSnapshot')
        return (stream: string, snapshot: Snapshot, options?: { tenant?: string }) => {
          saved.push(snapshot.version);
          return target.saveSnapshot(stream, snapshot, options);
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: wrapped, saved };
}

function errorSpy() {
  return vi.fn<(error: unknown, context: SnapshotErrorContext) => void>();
}

describe('saving snapshots', () => {
  it('saves one when a command reaches or passes a multiple of snapshotEvery', async () => {
    const recording = recordingStore();
    store = recording.store;
    const Counter = counterAggregate({ snapshotEvery: 3 });
    for (const times of [1, 1, 1, 1, 1, 1, 2, 2])
      await handleCommand(store, Counter, 'c-1', { by: 1, times });
    expect(recording.saved).toEqual([3n, 6n, 10n]);
    const snapshot = await store.loadSnapshot('counter-c-1');
    expect(snapshot).toEqual({ version: 10n, schemaVersion: 'v1', state: { count: 10, events: 10 } });
  });

  it('catches up when the last usable snapshot is snapshotEvery or more events behind', () => {
    const due = (version: bigint, previousVersion: bigint, snapshotVersion?: bigint) =>
      isSnapshotDue(10, { version, previousVersion, snapshotVersion });
    expect(due(10n, 9n, undefined)).toBe(true);
    expect(due(15n, 11n, 10n)).toBe(false);
    expect(due(23n, 22n, undefined)).toBe(true);
    expect(due(23n, 22n, 20n)).toBe(false);
    expect(isSnapshotDue(undefined, { version: 100n, previousVersion: 0n, snapshotVersion: undefined })).toBe(
      false,
    );
  });

  it('reports a state JSON cannot hold and still succeeds the command', async () => {
    store = createMemoryEventStore();
    const onSnapshotError = errorSpy();
    const Dated = defineAggregate({
      category: 'dated',
      schemaVersion: 'v1',
      snapshotEvery: 1,
      onSnapshotError,
      decider: {
        initialState: () => ({ at: new Date(0) }),
        decide: () => increments(1),
        evolve: () => ({ at: new Date(1000) }),
      },
    });
    const result = await handleCommand(store, Dated, 'd-1', {});
    expect(result.nextExpectedVersion).toBe(1n);
    expect(await store.loadSnapshot('dated-d-1')).toBeUndefined();
    const [error, context] = onSnapshotError.mock.calls[0] ?? [];
    expect(isTributaryError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(String((error as Error).message)).toMatch(/state\.at is a Date.*snapshot: \{ toJSON, fromJSON \}/);
    expect(context).toEqual({ phase: 'save', stream: 'dated-d-1', tenant: 'default', version: 1n });
  });

  it('round-trips bigints and Dates through a snapshot codec', async () => {
    store = createMemoryEventStore();
    type State = { readonly total: bigint; readonly since: Date | undefined };
    const Ledger = defineAggregate({
      category: 'ledger',
      schemaVersion: 'v1',
      snapshotEvery: 2,
      onSnapshotError: (error) => {
        throw error;
      },
      snapshot: {
        toJSON: (s: State) => ({ total: s.total.toString(), since: s.since?.toISOString() ?? null }),
        fromJSON: (json) => {
          const { total, since } = json as { total: string; since: string | null };
          return { total: BigInt(total), since: since === null ? undefined : new Date(since) };
        },
      },
      decider: {
        initialState: (): State => ({ total: 0n, since: undefined }),
        decide: (by: number) => increments(1).map((e) => ({ ...e, data: { by } })),
        evolve: (s: State, e: CounterEvent): State => ({
          total: s.total + BigInt(e.data.by),
          since: s.since ?? new Date(Date.parse(e.time)),
        }),
      },
    });
    await handleCommand(store, Ledger, 'l-1', 5);
    const second = await handleCommand(store, Ledger, 'l-1', 7);
    const loaded = await loadAggregate(store, Ledger, 'l-1');
    expect(loaded.fromSnapshot).toBe(true);
    expect(loaded.state).toEqual(second.state);
    expect(loaded.state.total).toBe(12n);
  });

  it('reports a failing saveSnapshot without failing the command, even when the callback throws', async () => {
    const inner = createMemoryEventStore();
    store = inner;
    const failing = new Proxy(inner, {
      get(target, property) {
        if (property === 'saveSnapshot')
          return async () => {
            throw new StorageError('STORAGE_FAILURE', 'disk full');
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const onSnapshotError = errorSpy().mockImplementation(() => {
      throw new Error('the logger broke');
    });
    const Counter = counterAggregate({ snapshotEvery: 1, onSnapshotError });
    const result = await handleCommand(failing, Counter, 'c-1', { by: 1 });
    expect(result.nextExpectedVersion).toBe(1n);
    expect(onSnapshotError).toHaveBeenCalledOnce();
    expect(onSnapshotError.mock.calls[0]?.[0]).toMatchObject({ code: 'STORAGE_FAILURE' });
  });

  it('saves no snapshot when events of another writer slipped in (expectedVersion any)', async () => {
    store = createMemoryEventStore();
    const Counter = counterAggregate({ snapshotEvery: 1 });
    const sneaky = new Proxy(store, {
      get(target, property) {
        if (property === 'appendToStream')
          return async (...args: Parameters<EventStore['appendToStream']>) => {
            await target.appendToStream('counter-c-1', increments(1));
            return target.appendToStream(...args);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const result = await handleCommand(sneaky, Counter, 'c-1', { by: 5 }, { expectedVersion: 'any' });
    expect(result.nextExpectedVersion).toBe(2n);
    expect(await store.loadSnapshot('counter-c-1')).toBeUndefined();
  });
});

describe('loading from snapshots', () => {
  async function counterWith25Events(snapshotEvery = 10) {
    store = createMemoryEventStore();
    const Counter = counterAggregate({ snapshotEvery });
    for (let i = 0; i < 5; i++) await handleCommand(store, Counter, 'c-1', { by: 1, times: 5 });
    return Counter;
  }

  it('starts from the snapshot and reads only the events after it, giving the full replay state', async () => {
    const Counter = await counterWith25Events();
    const loaded = await loadAggregate(store, Counter, 'c-1');
    expect(loaded).toEqual({
      state: { count: 25, events: 25 },
      version: 25n,
      eventsRead: 5,
      fromSnapshot: true,
    });
    const replayed = await loadAggregate(store, counterAggregate({ schemaVersion: 'replay' }), 'c-1');
    expect(replayed).toEqual({ ...loaded, eventsRead: 25, fromSnapshot: false });
  });

  it('uses the stored state of the snapshot rather than replaying the events before it', async () => {
    const Counter = await counterWith25Events();
    await store.saveSnapshot('counter-c-1', {
      version: 20n,
      schemaVersion: 'v1',
      state: { count: 1000, events: 20 },
    });
    expect((await loadAggregate(store, Counter, 'c-1')).state).toEqual({ count: 1005, events: 25 });
  });

  it('ignores a snapshot of another schemaVersion and saves a new one on the next command', async () => {
    await counterWith25Events();
    const CounterV2 = counterAggregate({ schemaVersion: 'v2', snapshotEvery: 10 });
    const loaded = await loadAggregate(store, CounterV2, 'c-1');
    expect(loaded).toMatchObject({ fromSnapshot: false, eventsRead: 25, state: { count: 25 } });
    await handleCommand(store, CounterV2, 'c-1', { by: 1 });
    expect(await store.loadSnapshot('counter-c-1')).toMatchObject({ version: 26n, schemaVersion: 'v2' });
  });

  it('reports a snapshot its codec cannot decode, and replays the stream instead', async () => {
    await counterWith25Events();
    await store.saveSnapshot('counter-c-1', { version: 20n, schemaVersion: 'v1', state: 'garbage' });
    const onSnapshotError = errorSpy();
    const Strict = counterAggregate({
      onSnapshotError,
      snapshot: {
        toJSON: (state) => state,
        fromJSON: (json) => {
          if (typeof json !== 'object' || json === null || !('count' in json))
            throw new TypeError('not a counter');
          return json as { count: number; events: number };
        },
      },
    });
    const loaded = await loadAggregate(store, Strict, 'c-1');
    expect(loaded).toMatchObject({ fromSnapshot: false, eventsRead: 25, state: { count: 25, events: 25 } });
    const [error, context] = onSnapshotError.mock.calls[0] ?? [];
    expect(error).toMatchObject({ code: 'CORRUPT_DATA', cause: new TypeError('not a counter') });
    expect(String((error as Error).message)).toMatch(/at version 20 could not be decoded .*not a counter/);
    expect(context).toEqual({ phase: 'load', stream: 'counter-c-1', tenant: 'default', version: 20n });
  });

  it('reports and ignores a snapshot ahead of its stream', async () => {
    await counterWith25Events();
    await store.saveSnapshot('counter-c-1', {
      version: 99n,
      schemaVersion: 'v1',
      state: { count: 99, events: 99 },
    });
    const onSnapshotError = errorSpy();
    const loaded = await loadAggregate(store, counterAggregate({ onSnapshotError }), 'c-1');
    expect(loaded).toMatchObject({ fromSnapshot: false, state: { count: 25 }, version: 25n });
    expect(onSnapshotError.mock.calls[0]?.[0]).toMatchObject({ code: 'CORRUPT_DATA' });
    expect(String((onSnapshotError.mock.calls[0]?.[0] as Error | undefined)?.message)).toMatch(
      /ahead of the stream \(version 25\)/,
    );
  });

  it('keeps using a snapshot when the events before it were truncated', async () => {
    const Counter = await counterWith25Events();
    await store.setStreamMetadata('counter-c-1', { truncateBefore: 21n });
    expect(await loadAggregate(store, Counter, 'c-1')).toMatchObject({
      state: { count: 25, events: 25 },
      fromSnapshot: true,
      eventsRead: 5,
    });
  });

  it('drops the snapshot of a soft-deleted stream, also after the stream is appended to again', async () => {
    const Counter = await counterWith25Events();
    await store.deleteStream('counter-c-1');
    const deleted = await loadAggregate(store, Counter, 'c-1');
    expect(deleted).toMatchObject({ state: { count: 0, events: 0 }, fromSnapshot: false });
    const restarted = await handleCommand(store, counterAggregate(), 'c-1', { by: 7 });
    expect(restarted.state).toEqual({ count: 7, events: 1 });
    expect(restarted.nextExpectedVersion).toBe(26n);
    expect(await loadAggregate(store, Counter, 'c-1')).toMatchObject({
      state: { count: 7, events: 1 },
      version: 26n,
      fromSnapshot: false,
    });
  });

  it('drops a snapshot whose later events are all hidden by the stream metadata', async () => {
    const Counter = await counterWith25Events();
    await store.setStreamMetadata('counter-c-1', { truncateBefore: 26n });
    expect(await loadAggregate(store, Counter, 'c-1')).toMatchObject({
      state: { count: 0, events: 0 },
      version: 25n,
      fromSnapshot: false,
    });
  });
});
