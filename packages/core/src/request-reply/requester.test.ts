import { describe, expect, it } from 'vitest';
import type { Bus } from '../bus/bus.js';
import { createMemoryMetrics } from '../metrics/memory-metrics.js';
import { rejection } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { Requester } from './requester.js';
import { sendReply } from './send-reply.js';
import { commandBus, dataOf, ReserveStock, recorder, responder, StockReserved } from './test-support.js';

const LATE = 'tributary_request_late_replies_total';

/** A memory bus with the `commands` topic, closed after the test. */
async function setup(): Promise<Bus> {
  return commandBus();
}

describe('Requester', () => {
  it('resolves with the reply a responder sends, linked to the command by causation and correlation', async () => {
    const bus = await setup();
    await responder(bus);
    const requester = new Requester(bus);
    const command = ReserveStock.create({ sku: 'A-1', n: 3 });
    const reply = await requester.request(command, { timeoutMs: 5000 });
    expect(reply.type).toBe('inventory.reserved');
    expect(dataOf(reply)).toEqual({ sku: 'A-1', n: 3, note: 'ok' });
    expect(reply.causationid).toBe(command.id);
    expect(reply.correlationid).toBe(command.id);
    expect(requester.inFlight).toBe(0);
    await requester.close();
  });

  it('sends the command with replyto and a correlation id, creating the reply topic on first use', async () => {
    const bus = await setup();
    const requester = new Requester(bus, { replyTopic: 'my.replies', clientId: 'orders-api' });
    expect(requester.group).toMatch(/^orders-api\.replies\.[0-9a-f]{8}$/);
    await expect(bus.log.describeTopic('my.replies')).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    const seen = await recorder(bus);
    const command = ReserveStock.create({ sku: 'A-1', n: 1 });
    const pending = requester.request(command, { timeoutMs: 5000 });
    await waitFor(() => seen.commands.length === 1);
    const sent = seen.commands[0];
    expect(sent?.id).toBe(command.id);
    expect(sent?.extensions).toEqual({ replyto: 'my.replies' });
    expect(sent?.correlationid).toBe(command.id);
    expect((await bus.log.describeTopic('my.replies')).partitions).toHaveLength(1);
    if (sent !== undefined) await sendReply(bus, sent, StockReserved.create({ sku: 'A-1', n: 1 }));
    expect(dataOf(await pending).n).toBe(1);
    await requester.close();
  });

  it('matches concurrent requests to their replies when replies arrive in reverse order', async () => {
    const bus = await setup();
    const seen = await recorder(bus);
    const requester = new Requester(bus);
    const pending = Array.from({ length: 10 }, (_, n) =>
      requester.request(ReserveStock.create({ sku: `S-${n}`, n }), { timeoutMs: 5000 }),
    );
    await waitFor(() => seen.commands.length === 10);
    for (const command of [...seen.commands].reverse()) {
      const { sku, n } = ReserveStock.parse(command).data;
      await sendReply(bus, command, StockReserved.create({ sku, n }));
    }
    const replies = await Promise.all(pending);
    expect(replies.map((r) => dataOf(r).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await requester.close();
  });

  it('keeps apart two concurrent requests of one flow that share a correlation id', async () => {
    const bus = await setup();
    await responder(bus);
    const requester = new Requester(bus);
    const first = ReserveStock.create({ sku: 'A', n: 1 }, { correlationid: 'flow-1' });
    const second = ReserveStock.create({ sku: 'B', n: 2 }, { correlationid: 'flow-1' });
    const [a, b] = await Promise.all([
      requester.request(first, { timeoutMs: 5000 }),
      requester.request(second, { timeoutMs: 5000 }),
    ]);
    expect([dataOf(a).sku, a.correlationid, a.causationid]).toEqual(['A', 'flow-1', first.id]);
    expect([dataOf(b).sku, b.correlationid, b.causationid]).toEqual(['B', 'flow-1', second.id]);
    await requester.close();
  });

  it('rejects with REQUEST_TIMEOUT naming the command type, id and timeout when nobody replies', async () => {
    const bus = await setup();
    const metrics = createMemoryMetrics();
    const requester = new Requester(bus, { metrics });
    const command = ReserveStock.create({ sku: 'A-1', n: 1 });
    const err = await rejection(requester.request(command, { timeoutMs: 30 }));
    expect(err.code).toBe('REQUEST_TIMEOUT');
    expect(err.isRetryable).toBe(true);
    expect(err.message).toContain(`"inventory.reserve" (id ${command.id}) within 30 ms`);
    expect(requester.inFlight).toBe(0);
    expect(metrics.observations('tributary_request_duration_seconds', { outcome: 'timeout' })).toHaveLength(
      1,
    );
    await requester.close();
  });

  it('drops and counts a reply that arrives after its request timed out', async () => {
    const bus = await setup();
    const seen = await recorder(bus);
    const metrics = createMemoryMetrics();
    const requester = new Requester(bus, { metrics });
    const late = ReserveStock.create({ sku: 'late', n: 1 });
    expect((await rejection(requester.request(late, { timeoutMs: 30 }))).code).toBe('REQUEST_TIMEOUT');
    await waitFor(() => seen.commands.length === 1);
    const sent = seen.commands[0];
    if (sent !== undefined) await sendReply(bus, sent, StockReserved.create({ sku: 'late', n: 1 }));
    await waitFor(() => metrics.value(LATE, { reason: 'late' }) === 1, { message: 'late reply counted' });
    expect(metrics.value(LATE, { reason: 'duplicate' })).toBe(0);
    expect(requester.inFlight).toBe(0);
    await requester.close();
  });

  it('resolves with the first reply and drops and counts a duplicate', async () => {
    const bus = await setup();
    const metrics = createMemoryMetrics();
    const twice = bus.consumer({ group: 'twice', topics: ['commands'], from: 'earliest' });
    await twice.run({
      eachEvent: async (command) => {
        await sendReply(bus, command, StockReserved.create({ sku: 'x', n: 1, note: 'first' }));
        await sendReply(bus, command, StockReserved.create({ sku: 'x', n: 1, note: 'second' }));
      },
    });
    const requester = new Requester(bus, { metrics });
    const reply = await requester.request(ReserveStock.create({ sku: 'x', n: 1 }), { timeoutMs: 5000 });
    expect(dataOf(reply).note).toBe('first');
    await waitFor(() => metrics.value(LATE, { reason: 'duplicate' }) === 1, { message: 'duplicate counted' });
    expect(metrics.observations('tributary_request_duration_seconds', { outcome: 'replied' })).toHaveLength(
      1,
    );
    await requester.close();
  });

  it('ignores replies to other requesters sharing the reply topic without counting them', async () => {
    const bus = await setup();
    const metrics = createMemoryMetrics();
    const seen = await recorder(bus);
    const mine = new Requester(bus, { metrics });
    const other = new Requester(bus);
    const otherReply = other.request(ReserveStock.create({ sku: 'other', n: 2 }), { timeoutMs: 5000 });
    const myReply = mine.request(ReserveStock.create({ sku: 'mine', n: 1 }), { timeoutMs: 5000 });
    await waitFor(() => seen.commands.length === 2);
    // The other requester's reply goes first on the shared topic, so `mine` has read it by the end.
    const bySku = (sku: string) => seen.commands.filter((c) => ReserveStock.parse(c).data.sku === sku);
    for (const command of [...bySku('other'), ...bySku('mine')]) {
      const { sku, n } = ReserveStock.parse(command).data;
      await sendReply(bus, command, StockReserved.create({ sku, n }));
    }
    expect(dataOf(await myReply).sku).toBe('mine');
    expect(dataOf(await otherReply).sku).toBe('other');
    expect(metrics.value(LATE)).toBe(0);
    await Promise.all([mine.close(), other.close()]);
  });

  it('answers a retried command (same id) after its first attempt timed out', async () => {
    const bus = await setup();
    const requester = new Requester(bus);
    const command = ReserveStock.create({ sku: 'retry', n: 1 });
    expect((await rejection(requester.request(command, { timeoutMs: 20 }))).code).toBe('REQUEST_TIMEOUT');
    await responder(bus);
    // The responder answers both copies: the first reply resolves the retry, the second is a duplicate.
    expect(dataOf(await requester.request(command, { timeoutMs: 5000 })).sku).toBe('retry');
    await requester.close();
  });

  it('rejects pending requests with CLOSED on close, and requests after it', async () => {
    const bus = await setup();
    const metrics = createMemoryMetrics();
    const requester = new Requester(bus, { metrics });
    const command = ReserveStock.create({ sku: 'A', n: 1 });
    const pending = rejection(requester.request(command, { timeoutMs: 60_000 }));
    await waitFor(() => requester.inFlight === 1);
    await requester.close();
    const err = await pending;
    expect(err.code).toBe('CLOSED');
    expect(err.message).toContain(`(id ${command.id}) got its reply`);
    expect(metrics.observations('tributary_request_duration_seconds', { outcome: 'closed' })).toHaveLength(1);
    expect(bus.describeGroup(requester.group)?.members ?? []).toHaveLength(0);
    expect((await rejection(requester.request(command))).code).toBe('CLOSED');
    await requester.close(); // idempotent
  });

  it('rejects with the publish error and keeps nothing pending when the command topic does not exist', async () => {
    const bus = await setup();
    const requester = new Requester(bus);
    const err = await rejection(
      requester.request(ReserveStock.create({ sku: 'A', n: 1 }), { topic: 'nowhere', timeoutMs: 5000 }),
    );
    expect(err.code).toBe('UNKNOWN_TOPIC');
    expect(requester.inFlight).toBe(0);
    await requester.close();
  });

  it('rejects bad requests with INVALID_ARGUMENT saying what is wrong', async () => {
    const bus = await setup();
    const requester = new Requester(bus, { replyTopic: 'replies' });
    const command = ReserveStock.create({ sku: 'A', n: 1 });
    const timeout = await rejection(requester.request(command, { timeoutMs: 0 }));
    expect([timeout.code, timeout.message]).toEqual([
      'INVALID_ARGUMENT',
      'request option timeoutMs=0 must be an integer from 1 to 2147483647 (ms).',
    ]);
    const noTopic = await rejection(requester.request({ ...command }));
    expect(noTopic.message).toContain('No topic for command "inventory.reserve"');
    const conflicting = ReserveStock.create({ sku: 'A', n: 1 }, { extensions: { replyto: 'elsewhere' } });
    expect((await rejection(requester.request(conflicting))).message).toContain(
      'already has replyto="elsewhere", but this requester reads replies from "replies"',
    );
    const first = rejection(requester.request(command, { timeoutMs: 5000 }));
    const again = await rejection(requester.request(command, { timeoutMs: 5000 }));
    expect(again.message).toContain(`A request with id ${command.id} is already waiting`);
    await requester.close();
    expect((await first).code).toBe('CLOSED');
  });

  it('rejects invalid constructor options', async () => {
    const bus = await setup();
    expect(() => new Requester(bus, { clientId: 'no spaces' })).toThrow(
      'Requester option clientId="no spaces" is invalid',
    );
    expect(() => new Requester(bus, { replyTopic: 'bad/topic' })).toThrow(/bad\/topic/);
  });
});
