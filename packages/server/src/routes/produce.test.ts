import { describe, expect, it } from 'vitest';
import { cloudEvent, testServer } from '../http/test-support/harness.js';

async function withTopic(partitions = 1) {
  const server = testServer();
  await server.call('POST', '/v1/topics', { json: { name: 'orders', partitions } });
  return server;
}

describe('producing with the CloudEvents HTTP binding', () => {
  it('publishes binary, structured and batch events and reads them back unchanged', async () => {
    const { call } = await withTopic();
    const binary = await call('POST', '/v1/topics/orders/events', {
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'b-1',
        'ce-source': '/shop',
        'ce-type': 'order.placed',
        'ce-time': '2025-03-01T10:00:00.000Z',
        'ce-subject': 'caf%C3%A9',
        'ce-region': 'eu',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ orderId: 'o-1', total: 5 }),
    });
    expect(binary.status).toBe(201);
    expect(binary.body.results).toEqual([{ id: 'b-1', partition: 0, offset: '0' }]);

    const structured = cloudEvent({ id: 's-1', partitionkey: 'k-1', data: { orderId: 'o-2' } });
    const second = await call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify(structured),
    });
    expect(second.body.results[0].offset).toBe('1');

    const batch = [
      cloudEvent({ id: 'x-1' }),
      cloudEvent({ id: 'x-2', datacontenttype: 'text/plain', data: 'hi' }),
    ];
    const third = await call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(batch),
    });
    expect(third.body.results.map((r: { offset: string }) => r.offset)).toEqual(['2', '3']);

    const read = await call('GET', '/v1/topics/orders/partitions/0/events?offset=earliest');
    expect(read.status).toBe(200);
    expect(read.body.nextOffset).toBe('4');
    const events = read.body.events.map((e: { event: unknown }) => e.event);
    expect(events[0]).toEqual({
      specversion: '1.0',
      id: 'b-1',
      source: '/shop',
      type: 'order.placed',
      time: '2025-03-01T10:00:00.000Z',
      subject: 'café',
      datacontenttype: 'application/json',
      region: 'eu',
      data: { orderId: 'o-1', total: 5 },
    });
    expect(events[1]).toEqual(structured);
    expect(read.body.events[1].key).toBe('k-1');
    expect(events[2]).toEqual(batch[0]);
    expect(events[3]).toEqual(batch[1]);
  });

  it('sets a missing time, and uses ?key= and ?partition=', async () => {
    const { call } = await withTopic(4);
    const { time: _time, ...untimed } = cloudEvent({ id: 'u-1' });
    const keyed = await call('POST', '/v1/topics/orders/events?partition=2&key=abc', {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(untimed),
    });
    expect(keyed.body.results[0].partition).toBe(2);
    const read = await call('GET', '/v1/topics/orders/partitions/2/events');
    expect(read.body.events[0].key).toBe('abc');
    expect(Date.parse(read.body.events[0].event.time)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('schedules an event with ?delayMs=', async () => {
    const { call } = await withTopic();
    const scheduled = await call('POST', '/v1/topics/orders/events?delayMs=60000', {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent()),
    });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.results[0].scheduledId).toEqual(expect.any(String));
    const read = await call('GET', '/v1/topics/orders/partitions/0/events');
    expect(read.body.events).toEqual([]);
  });

  it('names the bad header of a binary event and the bad member of a batch', async () => {
    const { call } = await withTopic();
    const binary = await call('POST', '/v1/topics/orders/events', {
      headers: { 'ce-specversion': '1.0', 'ce-source': '/shop', 'ce-type': 'x', 'ce-Bad_Name': 'v' },
    });
    expect(binary.status).toBe(400);
    const paths = binary.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['ce-id', 'ce-bad_name']));

    const batch = await call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([cloudEvent(), cloudEvent({ type: 7 })]),
    });
    expect(batch.status).toBe(400);
    expect(batch.body.code).toBe('INVALID_ENVELOPE');
    expect(batch.body.issues).toEqual([{ path: '1.type', message: expect.any(String) }]);
    const read = await call('GET', '/v1/topics/orders/partitions/0/events');
    expect(read.body.events).toEqual([]); // nothing of the bad batch was written
  });

  it('answers 415 for a body that is not a CloudEvent and 404 for an unknown topic', async () => {
    const { call } = await withTopic();
    const plain = await call('POST', '/v1/topics/orders/events', { json: { hello: 'world' } });
    expect(plain.status).toBe(415);
    expect(plain.body.issues[0].path).toBe('content-type');
    const unknown = await call('POST', '/v1/topics/nope/events', {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent()),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('UNKNOWN_TOPIC');
  });

  it('answers 413 for a body over the limit', async () => {
    const { call } = testServer({ maxBodyBytes: 1024 });
    await call('POST', '/v1/topics', { json: { name: 'orders' } });
    const big = await call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent({ data: 'x'.repeat(2000) })),
    });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
