/**
 * W3C Trace Context `traceparent` values (https://www.w3.org/TR/trace-context/#traceparent-header),
 * the form a trace travels in on an event (the CloudEvents `traceparent` extension). Written here
 * rather than through the global propagator so events carry it whatever propagators an
 * application configures.
 */
import { isSpanContextValid, type SpanContext } from '@opentelemetry/api';

// version 00: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>; later versions may append fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The `traceparent` of a span context (version 00). */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * The remote span context a `traceparent` names, or `undefined` when it is malformed, uses the
 * forbidden version `ff`, or has an all-zero trace or span id.
 */
export function parseTraceparent(traceparent: string): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return undefined;
  const [, version, traceId = '', spanId = '', flags = '', rest] = match;
  // Version 00 has exactly four fields; unknown later versions are read by their first four.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16),
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}
