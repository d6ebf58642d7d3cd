/**
 * The CONSUMER side of tracing: a `process <topic>` span around each handler call, whose parent is
 * the context the event carries in its `traceparent` (the producer's `send` span), active while the
 * handler runs so events it publishes continue the trace.
 */
import { type Attributes, context, ROOT_CONTEXT, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import type { CloudEvent } from '../envelope/types.js';
import { recordFailure } from './span-status.js';
import { parseTraceparent } from './traceparent.js';
import { MESSAGING_SYSTEM } from './tracer.js';

/** Where the event being processed came from. */
export interface ProcessSource {
  readonly topic: string;
  readonly partition: number;
  /** The consumer group. */
  readonly group: string;
}

/**
 * Calls `handle` inside a `process <topic>` span and ends the span when it returns or settles.
 * Works for synchronous handlers too (exactly-once handlers run in a synchronous transaction).
 */
export function traceProcess(
  tracer: Tracer,
  event: CloudEvent,
  source: ProcessSource,
  handle: () => Promise<void> | void,
): Promise<void> | void {
  // The parent comes from the event only: the consumer loop's own context is not the event's cause.
  const carried = event.traceparent === undefined ? undefined : parseTraceparent(event.traceparent);
  const parent = carried === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, carried);
  const attributes: Attributes = {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': source.topic,
    'messaging.destination.partition.id': String(source.partition),
    'messaging.consumer.group.name': source.group,
    'messaging.message.id': event.id,
    'cloudevents.event_type': event.type,
  };
  const span = tracer.startSpan(`process ${source.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  let result: Promise<void> | void;
  try {
    result = context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    recordFailure(span, error);
    span.end();
    throw error;
  }
  if (!(result instanceof Promise)) {
    span.end();
    return result;
  }
  return result.then(
    () => span.end(),
    (error: unknown) => {
      recordFailure(span, error);
      span.end();
      throw error;
    },
  );
}
