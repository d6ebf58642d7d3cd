import { SerialQueue } from '../bus/serial-queue.js';
import { decodeUtf8 } from '../envelope/utf8.js';
import { isTributaryError } from '../errors/errors.js';
import { estimateBatchBytes, estimateRecordBytes } from '../memory/record-size.js';
import type { Log, LogRecordInput } from '../ports/log.js';

/** What was decided about a dead letter. A letter with no decision is pending. */
export type DeadLetterDecision = 'redriven' | 'discarded';

/** The status topic's config: one partition, kept forever (a lost decision would revive a letter). */
export const STATUS_TOPIC_CONFIG = { partitions: 1, retentionMs: -1 } as const;

const encoder = new TextEncoder();
const isDecision = (text: string): text is DeadLetterDecision => text === 'redriven' || text === 'discarded';

/** The key of a decision record: `<dlq partition>:<dlq offset>`. */
export const positionKey = (partition: number, offset: bigint): string => `${partition}:${offset}`;

/**
 * The decisions about one dead-letter topic, kept in its status topic: one record per decision,
 * key `<partition>:<offset>`, value `redriven` or `discarded`, timestamp = when it was decided.
 * The log is append-only, so a decision cannot be written into the dead letter itself.
 *
 * Reads are incremental: {@link refresh} fetches only the records appended since the last call,
 * including those written by other instances or processes. The first decision about a letter wins.
 */
export class DeadLetterStatus {
  private readonly decisions = new Map<string, DeadLetterDecision>();
  private nextOffset = 0n;
  // Concurrent refreshes would race on nextOffset; one at a time.
  private readonly refreshes = new SerialQueue();

  constructor(
    private readonly log: Log,
    readonly topic: string,
  ) {}

  /** The decision about a letter, if any (as of the last {@link refresh}). */
  decisionOf(partition: number, offset: bigint): DeadLetterDecision | undefined {
    return this.decisions.get(positionKey(partition, offset));
  }

  /** Catches up with the status topic. A missing topic means no decisions. */
  refresh(): Promise<void> {
    return this.refreshes.run(() => this.catchUp());
  }

  private async catchUp(): Promise<void> {
    let latest: bigint;
    let earliest: bigint;
    try {
      [earliest, latest] = await Promise.all([
        this.log.earliestOffset(this.topic, 0),
        this.log.latestOffset(this.topic, 0),
      ]);
    } catch (err) {
      if (!isTributaryError(err, 'UNKNOWN_TOPIC')) throw err;
      this.reset(0n);
      return;
    }
    // Deleted and recreated (offsets restarted) or trimmed past what we read: read again from the start.
    if (latest < this.nextOffset || earliest > this.nextOffset) this.reset(earliest);
    while (this.nextOffset < latest) {
      const fetched = await this.log.fetch(this.topic, 0, this.nextOffset);
      for (const record of fetched.records) this.apply(record.key, record.value);
      if (fetched.nextOffset <= this.nextOffset) break; // defensive: never spin
      this.nextOffset = fetched.nextOffset;
    }
  }

  /**
   * Durably records a decision about each position (in as few appends as fit the topic's
   * `maxMessageBytes`), creating the status topic on first use, then applies them locally.
   */
  async record(
    positions: readonly { partition: number; offset: bigint }[],
    decision: DeadLetterDecision,
  ): Promise<void> {
    if (positions.length === 0) return;
    const maxBytes = await this.ensureTopic();
    const now = Date.now();
    const value = encoder.encode(decision);
    let batch: LogRecordInput[] = [];
    let batchBytes = estimateBatchBytes([]);
    for (const { partition, offset } of positions) {
      const record = { key: encoder.encode(positionKey(partition, offset)), value, timestamp: now };
      const bytes = estimateRecordBytes(record);
      if (batch.length > 0 && batchBytes + bytes > maxBytes) {
        await this.log.append(this.topic, 0, batch);
        batch = [];
        batchBytes = estimateBatchBytes([]);
      }
      batch.push(record);
      batchBytes += bytes;
    }
    await this.log.append(this.topic, 0, batch);
    for (const { partition, offset } of positions) {
      const key = positionKey(partition, offset);
      if (!this.decisions.has(key)) this.decisions.set(key, decision);
    }
  }

  private async ensureTopic(): Promise<number> {
    try {
      return (await this.log.describeTopic(this.topic)).config.maxMessageBytes;
    } catch (err) {
      if (!isTributaryError(err, 'UNKNOWN_TOPIC')) throw err;
    }
    try {
      return (await this.log.createTopic(this.topic, STATUS_TOPIC_CONFIG)).config.maxMessageBytes;
    } catch (err) {
      if (!isTributaryError(err, 'TOPIC_EXISTS')) throw err; // created concurrently: fine
      return (await this.log.describeTopic(this.topic)).config.maxMessageBytes;
    }
  }

  private apply(key: Uint8Array | null, value: Uint8Array | null): void {
    if (key === null || value === null) return;
    let position: string;
    let decision: string;
    try {
      position = decodeUtf8(key);
      decision = decodeUtf8(value);
    } catch {
      return; // not written by us; ignore rather than block every operation
    }
    if (isDecision(decision) && !this.decisions.has(position)) this.decisions.set(position, decision);
  }

  private reset(offset: bigint): void {
    this.decisions.clear();
    this.nextOffset = offset;
  }
}
