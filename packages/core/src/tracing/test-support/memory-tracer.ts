/**
 * A tiny in-memory OpenTelemetry tracer provider and an AsyncLocalStorage context manager, for
 * tests of Tributary's spans without an SDK. `installMemoryTracing()` registers both globally and
 * unregisters them when the current test finishes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  type Attributes,
  type AttributeValue,
  type Context,
  type ContextManager,
  context,
  type Exception,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { onTestFinished } from 'vitest';

/** A span as the test tracer recorded it. */
export interface RecordedSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly context: SpanContext;
  /** The parent's span context, when the span has one. */
  readonly parent: SpanContext | undefined;
  readonly attributes: Attributes;
  readonly links: readonly Link[];
  readonly status: SpanStatus;
  readonly exceptions: readonly Exception[];
  readonly ended: boolean;
  /** The tracer (instrumentation scope) name the span was made with. */
  readonly scope: string;
}

class MemorySpan implements Span {
  name: string;
  readonly attributes: Attributes;
  readonly links: Link[];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly exceptions: Exception[] = [];
  ended = false;

  constructor(
    name: string,
    readonly kind: SpanKind,
    private readonly ownContext: SpanContext,
    readonly parent: SpanContext | undefined,
    options: SpanOptions,
    readonly scope: string,
  ) {
    this.name = name;
    this.attributes = { ...options.attributes };
    this.links = [...(options.links ?? [])];
  }

  spanContext(): SpanContext {
    return this.ownContext;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(link: Link): this {
    this.links.push(link);
    return this;
  }
  addLinks(links: Link[]): this {
    this.links.push(...links);
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(name: string): this {
    this.name = name;
    return this;
  }
  end(): void {
    this.ended = true;
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(exception: Exception): void {
    this.exceptions.push(exception);
  }
  get context(): SpanContext {
    return this.ownContext;
  }
}

class MemoryTracer implements Tracer {
  constructor(
    private readonly scope: string,
    private readonly spans: MemorySpan[],
  ) {}

  startSpan(name: string, options: SpanOptions = {}, parentContext: Context = context.active()): Span {
    const parent = options.root ? undefined : trace.getSpanContext(parentContext);
    const ownContext: SpanContext = {
      traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
    };
    const span = new MemorySpan(
      name,
      options.kind ?? SpanKind.INTERNAL,
      ownContext,
      parent,
      options,
      this.scope,
    );
    this.spans.push(span);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : {};
    const parentContext = rest.length > 2 ? (rest[1] as Context) : context.active();
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), () => fn(span)) as ReturnType<F>;
  }
}

/** A context manager keeping the active context across `await`s, as the Node SDK's does. */
class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_context: Context, target: T): T {
    return target; // Tributary never binds; tests do not need it
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

/** What {@link installMemoryTracing} gives a test. */
export interface MemoryTracing {
  /** Every span started so far, in start order. */
  spans(): RecordedSpan[];
  /** The spans with this name. */
  named(name: string): RecordedSpan[];
}

/**
 * Registers an in-memory tracer provider and an AsyncLocalStorage context manager as the global
 * OpenTelemetry ones, until the current test finishes.
 */
export function installMemoryTracing(): MemoryTracing {
  const spans: MemorySpan[] = [];
  const provider: TracerProvider = { getTracer: (name) => new MemoryTracer(name, spans) };
  if (!context.setGlobalContextManager(new AsyncLocalContextManager())) {
    throw new Error('installMemoryTracing: a context manager is already registered');
  }
  if (!trace.setGlobalTracerProvider(provider)) {
    context.disable();
    throw new Error('installMemoryTracing: a tracer provider is already registered');
  }
  onTestFinished(() => {
    trace.disable();
    context.disable();
  });
  return {
    spans: () => [...spans],
    named: (name) => spans.filter((s) => s.name === name),
  };
}
