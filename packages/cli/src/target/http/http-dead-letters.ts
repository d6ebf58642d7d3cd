import type { DeadLetterPosition, DeadLetterQuery, DeadLetterView, StructuredEvent } from '../types.js';
import { array, bigint, number, object, optionalString, string, timestamp } from './decode.js';
import type { HttpClient } from './http-client.js';

function isoTime(value: unknown, what: string): string {
  return new Date(timestamp(value, what)).toISOString();
}

/** `"<partition>:<offset>"` (or an object) of a letter in the dead-letter topic. */
function position(value: unknown): DeadLetterPosition {
  if (typeof value === 'string') {
    const match = /^(?:(\d+):)?(\d+)$/.exec(value);
    if (match !== null) return { partition: Number(match[1] ?? '0'), offset: BigInt(match[2] as string) };
  }
  const at = object(value, 'dead letter position');
  return { partition: number(at.partition, 'at.partition'), offset: bigint(at.offset, 'at.offset') };
}

/**
 * A dead letter as the server sends it: the original record (`topic`, `partition`, `offset`,
 * `key`, `timestamp`, `event`), its place `at` and the `failure`.
 */
export function deadLetterView(value: unknown): DeadLetterView {
  const d = object(value, 'dead letter');
  const f = object(d.failure, 'dead letter failure');
  const error = object(f.error ?? {}, 'failure.error');
  const event: StructuredEvent | undefined =
    d.event === undefined || d.event === null ? undefined : object(d.event, 'dead letter event');
  return {
    at: position(d.at),
    type: optionalString(event?.type),
    eventId: optionalString(event?.id),
    key: typeof d.key === 'string' ? d.key : null,
    timestamp: timestamp(d.timestamp, 'dead letter timestamp'),
    failure: {
      errorClass: optionalString(error.errorClass) ?? 'Error',
      message: optionalString(error.message) ?? '',
      attempts: number(f.attempts, 'failure.attempts'),
      firstFailureAt: isoTime(f.firstFailureAt, 'failure.firstFailureAt'),
      lastFailureAt: isoTime(f.lastFailureAt, 'failure.lastFailureAt'),
      topic: string(d.topic, 'topic'),
      partition: number(d.partition, 'partition'),
      offset: bigint(d.offset, 'offset'),
      group: optionalString(f.group) ?? '',
    },
    event,
  };
}

function filterBody(query: DeadLetterQuery): Record<string, unknown> {
  return {
    ...(query.type !== undefined && { type: query.type }),
    ...(query.key !== undefined && { key: query.key }),
    ...(query.at !== undefined && { at: `${query.at.partition}:${query.at.offset}` }),
  };
}

/** `trib dlq` against a server. */
export class HttpDeadLetters {
  constructor(private readonly client: HttpClient) {}

  private path(group: string): string {
    return `/v1/groups/${encodeURIComponent(group)}/dead-letters`;
  }

  async list(group: string, query: DeadLetterQuery): Promise<DeadLetterView[]> {
    const answer = await this.client.request({
      path: this.path(group),
      query: { type: query.type, key: query.key, limit: query.limit },
    });
    const list = Array.isArray(answer) ? answer : object(answer, 'dead letters').deadLetters;
    return array(list, 'deadLetters').map(deadLetterView);
  }

  async show(group: string, at: DeadLetterPosition): Promise<DeadLetterView> {
    const answer = await this.client.request({ path: `${this.path(group)}/${at.partition}:${at.offset}` });
    return deadLetterView(answer);
  }

  async redrive(group: string, query: DeadLetterQuery): Promise<number> {
    const answer = object(
      await this.client.request({
        method: 'POST',
        path: `${this.path(group)}/redrive`,
        body: { filter: filterBody(query) },
      }),
      'redrive answer',
    );
    return number(answer.redriven, 'redriven');
  }

  async discard(group: string, query: DeadLetterQuery): Promise<number> {
    const answer = object(
      await this.client.request({
        method: 'POST',
        path: `${this.path(group)}/discard`,
        body: { filter: filterBody(query) },
      }),
      'discard answer',
    );
    return number(answer.discarded, 'discarded');
  }
}
