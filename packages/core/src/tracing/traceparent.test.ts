import { TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from './traceparent.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('traceparent', () => {
  it('formats a span context as a version 00 traceparent', () => {
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED })).toBe(
      `00-${TRACE}-${SPAN}-01`,
    );
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.NONE })).toBe(
      `00-${TRACE}-${SPAN}-00`,
    );
  });

  it('parses a traceparent into a remote span context', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 1,
      isRemote: true,
    });
  });

  it('reads the first four fields of a later version', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-extra`)?.spanId).toBe(SPAN);
  });

  it.each([
    ['empty', ''],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['the forbidden version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with extra fields', `00-${TRACE}-${SPAN}-01-extra`],
    ['garbage', 'not a traceparent'],
  ])('rejects %s', (_, text) => {
    expect(parseTraceparent(text)).toBeUndefined();
  });
});
