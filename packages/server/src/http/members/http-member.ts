/**
 * A consumer-group member driven over HTTP (for clients in other languages): join, then fetch
 * (which also heartbeats), commit, leave.
 *
 * Each member is backed by a `bus.consumer` of the group with manual commits, so HTTP members share
 * partitions with each other (and with in-process consumers of the same bus) through the bus's own
 * coordinator. The consumer's batch handler never blocks: it moves fetched records into a bounded
 * per-partition buffer and pauses the partition when the buffer is full; the client's fetches
 * drain the buffers and resume partitions. A revoked partition is therefore released at once, and
 * whatever its buffer still held is dropped, uncommitted, for the next owner to read again.
 */
import { randomUUID } from 'node:crypto';
import {
  type BatchContext,
  type Bus,
  type Consumer,
  GroupError,
  type LogRecord,
  type TopicPartition,
} from '@tributary/core';
import type { EventItem } from '../event-json.js';
import type { ServerLogger } from '../observability.js';
import type { Principal } from '../security.js';
import { canSeeRecord } from '../tenancy.js';
import { PartitionBuffer } from './partition-buffer.js';

/** Buffered records per partition before the partition is paused. */
const PAUSE_AT = 1000;
/** A paused partition resumes once its buffer is below this. */
const RESUME_BELOW = 250;
/** Bytes read per partition per fetch by the backing consumer. */
const FETCH_BYTES = 256 * 1024;

export interface JoinRequest {
  readonly group: string;
  readonly topics: readonly string[];
  readonly clientId: string;
  /** Where the client connects from (for describe). */
  readonly host: string;
  readonly from: 'earliest' | 'latest';
  readonly sessionTimeoutMs: number;
}

/** What a fetch returns. */
export interface MemberFetch {
  readonly events: EventItem[];
  readonly assignments: TopicPartition[];
  /** Per partition, the offset that acknowledges everything returned so far (for commit). */
  readonly nextOffsets: { topic: string; partition: number; offset: bigint }[];
}

export class HttpMember {
  readonly id = randomUUID();
  private readonly buffers = new Map<string, PartitionBuffer>();
  private readonly waiters = new Set<() => void>();
  private lastSeen = Date.now();
  private fetching = 0;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly request: JoinRequest,
    /** The key that created the member; only it may drive the member. */
    readonly principal: Principal,
    private readonly consumer: Consumer,
  ) {}

  /** Joins the group; resolves once the member holds its partitions. */
  static async join(
    bus: Bus,
    request: JoinRequest,
    principal: Principal,
    logger: ServerLogger,
  ): Promise<HttpMember> {
    let member: HttpMember | undefined;
    const consumer = bus.consumer({
      group: request.group,
      topics: request.topics,
      from: request.from,
      autoCommit: false,
      maxPollIntervalMs: 3_600_000, // the handler never blocks; liveness is the session timeout
      maxBytesPerFetch: FETCH_BYTES,
      onError: (err, ctx) =>
        logger.warn({ err, ...ctx, httpMemberId: member?.id }, 'HTTP group member error'),
    });
    member = new HttpMember(request, principal, consumer);
    const joined = member;
    try {
      await consumer.run({ eachRecordBatch: (records, ctx) => joined.accept(records, ctx) });
    } catch (err) {
      await consumer.stop();
      throw err;
    }
    return joined;
  }

  /** The bus's id of the backing consumer (as `bus.describeGroup` shows it). */
  get busMemberId(): string | undefined {
    return this.consumer.memberId;
  }

  /** True when the client has neither fetched nor been fetching for longer than the session timeout. */
  expired(now: number): boolean {
    return this.fetching === 0 && now - this.lastSeen > this.request.sessionTimeoutMs;
  }

  /**
   * Hands out up to `maxRecords` buffered events, waiting up to `waitMs` for some when none is
   * buffered. Also the member's heartbeat.
   */
  async fetch(maxRecords: number, waitMs: number, signal: AbortSignal): Promise<MemberFetch> {
    this.lastSeen = Date.now();
    this.fetching++;
    try {
      this.dropRevoked();
      if (this.buffered() === 0 && waitMs > 0 && this.stopping === undefined) {
        await this.waitForRecords(waitMs, signal);
        this.dropRevoked();
      }
      const events = this.takeRoundRobin(maxRecords);
      this.resumeDrained();
      const nextOffsets = [...this.buffers.values()].flatMap((b) =>
        b.nextOffset === undefined ? [] : [{ topic: b.topic, partition: b.partition, offset: b.nextOffset }],
      );
      return { events, assignments: this.consumer.assignment(), nextOffsets };
    } finally {
      this.fetching--;
      this.lastSeen = Date.now();
    }
  }

  /**
   * Commits `offsets` (next offset to consume, per partition), one partition after another.
   * @throws GroupError `NOT_ASSIGNED` for a partition the member does not hold (anymore), or
   *   `REBALANCE_IN_PROGRESS` when it was granted again since the client fetched from it.
   */
  async commit(offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    this.lastSeen = Date.now();
    const held = new Set(this.consumer.assignment().map(keyOf));
    for (const o of offsets) {
      const commit = this.buffers.get(keyOf(o))?.commit;
      if (!held.has(keyOf(o)) || commit === undefined) {
        throw new GroupError(
          'NOT_ASSIGNED',
          `Cannot commit ${o.topic}:${o.partition} for member ${this.id} of group "${this.request.group}": the partition is not assigned to it${held.has(keyOf(o)) ? ' since its last fetch; fetch again' : ''}. Its assignments: ${[...held].join(', ') || 'none'}.`,
        );
      }
      await commit(o.offset);
    }
  }

  /** Leaves the group; its partitions go to the other members. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping === undefined) {
      this.stopping = this.consumer.stop();
      for (const wake of this.waiters) wake();
    }
    return this.stopping;
  }

  /** Partitions held now. */
  assignment(): TopicPartition[] {
    return this.consumer.assignment();
  }

  /** The consumer's batch handler: buffer, pause when full, wake a waiting fetch. Never blocks. */
  private accept(records: readonly LogRecord[], ctx: BatchContext): void {
    const key = keyOf(ctx);
    let buffer = this.buffers.get(key);
    if (buffer === undefined || buffer.restartsWith(records)) {
      buffer = new PartitionBuffer(ctx.topic, ctx.partition);
      this.buffers.set(key, buffer);
    }
    buffer.commit = ctx.commit;
    buffer.accept(records, (record) => canSeeRecord(this.principal, record.headers));
    if (buffer.size >= PAUSE_AT) this.consumer.pause(ctx.topic, [ctx.partition]);
    for (const wake of this.waiters) wake();
  }

  private buffered(): number {
    let total = 0;
    for (const buffer of this.buffers.values()) total += buffer.size;
    return total;
  }

  /** Forgets buffers of partitions no longer held: their next owner reads them from the committed offset. */
  private dropRevoked(): void {
    const held = new Set(this.consumer.assignment().map(keyOf));
    for (const key of this.buffers.keys()) if (!held.has(key)) this.buffers.delete(key);
  }

  private resumeDrained(): void {
    for (const tp of this.consumer.paused()) {
      if ((this.buffers.get(keyOf(tp))?.size ?? 0) < RESUME_BELOW)
        this.consumer.resume(tp.topic, [tp.partition]);
    }
  }

  private takeRoundRobin(max: number): EventItem[] {
    const out: EventItem[] = [];
    const buffers = [...this.buffers.values()].filter((b) => b.size > 0);
    const share = Math.max(1, Math.ceil(max / Math.max(1, buffers.length)));
    while (out.length < max && buffers.some((b) => b.size > 0)) {
      for (const buffer of buffers) {
        if (out.length >= max) break;
        out.push(...buffer.take(Math.min(share, max - out.length)));
      }
    }
    return out;
  }

  private waitForRecords(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }
}

function keyOf(tp: { readonly topic: string; readonly partition: number }): string {
  return `${tp.topic}:${tp.partition}`;
}
