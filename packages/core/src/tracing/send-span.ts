/**
 * The PRODUCER side of tracing (OpenTelemetry messaging semantic conventions): a `send <topic>`
 * span per publish or batch, whose context the published events carry in their `traceparent`, so
 * the consumer's `process` span continues the same trace.
 */
import {
  type Attributes,
  context,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { decodeUtf8, encodeUtf8 } from '../envelope/utf8.js';
import type { LogRecordInput, RecordHeader } from '../ports/log.js';
import { recordFailure } from './span-status.js';
import { formatTraceparent, parseTraceparent } from './traceparent.js';
import { MESSAGING_SYSTEM } from './tracer.js';

const TRACEPARENT_HEADER = 'ce_traceparent';

/** What a send span is about. */
export interface SendTarget {
  /** The destination topic; `undefined` when a batch goes to several topics. */
  readonly topic: string | undefined;
  /** The encoded records about to be published (their `traceparent`, if any, is read). */
  readonly records: readonly LogRecordInput[];
  /** The event id, for a single event. */
  readonly messageId?: string | undefined;
}

/**
 * Starts the `send` span of a publish. Its parent is the active span; without one, the first
 * event's own `traceparent` (e.g. an event received over HTTP with a trace context), so the trace
 * continues. Events carrying a context of another trace are linked.
 */
export function startSendSpan(tracer: Tracer, target: SendTarget): Span {
  const active = context.active();
  const carried = target.records.map(carriedContext);
  let parent = active;
  if (!isSpanContextValid(trace.getSpanContext(active) ?? INVALID)) {
    const first = carried.find((c) => c !== undefined);
    if (first !== undefined) parent = trace.setSpanContext(active, first);
  }
  const traceId = trace.getSpanContext(parent)?.traceId;
  const links: Link[] = [];
  const linked = new Set<string>();
  for (const c of carried) {
    if (c === undefined || c.traceId === traceId || linked.has(c.spanId)) continue;
    linked.add(c.spanId);
    links.push({ context: c });
  }
  const attributes: Attributes = {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
  };
  if (target.topic !== undefined) attributes['messaging.destination.name'] = target.topic;
  if (target.messageId !== undefined) attributes['messaging.message.id'] = target.messageId;
  if (target.records.length !== 1) attributes['messaging.batch.message_count'] = target.records.length;
  const name = target.topic === undefined ? 'send' : `send ${target.topic}`;
  return tracer.startSpan(name, { kind: SpanKind.PRODUCER, attributes, links }, parent);
}

/**
 * `record` carrying `span`'s context in its `traceparent`: added when the event has none,
 * replaced when it has one of the same trace (inherited from the event it was caused by, so the
 * chain stays exact), kept when it belongs to another trace (the span links to it instead).
 */
export function carryTrace(record: LogRecordInput, span: Span): LogRecordInput {
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return record;
  const carried = carriedContext(record);
  if (carried !== undefined && carried.traceId !== spanContext.traceId) return record;
  const header: RecordHeader = { key: TRACEPARENT_HEADER, value: encodeUtf8(formatTraceparent(spanContext)) };
  const headers = (record.headers ?? []).filter((h) => h.key !== TRACEPARENT_HEADER);
  headers.push(header);
  return { ...record, headers };
}

/** Ends `span` when `work` settles, recording a failure; `describe` adds attributes of the result. */
export async function endSendSpan<T>(
  span: Span,
  work: Promise<T>,
  describe?: (result: T) => Attributes,
): Promise<T> {
  try {
    const result = await work;
    if (describe !== undefined) span.setAttributes(describe(result));
    return result;
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

const INVALID: SpanContext = { traceId: '', spanId: '', traceFlags: 0 };

/** The trace context an encoded event already carries, if valid. */
function carriedContext(record: LogRecordInput): SpanContext | undefined {
  const header = record.headers?.find((h) => h.key === TRACEPARENT_HEADER);
  if (header?.value == null) return undefined;
  try {
    return parseTraceparent(decodeUtf8(header.value));
  } catch {
    return undefined; // not UTF-8: not a trace context we can continue
  }
}
