import { ProxyTracerProvider, type Tracer, trace } from '@opentelemetry/api';

/** The instrumentation scope name of Tributary's spans. */
export const TRACER_NAME = 'tributary';

/** `messaging.system` of Tributary's spans (OpenTelemetry messaging semantic conventions). */
export const MESSAGING_SYSTEM = 'tributary';

/**
 * The tracer of the registered tracer provider, or `undefined` when no OpenTelemetry SDK is
 * registered — then callers skip tracing entirely, so it costs a global lookup per operation.
 *
 * Looked up on every call, never cached: `trace.disable()` swaps the global provider, and a tracer
 * kept from before would go on reporting to the old one.
 */
export function activeTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  // The API's global provider is a proxy whose delegate is the SDK's provider, if one is set.
  // A provider registered by another copy of the API is not our class: ask it directly.
  if (provider instanceof ProxyTracerProvider) return provider.getDelegateTracer(TRACER_NAME);
  return provider.getTracer(TRACER_NAME);
}
