// The in-memory event store's data, with savepoints so a failed append or transaction leaves no trace.
import type { StoredEvent } from '../event-store/stored-event.js';
import type { StreamMetadata } from '../ports/event-store.js';

/** One stored event and where it is stored. */
export interface MemoryEvent {
  readonly tenant: string;
  readonly stream: string;
  readonly version: bigint;
  readonly position: bigint;
  readonly recordedAt: Date;
  readonly stored: StoredEvent;
}

/** A stream record; created by the first append, `setStreamMetadata` or a hard delete. */
export interface MemoryStream {
  readonly tenant: string;
  readonly stream: string;
  /** Version of the last event ever appended (`0n`: none). */
  version: bigint;
  deleted: false | 'soft' | 'hard';
  /** Versions up to and including this one were soft-deleted (`0n`: none). */
  hiddenThrough: bigint;
  metadata: StreamMetadata;
  /** The stream's events in version order. */
  events: MemoryEvent[];
}

/** What readers see of a stream: its committed version and deletion state. */
export type StreamView = Pick<
  MemoryStream,
  'tenant' | 'stream' | 'version' | 'deleted' | 'hiddenThrough' | 'metadata' | 'events'
>;

/** One outbox row. */
export interface OutboxRow {
  readonly id: bigint;
  readonly topic: string;
  readonly event: MemoryEvent;
}

/** The fields an append changes, saved before its first change (`null`: the stream did not exist). */
interface StreamImage {
  readonly version: bigint;
  readonly deleted: false | 'soft' | 'hard';
  readonly eventsLength: number;
}

/** A point to roll back to. */
export interface Savepoint {
  readonly eventsLength: number;
  readonly nextPosition: bigint;
  readonly nextOutboxId: bigint;
  readonly images: Map<string, StreamImage | null>;
}

/** The key of a stream in the maps: tenant and stream names cannot hold control characters. */
export const streamKey = (tenant: string, stream: string): string => `${tenant}\u0000${stream}`;

/**
 * Everything the store holds. Writes happen one at a time (the store's queue) inside savepoints;
 * readers see only what is committed: positions and outbox ids up to the committed watermarks, and
 * streams as they were before the write in progress.
 */
export class MemoryEventState {
  readonly streams = new Map<string, MemoryStream>();
  /** Every event in position order. */
  events: MemoryEvent[] = [];
  readonly byId = new Map<string, MemoryEvent>();
  /** Outbox rows in id order (a Map keeps insertion order). */
  readonly outbox = new Map<bigint, OutboxRow>();
  /** The last committed position and outbox id: readers see nothing above them. */
  committedHead = 0n;
  committedOutboxId = 0n;
  private nextPosition = 1n;
  private nextOutboxId = 1n;
  private readonly savepoints: Savepoint[] = [];

  begin(): Savepoint {
    const savepoint: Savepoint = {
      eventsLength: this.events.length,
      nextPosition: this.nextPosition,
      nextOutboxId: this.nextOutboxId,
      images: new Map(),
    };
    this.savepoints.push(savepoint);
    return savepoint;
  }

  /** Ends `savepoint` keeping its writes; the outermost one makes them visible to readers. */
  commit(savepoint: Savepoint): void {
    this.pop(savepoint);
    if (this.savepoints.length === 0) {
      this.committedHead = this.nextPosition - 1n;
      this.committedOutboxId = this.nextOutboxId - 1n;
    }
  }

  /** Ends `savepoint` undoing every write made since it began. */
  rollback(savepoint: Savepoint): void {
    this.pop(savepoint);
    for (const [key, image] of savepoint.images) {
      const stream = this.streams.get(key);
      if (image === null) this.streams.delete(key);
      else if (stream !== undefined) {
        stream.version = image.version;
        stream.deleted = image.deleted;
        stream.events.length = image.eventsLength;
      }
    }
    for (const event of this.events.splice(savepoint.eventsLength)) this.byId.delete(event.stored.id);
    for (const id of this.outbox.keys()) if (id >= savepoint.nextOutboxId) this.outbox.delete(id);
    this.nextPosition = savepoint.nextPosition;
    this.nextOutboxId = savepoint.nextOutboxId;
  }

  /** The stream to append to, created if needed; its state is saved in every open savepoint first. */
  streamForAppend(tenant: string, stream: string): MemoryStream {
    const key = streamKey(tenant, stream);
    const existing = this.streams.get(key);
    for (const savepoint of this.savepoints)
      if (!savepoint.images.has(key))
        savepoint.images.set(
          key,
          existing === undefined
            ? null
            : { version: existing.version, deleted: existing.deleted, eventsLength: existing.events.length },
        );
    if (existing !== undefined) return existing;
    const created = newStream(tenant, stream);
    this.streams.set(key, created);
    return created;
  }

  /** A stream record outside any savepoint (metadata, deletion). */
  streamForUpdate(tenant: string, stream: string): MemoryStream {
    const key = streamKey(tenant, stream);
    const existing = this.streams.get(key);
    if (existing !== undefined) return existing;
    const created = newStream(tenant, stream);
    this.streams.set(key, created);
    return created;
  }

  /** Appends one event to `stream` at the next version and position. */
  addEvent(stream: MemoryStream, stored: StoredEvent, recordedAt: Date): MemoryEvent {
    stream.version += 1n;
    stream.deleted = false;
    const event: MemoryEvent = {
      tenant: stream.tenant,
      stream: stream.stream,
      version: stream.version,
      position: this.nextPosition++,
      recordedAt,
      stored,
    };
    stream.events.push(event);
    this.events.push(event);
    this.byId.set(stored.id, event);
    return event;
  }

  addOutboxRow(topic: string, event: MemoryEvent): void {
    const id = this.nextOutboxId++;
    this.outbox.set(id, { id, topic, event });
  }

  /** The committed state of a stream as readers see it; `undefined` when it does not exist. */
  view(tenant: string, stream: string): StreamView | undefined {
    const key = streamKey(tenant, stream);
    const current = this.streams.get(key);
    const outermost = this.savepoints[0];
    if (current === undefined || outermost === undefined || !outermost.images.has(key)) return current;
    const image = outermost.images.get(key);
    if (image == null) return undefined;
    return { ...current, version: image.version, deleted: image.deleted };
  }

  /** Removes a hard-deleted stream's events (outside any savepoint). */
  removeEvents(stream: MemoryStream): void {
    if (stream.events.length === 0) return;
    const removed = new Set(stream.events);
    for (const event of removed) this.byId.delete(event.stored.id);
    this.events = this.events.filter((event) => !removed.has(event));
    stream.events = [];
  }

  clear(): void {
    this.streams.clear();
    this.events = [];
    this.byId.clear();
    this.outbox.clear();
  }

  private pop(savepoint: Savepoint): void {
    if (this.savepoints.at(-1) !== savepoint)
      throw new Error('Memory event store: savepoints must end in the reverse order they began.');
    this.savepoints.pop();
  }
}

function newStream(tenant: string, stream: string): MemoryStream {
  return { tenant, stream, version: 0n, deleted: false, hiddenThrough: 0n, metadata: {}, events: [] };
}
