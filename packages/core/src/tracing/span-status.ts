import { type Span, SpanStatusCode } from '@opentelemetry/api';

/** Marks `span` as failed by `error` (status, exception event and `error.type`). */
export function recordFailure(span: Span, error: unknown): void {
  const type =
    error instanceof Error
      ? 'code' in error && typeof error.code === 'string'
        ? error.code
        : error.name
      : typeof error;
  span.setAttribute('error.type', type);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
