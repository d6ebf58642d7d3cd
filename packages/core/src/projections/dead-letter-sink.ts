import type { Bus } from '../bus/bus.js';
import { writeDeadLetter } from '../dead-letters/write-dead-letter.js';
import { toLogRecord } from '../envelope/kafka-binary-codec.js';
import { invalidArgument } from '../errors/errors.js';
import type { RecordedEvent } from '../ports/event-store.js';
import { describeFailure } from '../reliability/errors.js';
import { projectionDeadLetterGroup } from './names.js';

/** Where a projection's `'dead-letter'` policy sends events. */
export type DeadLetterSink = (recorded: RecordedEvent, error: unknown) => Promise<void>;

/**
 * The sink of a projection: the caller's `deadLetter` function, else the bus's dead-letter topic
 * `projection.<name>.dlq`. The letter is the event as a CloudEvents record (key = stream) with the
 * DLQ headers; as the event store has no topics or partitions, the headers name the stream as the
 * original topic, partition 0 and the event's global position as the offset, and group
 * `projection.<name>`, so `new DeadLetters(bus.log, 'projection.<name>')` lists them.
 */
export function deadLetterSink(
  name: string,
  options: { readonly deadLetter?: DeadLetterSink | undefined; readonly bus?: Bus | undefined },
  policy: string,
): DeadLetterSink {
  if (options.deadLetter !== undefined) {
    if (typeof options.deadLetter !== 'function')
      throw invalidArgument(`startProjection: option deadLetter of "${name}" must be a function.`);
    return options.deadLetter;
  }
  const bus = options.bus;
  if (bus === undefined) {
    if (policy === 'dead-letter')
      throw invalidArgument(
        `startProjection: projection "${name}" has onError 'dead-letter' but no sink: pass the option deadLetter(recorded, error) or bus.`,
      );
    return async () => {};
  }
  const group = projectionDeadLetterGroup(name);
  return async (recorded, error) => {
    const now = Date.now();
    const input = toLogRecord(recorded.event, recorded.stream);
    await writeDeadLetter(
      bus.log,
      {
        ...input,
        headers: input.headers ?? [],
        offset: recorded.position,
        timestamp: recorded.recordedAt.getTime(),
      },
      {
        error: describeFailure(error),
        attempts: 1,
        firstFailureAt: now,
        lastFailureAt: now,
        topic: recorded.stream,
        partition: 0,
        offset: recorded.position,
        group,
      },
    );
  };
}
