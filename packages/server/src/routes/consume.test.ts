import { describe, expect, it } from 'vitest';
import { cloudEvent, testServer } from '../http/test-support/harness.js';

async function withEvents(count: number) {
  const server = testServer();
  await server.call('POST', '/v1/topics', { json: { name: 'orders' } });
  await server.call('POST', '/v1/topics/orders/events', {
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(Array.from({ length: count }, (_, i) => cloudEvent({ id: `e-${i}` }))),
  });
  return server;
}

describe('reading a partition by offset', () => {
  it('pages with offset, maxRecords and nextOffset', async () => {
    const { call } = await withEvents(5);
    const first = await call('GET', '/v1/topics/orders/partitions/0/events?offset=0&maxRecords=2');
    expect(first.body.events.map((e: { offset: string }) => e.offset)).toEqual(['0', '1']);
    expect(first.body.nextOffset).toBe('2');
    expect(first.body.highWatermark).toBe('5');
    const rest = await call('GET', `/v1/topics/orders/partitions/0/events?offset=${first.body.nextOffset}`);
    expect(rest.body.events.map((e: { event: { id: string } }) => e.event.id)).toEqual(['e-2', 'e-3', 'e-4']);
    const latest = await call('GET', '/v1/topics/orders/partitions/0/events?offset=latest');
    expect(latest.body).toMatchObject({ events: [], nextOffset: '5' });
  });

  it('waits up to waitMs for a new event', async () => {
    const { call } = await withEvents(1);
    const waiting = call('GET', '/v1/topics/orders/partitions/0/events?offset=1&waitMs=5000');
    await call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent({ id: 'late' })),
    });
    expect((await waiting).body.events[0].event.id).toBe('late');
  });

  it('names the bad query parameter', async () => {
    const { call } = await withEvents(1);
    const offset = await call('GET', '/v1/topics/orders/partitions/0/events?offset=soon&maxRecords=0');
    expect(offset.status).toBe(400);
    expect(offset.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['maxRecords', 'offset']);
    const beyond = await call('GET', '/v1/topics/orders/partitions/0/events?offset=99');
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', issues: [{ path: 'offset' }] });
    const partition = await call('GET', '/v1/topics/orders/partitions/7/events');
    expect(partition.status).toBe(404);
    expect(partition.body.code).toBe('PARTITION_OUT_OF_RANGE');
  });
});
