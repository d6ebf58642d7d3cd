import type { Bus } from '../bus/bus.js';
import type { EventContext } from '../bus/types.js';
import { deadLetterTopic } from '../dead-letters/topic-names.js';
import { isTributaryError } from '../errors/errors.js';
import type { LogRecord, LogRecordInput, RecordHeader } from '../ports/log.js';
import { backoffDelay, type RetryPolicy } from '../reliability/retry-policy.js';
import { sleep } from '../reliability/sleep.js';
import { type EventPipeline, type PriorFailures, Stopping } from './pipeline.js';

const HEADERS = {
  attempts: 'tributary.retry.attempts',
  due: 'tributary.retry.due',
  firstFailureAt: 'tributary.retry.first.failure',
  topic: 'tributary.retry.original.topic',
  partition: 'tributary.retry.original.partition',
  offset: 'tributary.retry.original.offset',
} as const;
const RETRY_HEADERS: ReadonlySet<string> = new Set(Object.values(HEADERS));

/**
 * The retry topic for events that failed `attempts` times: `<group>.retry-<attempts>`, named like
 * the group's dead-letter topic (same sanitizing, so it is a legal, collision-free topic name).
 * One topic per attempt keeps every record of a topic on the same delay, so waiting for the head
 * of a topic never holds back a record that is due earlier.
 */
export function retryTopic(group: string, attempts: number): string {
  return `${deadLetterTopic(group).slice(0, -'.dlq'.length)}.retry-${attempts}`;
}

/** Creates the retry topics of a policy (one per retry) when missing. */
export async function ensureRetryTopics(bus: Bus, group: string, policy: RetryPolicy): Promise<string[]> {
  const topics = Array.from({ length: policy.maxAttempts - 1 }, (_, i) => retryTopic(group, i + 1));
  for (const topic of topics) {
    await bus.createTopic(topic, { partitions: 1 }).catch((err: unknown) => {
      if (!isTributaryError(err, 'TOPIC_EXISTS')) throw err;
    });
  }
  return topics;
}

const text = (value: string): Uint8Array => Buffer.from(value, 'utf8');

/** Parks a failed event on the retry topic of its attempt count, due after its backoff delay. */
export function parkOnRetryTopic(bus: Bus, group: string, policy: RetryPolicy) {
  return async (record: LogRecord, failures: PriorFailures & { lastFailureAt: number }): Promise<void> => {
    const due = failures.lastFailureAt + backoffDelay(policy, failures.attempts);
    const headers: RecordHeader[] = [
      ...record.headers.filter((h) => !RETRY_HEADERS.has(h.key)),
      { key: HEADERS.attempts, value: text(String(failures.attempts)) },
      { key: HEADERS.due, value: text(String(due)) },
      { key: HEADERS.firstFailureAt, value: text(String(failures.firstFailureAt)) },
      { key: HEADERS.topic, value: text(failures.origin.topic) },
      { key: HEADERS.partition, value: text(String(failures.origin.partition)) },
      { key: HEADERS.offset, value: text(failures.origin.offset.toString()) },
    ];
    const parked: LogRecordInput = {
      key: record.key,
      value: record.value,
      headers,
      timestamp: record.timestamp,
    };
    await bus.log.append(retryTopic(group, failures.attempts), 0, [parked]);
  };
}

/**
 * Handles a record from a retry topic: waits until it is due (abortable), then runs it through the
 * pipeline again with its earlier failures, as the original record (retry headers removed).
 */
export function retryFromTopic<Tx>(pipeline: EventPipeline<Tx>, signal: AbortSignal) {
  return async (record: LogRecord, ctx: EventContext): Promise<void> => {
    const header = (key: string) => {
      const found = record.headers.find((h) => h.key === key)?.value;
      return found ? Buffer.from(found).toString('utf8') : undefined;
    };
    const due = Number(header(HEADERS.due));
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait, signal);
    if (signal.aborted) throw new Stopping();
    const prior: PriorFailures = {
      attempts: Number(header(HEADERS.attempts)),
      firstFailureAt: Number(header(HEADERS.firstFailureAt)),
      origin: {
        topic: header(HEADERS.topic) ?? ctx.topic,
        partition: Number(header(HEADERS.partition) ?? ctx.partition),
        offset: BigInt(header(HEADERS.offset) ?? ctx.offset),
      },
    };
    const original: LogRecord = {
      ...record,
      headers: record.headers.filter((h) => !RETRY_HEADERS.has(h.key)),
    };
    await pipeline.process(original, ctx, prior);
  };
}
