import { type DeadLetter, type DeadLetterFilter, DeadLetters, type Log } from '@tributary/core';
import { notFound } from '../../exit-codes.js';
import type { DeadLetterPosition, DeadLetterQuery, DeadLetterView } from '../types.js';
import { keyText, structuredEventOf } from './records.js';

function toFilter(query: DeadLetterQuery): DeadLetterFilter {
  return {
    ...(query.type !== undefined && { type: query.type }),
    ...(query.key !== undefined && { key: query.key }),
    ...(query.at !== undefined && { at: { partition: query.at.partition, offset: query.at.offset } }),
    ...(query.limit !== undefined && { limit: query.limit }),
  };
}

function toView(letter: DeadLetter): DeadLetterView {
  const { event } = structuredEventOf({
    offset: letter.failure.offset,
    timestamp: letter.timestamp,
    key: letter.key,
    value: letter.value,
    headers: letter.headers,
  });
  const f = letter.failure;
  return {
    at: { partition: letter.dlqPartition, offset: letter.dlqOffset },
    type: letter.type,
    eventId: letter.eventId,
    key: keyText(letter.key),
    timestamp: letter.timestamp,
    failure: {
      errorClass: f.error.errorClass,
      message: f.error.message,
      attempts: f.attempts,
      firstFailureAt: new Date(f.firstFailureAt).toISOString(),
      lastFailureAt: new Date(f.lastFailureAt).toISOString(),
      topic: f.topic,
      partition: f.partition,
      offset: f.offset,
      group: f.group,
    },
    event,
  };
}

/** `trib dlq` on a data directory, through core's {@link DeadLetters}. */
export class LocalDeadLetters {
  constructor(private readonly log: Log) {}

  async list(group: string, query: DeadLetterQuery): Promise<DeadLetterView[]> {
    return (await new DeadLetters(this.log, group).list(toFilter(query))).map(toView);
  }

  async show(group: string, at: DeadLetterPosition): Promise<DeadLetterView> {
    const [letter] = await new DeadLetters(this.log, group).list({ at, limit: 1 });
    if (letter === undefined) {
      throw notFound(
        `No pending dead letter of group "${group}" at ${at.partition}:${at.offset} ` +
          '(none there, or already re-driven or discarded). See `trib dlq list -g <group>`.',
      );
    }
    return toView(letter);
  }

  async redrive(group: string, query: DeadLetterQuery): Promise<number> {
    return (await new DeadLetters(this.log, group).redrive(toFilter(query))).redriven;
  }

  async discard(group: string, query: DeadLetterQuery): Promise<number> {
    return (await new DeadLetters(this.log, group).discard(toFilter(query))).discarded;
  }
}
