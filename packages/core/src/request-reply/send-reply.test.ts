import { describe, expect, it } from 'vitest';
import type { Bus } from '../bus/bus.js';
import { fromLogRecord } from '../envelope/kafka-binary-codec.js';
import type { CloudEvent } from '../envelope/types.js';
import { rejection } from '../testing/thrown.js';
import { sendReply } from './send-reply.js';
import { commandBus, ReserveStock, StockReserved } from './test-support.js';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A memory bus with a `replies` topic. */
async function setup(): Promise<Bus> {
  const bus = await commandBus();
  await bus.createTopic('replies', { partitions: 1 });
  return bus;
}

async function published(bus: Bus, offset: bigint): Promise<CloudEvent> {
  const { records } = await bus.log.fetch('replies', 0, offset);
  const record = records[0];
  if (record === undefined) throw new Error(`no record at replies/0@${offset}`);
  return fromLogRecord(record);
}

function request(options: Parameters<typeof ReserveStock.create>[1] = {}): CloudEvent {
  return ReserveStock.create(
    { sku: 'A', n: 1 },
    { ...options, extensions: { replyto: 'replies', ...options.extensions } },
  );
}

describe('sendReply', () => {
  it('publishes the reply on the replyto topic with causation = request id and correlation = request id', async () => {
    const bus = await setup();
    const req = request();
    const result = await sendReply(bus, req, StockReserved.create({ sku: 'A', n: 1 }));
    expect([result.topic, result.partition, result.offset]).toEqual(['replies', 0, 0n]);
    const reply = await published(bus, result.offset);
    expect(reply.type).toBe('inventory.reserved');
    expect(reply.causationid).toBe(req.id);
    expect(reply.correlationid).toBe(req.id);
    expect(reply.extensions).toBeUndefined();
  });

  it("keeps the request's own correlation id and inherits its tenant and trace unless the reply has them", async () => {
    const bus = await setup();
    const req = request({ correlationid: 'flow-7', tenantid: 'acme', traceparent: TRACE });
    const inherited = await published(
      bus,
      (await sendReply(bus, req, StockReserved.create({ sku: 'A', n: 1 }))).offset,
    );
    expect([inherited.correlationid, inherited.tenantid, inherited.traceparent]).toEqual([
      'flow-7',
      'acme',
      TRACE,
    ]);
    const own = StockReserved.create({ sku: 'A', n: 1 }, { tenantid: 'other', correlationid: 'ignored' });
    const kept = await published(bus, (await sendReply(bus, req, own)).offset);
    expect([kept.correlationid, kept.tenantid]).toEqual(['flow-7', 'other']);
  });

  it('rejects a request without replyto with INVALID_ARGUMENT naming it, and publishes nothing', async () => {
    const bus = await setup();
    const req = ReserveStock.create({ sku: 'A', n: 1 });
    const err = await rejection(sendReply(bus, req, StockReserved.create({ sku: 'A', n: 1 })));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe(
      `Event "inventory.reserve" (id ${req.id}) has no "replyto" extension, so there is no topic to reply on: send requests with requester.request().`,
    );
    const topics = await Promise.all(['replies', 'commands'].map((t) => bus.log.describeTopic(t)));
    expect(topics.flatMap((t) => t.partitions.map((p) => p.latestOffset))).toEqual([0n, 0n, 0n]);
  });

  it('rejects a reply that is not an event with INVALID_ENVELOPE', async () => {
    const bus = await setup();
    const err = await rejection(sendReply(bus, request(), null as never));
    expect(err.code).toBe('INVALID_ENVELOPE');
    expect(err.message).toContain('got null');
  });

  it('rejects with UNKNOWN_TOPIC when the replyto topic does not exist', async () => {
    const bus = await setup();
    const req = request({ extensions: { replyto: 'gone' } });
    expect((await rejection(sendReply(bus, req, StockReserved.create({ sku: 'A', n: 1 })))).code).toBe(
      'UNKNOWN_TOPIC',
    );
  });
});
