import { SerialQueue } from '../bus/serial-queue.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, TributaryError } from '../errors/errors.js';
import {
  checkAppend,
  checkAppends,
  checkSnapshot,
  checkStreamMetadata,
  resolveReadAll,
  resolveReadStream,
} from '../event-store/checks.js';
import {
  assertExpectedVersion,
  checkExpectedVersion,
  streamDeleted,
} from '../event-store/expected-version.js';
import { checkStreamName, tenantOf } from '../event-store/stream-names.js';
import { NO_UPCASTING } from '../event-store/upcasters.js';
import type {
  AppendOptions,
  AppendResult,
  DeleteStreamOptions,
  EventStore,
  EventStoreOptions,
  EventStoreTransaction,
  MultiAppendOptions,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Snapshot,
  StreamAppend,
  StreamInfo,
  StreamMetadata,
  TenantOption,
} from '../ports/event-store.js';
import { MemoryCheckpoints } from './memory-checkpoints.js';
import { type AppendConfig, type AppendOutcome, writeAppends } from './memory-event-append.js';
import { checkEventStoreOptions } from './memory-event-checks.js';
import { readAllEvents, readStreamEvents } from './memory-event-reads.js';
import { MemoryEventState, streamKey } from './memory-event-state.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MemoryTransaction } from './memory-transaction.js';

/**
 * Creates an {@link EventStore} held in memory: for tests and `memory:` connections. Nothing
 * survives the process. It keeps every promise of the port: writes run one at a time, a failed
 * append or transaction leaves no trace, readers see committed events only, and events read back
 * exactly as an SQL adapter returns them. Inline projections get `tx = undefined`.
 * @throws ValidationError `INVALID_ARGUMENT` for bad options, synchronously.
 */
export function createMemoryEventStore(options?: EventStoreOptions<undefined>): EventStore<undefined> {
  return new MemoryEventStore(checkEventStoreOptions(options));
}

interface StoredSnapshot {
  readonly version: bigint;
  readonly schemaVersion: string;
  readonly stateJson: string;
}

class MemoryEventStore implements EventStore<undefined> {
  readonly outbox: MemoryOutbox;
  readonly checkpoints: MemoryCheckpoints;
  private readonly state = new MemoryEventState();
  private readonly snapshots = new Map<string, StoredSnapshot>();
  /** Appends, transactions, metadata changes and deletions run one at a time. */
  private readonly writes = new SerialQueue();
  private readonly listeners = new Set<() => void>();
  private readonly config: AppendConfig;
  private closed = false;

  constructor(options: EventStoreOptions<undefined>) {
    this.config = { upcaster: options.upcasters ?? NO_UPCASTING, options };
    const checkOpen = (operation: string) => this.checkOpen(operation);
    this.outbox = new MemoryOutbox(this.state, this.config.upcaster, checkOpen);
    this.checkpoints = new MemoryCheckpoints(checkOpen);
  }

  async appendToStream(
    stream: string,
    events: readonly CloudEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.checkOpen('appendToStream');
    const { tenant, append } = checkAppend(stream, events, options);
    const [result] = await this.write('appendToStream', () =>
      writeAppends(this.state, tenant, [append], this.config),
    );
    if (result === undefined) throw new Error('Memory event store: an append returned no result.');
    return result;
  }

  async appendToStreams(
    appends: readonly StreamAppend[],
    options?: MultiAppendOptions,
  ): Promise<AppendResult[]> {
    this.checkOpen('appendToStreams');
    const checked = checkAppends(appends, options);
    return this.write('appendToStreams', () =>
      writeAppends(this.state, checked.tenant, checked.appends, this.config),
    );
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.checkOpen('readStream');
    return readStreamEvents(this.state, stream, resolveReadStream(stream, options), this.config.upcaster);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.checkOpen('readAll');
    return readAllEvents(this.state, resolveReadAll(options), this.config.upcaster);
  }

  async headPosition(): Promise<bigint> {
    this.checkOpen('headPosition');
    return this.state.committedHead;
  }

  async getStream(stream: string, options?: TenantOption): Promise<StreamInfo | undefined> {
    this.checkOpen('getStream');
    checkStreamName(stream);
    const view = this.state.view(tenantOf(options), stream);
    if (view === undefined) return undefined;
    return {
      stream: view.stream,
      tenant: view.tenant,
      version: view.version,
      deleted: view.deleted,
      metadata: { ...view.metadata },
    };
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata, options?: TenantOption): Promise<void> {
    this.checkOpen('setStreamMetadata');
    checkStreamName(stream);
    const checked = checkStreamMetadata(metadata);
    const tenant = tenantOf(options);
    const copy: { -readonly [K in keyof StreamMetadata]: StreamMetadata[K] } = {};
    if (checked.maxAgeMs !== undefined) copy.maxAgeMs = checked.maxAgeMs;
    if (checked.maxCount !== undefined) copy.maxCount = checked.maxCount;
    if (checked.truncateBefore !== undefined) copy.truncateBefore = checked.truncateBefore;
    await this.write('setStreamMetadata', async () => {
      if (this.state.streams.get(streamKey(tenant, stream))?.deleted === 'hard') throw streamDeleted(stream);
      this.state.streamForUpdate(tenant, stream).metadata = copy;
      return { results: [], wrote: false };
    });
  }

  async deleteStream(stream: string, options: DeleteStreamOptions = {}): Promise<void> {
    this.checkOpen('deleteStream');
    checkStreamName(stream);
    const tenant = tenantOf(options);
    const { hard = false, expectedVersion } = options ?? {};
    if (typeof hard !== 'boolean') throw invalidArgument(`Invalid hard ${String(hard)}: expected a boolean.`);
    checkExpectedVersion(expectedVersion);
    await this.write('deleteStream', async () => {
      const key = streamKey(tenant, stream);
      const current = this.state.streams.get(key);
      assertExpectedVersion(stream, expectedVersion, current);
      if (hard) {
        const tombstone = this.state.streamForUpdate(tenant, stream);
        tombstone.deleted = 'hard';
        this.state.removeEvents(tombstone);
        this.snapshots.delete(key);
      } else if (current !== undefined) {
        current.deleted = 'soft';
        current.hiddenThrough = current.version;
      }
      return { results: [], wrote: false };
    });
  }

  async saveSnapshot(stream: string, snapshot: Snapshot, options?: TenantOption): Promise<void> {
    this.checkOpen('saveSnapshot');
    checkStreamName(stream);
    const tenant = tenantOf(options);
    const { snapshot: checked, stateJson } = checkSnapshot(snapshot);
    this.snapshots.set(streamKey(tenant, stream), {
      version: checked.version,
      schemaVersion: checked.schemaVersion,
      stateJson,
    });
  }

  async loadSnapshot(stream: string, options?: TenantOption): Promise<Snapshot | undefined> {
    this.checkOpen('loadSnapshot');
    checkStreamName(stream);
    const stored = this.snapshots.get(streamKey(tenantOf(options), stream));
    if (stored === undefined) return undefined;
    return {
      version: stored.version,
      schemaVersion: stored.schemaVersion,
      state: JSON.parse(stored.stateJson),
    };
  }

  async transaction<T>(fn: (tx: EventStoreTransaction<undefined>) => Promise<T>): Promise<T> {
    this.checkOpen('transaction');
    if (typeof fn !== 'function')
      throw invalidArgument('transaction needs a function: store.transaction(async (tx) => { ... }).');
    let wrote = false;
    const value = await this.writes.run(async () => {
      this.checkOpen('transaction');
      const savepoint = this.state.begin();
      const tx = new MemoryTransaction(this.state, this.config);
      try {
        const result = await tx.run(fn);
        this.state.commit(savepoint);
        wrote = tx.wrote;
        return result;
      } catch (error) {
        this.state.rollback(savepoint);
        throw error;
      }
    });
    if (wrote) this.notify();
    return value;
  }

  onAppended(listener: () => void): () => void {
    if (typeof listener !== 'function') throw invalidArgument('onAppended needs a listener function.');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let the write in progress finish; writes queued behind it reject with CLOSED.
    await this.writes.run(() => undefined);
    this.listeners.clear();
    this.state.clear();
    this.snapshots.clear();
    this.checkpoints.clear();
  }

  /** Runs a write after the ones before it; tells listeners when it wrote events. */
  private async write(operation: string, task: () => Promise<AppendOutcome>): Promise<AppendResult[]> {
    const outcome = await this.writes.run(() => {
      this.checkOpen(operation);
      return task();
    });
    if (outcome.wrote) this.notify();
    return outcome.results;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure must not fail the append that already committed.
      }
    }
  }

  private checkOpen(operation: string): void {
    if (this.closed)
      throw new TributaryError(
        'CLOSED',
        `The event store is closed: ${operation} cannot run. Create a new store.`,
      );
  }
}
