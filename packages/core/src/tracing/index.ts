// Tracing with the OpenTelemetry API: spans are made only when an SDK is registered.

export type { ProcessSource } from './process-span.js';
export { traceProcess } from './process-span.js';
export type { SendTarget } from './send-span.js';
export { carryTrace, endSendSpan, startSendSpan } from './send-span.js';
export { formatTraceparent, parseTraceparent } from './traceparent.js';
export { activeTracer, MESSAGING_SYSTEM, TRACER_NAME } from './tracer.js';
