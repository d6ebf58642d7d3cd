// What `decide` returned, as a checked list of events ready to append.
import { describeType } from '../envelope/issues.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';

/**
 * `decide`'s result as an array: one event becomes `[event]`. Anything else than events (a
 * promise, `undefined`) is a bug in the decider, reported as `INVALID_ARGUMENT`.
 */
export function decidedEvents<Event extends CloudEvent>(
  result: Event | readonly Event[],
  category: string,
): readonly Event[] {
  const events: readonly unknown[] = Array.isArray(result) ? result : [result];
  for (const event of events)
    if (!isEventLike(event))
      throw invalidArgument(
        `The "${category}" decider's decide returned ${describeResult(event)}; it must return an event or an array of events (an empty array when there is nothing to do), synchronously.`,
      );
  return Array.isArray(result) ? result : [result as Event];
}

/**
 * `event` with the causation attributes of `causedBy` (correlation id, causation id, trace
 * context) where it has none. The copy keeps the event's prototype, so `definitionOf` still works.
 */
export function withCausation<Event extends CloudEvent>(
  event: Event,
  causedBy: CloudEvent | undefined,
): Event {
  if (causedBy === undefined) return event;
  const correlationid = event.correlationid ?? causedBy.correlationid ?? causedBy.id;
  const causationid = event.causationid ?? causedBy.id;
  const traceparent = event.traceparent ?? causedBy.traceparent;
  const copy: Event = Object.assign(Object.create(Object.getPrototypeOf(event)), event, {
    correlationid,
    causationid,
  });
  return traceparent === undefined ? copy : Object.assign(copy, { traceparent });
}

function isEventLike(value: unknown): value is CloudEvent {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

function describeResult(value: unknown): string {
  if (value instanceof Promise) return 'a Promise';
  return describeType(value);
}
