import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { OrderPlaced, OrderShipped, orders, testBus } from '../bus/test-support/fixtures.js';
import type { CloudEvent } from '../envelope/types.js';
import { react } from '../sagas/react.js';
import { waitFor } from '../testing/wait-for.js';
import { traceProcess } from './process-span.js';
import { installMemoryTracing, type RecordedSpan } from './test-support/memory-tracer.js';
import { activeTracer } from './tracer.js';

function only(spans: RecordedSpan[]): RecordedSpan {
  expect(spans).toHaveLength(1);
  return spans[0] as RecordedSpan;
}

describe('tracing without an OpenTelemetry SDK', () => {
  it('has no active tracer, so publishing and consuming make no spans', () => {
    expect(activeTracer()).toBeUndefined();
  });

  it('publishes events without adding a traceparent', async () => {
    const { bus, log } = testBus({ autoCreateTopics: true });
    await bus.publish(OrderPlaced.create({ orderId: 'o-1', n: 1 }));
    const { records } = await log.fetch('orders', 0, 0n);
    expect(records[0]?.headers.map((h) => h.key)).not.toContain('ce_traceparent');
  });
});

describe('tracing with a registered tracer provider', () => {
  it('follows an event from the producer to the consumer in one trace', async () => {
    const tracing = installMemoryTracing();
    const { bus } = testBus({ autoCreateTopics: true });
    const seen: CloudEvent[] = [];
    const subscription = await bus.subscribe({
      group: 'billing',
      topics: ['orders'],
      handler: (event) => {
        seen.push(event);
      },
    });
    const event = OrderPlaced.create({ orderId: 'o-1', n: 1 });
    await bus.publish(event);
    await waitFor(() => tracing.named('process orders')[0]?.ended);
    await subscription.stop();

    const send = only(tracing.named('send orders'));
    const process = only(tracing.named('process orders'));
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(send.scope).toBe('tributary');
    expect(process.context.traceId).toBe(send.context.traceId);
    expect(process.parent?.spanId).toBe(send.context.spanId);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'tributary',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'orders',
      'messaging.message.id': event.id,
      'messaging.destination.partition.id': '0',
    });
    expect(process.attributes).toMatchObject({
      'messaging.system': 'tributary',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'orders',
      'messaging.consumer.group.name': 'billing',
      'messaging.message.id': event.id,
    });
    expect(seen[0]?.traceparent).toBe(`00-${send.context.traceId}-${send.context.spanId}-01`);
  });

  it('parents the send span on the active span, as in an HTTP request handler', async () => {
    const tracing = installMemoryTracing();
    const { bus } = testBus({ autoCreateTopics: true });
    const tracer = trace.getTracer('test');
    const request = tracer.startSpan('POST /orders');
    await context.with(trace.setSpan(context.active(), request), () =>
      bus.publish(OrderPlaced.create({ orderId: 'o-1', n: 1 })),
    );
    request.end();
    const send = only(tracing.named('send orders'));
    expect(send.parent?.spanId).toBe(request.spanContext().spanId);
    expect(send.context.traceId).toBe(request.spanContext().traceId);
  });

  it('continues the trace an event already carries when no span is active', async () => {
    const tracing = installMemoryTracing();
    const { bus, log } = testBus({ autoCreateTopics: true });
    const upstream = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    await bus.publish(OrderPlaced.create({ orderId: 'o-1', n: 1 }, { traceparent: upstream }));
    const send = only(tracing.named('send orders'));
    expect(send.context.traceId).toBe('ab'.repeat(16));
    expect(send.parent?.spanId).toBe('cd'.repeat(8));
    const { records } = await log.fetch('orders', 0, 0n);
    const carried = records[0]?.headers.filter((h) => h.key === 'ce_traceparent') ?? [];
    expect(carried).toHaveLength(1);
    expect(new TextDecoder().decode(carried[0]?.value ?? undefined)).toBe(
      `00-${send.context.traceId}-${send.context.spanId}-01`,
    );
  });

  it('keeps a traceparent of another trace and links the send span to it', async () => {
    const tracing = installMemoryTracing();
    const { bus } = testBus({ autoCreateTopics: true });
    const foreign = `00-${'12'.repeat(16)}-${'34'.repeat(8)}-01`;
    const request = trace.getTracer('test').startSpan('job');
    const published = await context.with(trace.setSpan(context.active(), request), () =>
      bus.publishBatch([
        OrderPlaced.create({ orderId: 'o-1', n: 1 }, { traceparent: foreign }),
        OrderPlaced.create({ orderId: 'o-2', n: 2 }),
      ]),
    );
    expect(published).toHaveLength(2);
    const send = only(tracing.named('send orders'));
    expect(send.attributes['messaging.batch.message_count']).toBe(2);
    expect(send.links.map((l) => l.context.spanId)).toEqual(['34'.repeat(8)]);
    const seen: CloudEvent[] = [];
    const subscription = await bus.subscribe({
      group: 'g',
      topics: ['orders'],
      from: 'earliest',
      handler: (event) => {
        seen.push(event);
      },
    });
    await waitFor(() => seen.length === 2);
    await subscription.stop();
    expect(seen.map((e) => e.traceparent)).toEqual([
      foreign,
      `00-${send.context.traceId}-${send.context.spanId}-01`,
    ]);
  });

  it('marks the process span failed when the handler throws, once per attempt', async () => {
    const tracing = installMemoryTracing();
    const { bus } = testBus({ autoCreateTopics: true });
    let calls = 0;
    const subscription = await bus.subscribe({
      group: 'g',
      topics: ['orders'],
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      handler: () => {
        calls++;
        if (calls === 1) throw new Error('flaky');
      },
    });
    await bus.publish(OrderPlaced.create({ orderId: 'o-1', n: 1 }));
    await waitFor(() => tracing.named('process orders').filter((s) => s.ended).length === 2);
    await subscription.stop();
    const [failed, succeeded] = tracing.named('process orders');
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['error.type']).toBe('Error');
    expect(failed?.exceptions).toHaveLength(1);
    expect(succeeded?.status.code).toBe(SpanStatusCode.UNSET);
    expect(succeeded?.parent?.spanId).toBe(failed?.parent?.spanId);
  });

  it('follows an event through a reaction into the events it emits, in one trace', async () => {
    const tracing = installMemoryTracing();
    const { bus } = testBus({ autoCreateTopics: true });
    const shipping = await react(bus, {
      on: OrderPlaced,
      group: 'shipping',
      emit: (event) => OrderShipped.create({ orderId: event.data.orderId }, { causedBy: event }),
      emitTopic: () => 'shipments',
    });
    const done: CloudEvent[] = [];
    const notify = await bus.subscribe({
      group: 'notify',
      topics: ['shipments'],
      handler: (event) => {
        done.push(event);
      },
    });
    await bus.publish(orders(1)[0] as CloudEvent);
    await waitFor(() => tracing.named('process shipments')[0]?.ended);
    await Promise.all([shipping.stop(), notify.stop()]);

    const sendOrders = only(tracing.named('send orders'));
    const processOrders = only(tracing.named('process orders'));
    const sendShipments = only(tracing.named('send shipments'));
    const processShipments = only(tracing.named('process shipments'));
    const traceIds = new Set(
      [sendOrders, processOrders, sendShipments, processShipments].map((s) => s.context.traceId),
    );
    expect(traceIds.size).toBe(1);
    expect(processOrders.parent?.spanId).toBe(sendOrders.context.spanId);
    expect(sendShipments.parent?.spanId).toBe(processOrders.context.spanId);
    expect(processShipments.parent?.spanId).toBe(sendShipments.context.spanId);
    expect(done[0]?.traceparent).toContain(sendShipments.context.spanId);
  });

  it('traces synchronous handlers (exactly-once) with their span active while they run', () => {
    const tracing = installMemoryTracing();
    const tracer = activeTracer();
    if (tracer === undefined) throw new Error('no tracer');
    const event = OrderPlaced.create({ orderId: 'o-1', n: 1 });
    const source = { topic: 'orders', partition: 3, group: 'g' };
    let active: string | undefined;
    const result = traceProcess(tracer, event, source, () => {
      active = trace.getActiveSpan()?.spanContext().spanId;
    });
    expect(result).toBeUndefined();
    expect(() =>
      traceProcess(tracer, event, source, () => {
        throw new TypeError('bad state');
      }),
    ).toThrow('bad state');
    const [ok, failed] = tracing.named('process orders');
    expect(active).toBe(ok?.context.spanId);
    expect(ok?.parent).toBeUndefined(); // the event carried no trace: a new one starts
    expect(ok?.attributes['messaging.destination.partition.id']).toBe('3');
    expect([ok?.ended, failed?.ended]).toEqual([true, true]);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['error.type']).toBe('TypeError');
  });

  it('stops making spans once the provider is disabled', async () => {
    const tracing = installMemoryTracing();
    trace.disable();
    const { bus } = testBus({ autoCreateTopics: true });
    await bus.publish(OrderPlaced.create({ orderId: 'o-1', n: 1 }));
    expect(tracing.spans()).toHaveLength(0);
  });
});
