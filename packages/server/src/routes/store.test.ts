import { describe, expect, it } from 'vitest';
import { cloudEvent, testServer } from '../http/test-support/harness.js';

const append = (events: unknown[], expectedVersion?: unknown) => ({
  json: { events, ...(expectedVersion === undefined ? {} : { expectedVersion }) },
});

describe('the event store over HTTP', () => {
  it('appends to a stream and reads it back, versions and positions as decimal strings', async () => {
    const { call } = testServer();
    const first = await call(
      'POST',
      '/v1/streams/order-1/events',
      append([cloudEvent({ id: 'a' }), cloudEvent({ id: 'b' })], 'no_stream'),
    );
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ nextExpectedVersion: '2', position: '2' });
    const second = await call('POST', '/v1/streams/order-1/events', append([cloudEvent({ id: 'c' })], '2'));
    expect(second.body.nextExpectedVersion).toBe('3');

    const read = await call('GET', '/v1/streams/order-1');
    expect(
      read.body.events.map((e: { version: string; event: { id: string } }) => [e.version, e.event.id]),
    ).toEqual([
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ]);
    const backward = await call('GET', '/v1/streams/order-1?direction=backward&maxCount=1');
    expect(backward.body.events[0].event.id).toBe('c');

    const all = await call('GET', '/v1/events?after=1&types=order.placed');
    expect(all.body.events.map((e: { position: string }) => e.position)).toEqual(['2', '3']);
    expect(all.body.lastPosition).toBe('3');
  });

  it('answers 409 with expected and actual versions on a conflict', async () => {
    const { call } = testServer();
    await call('POST', '/v1/streams/order-1/events', append([cloudEvent()]));
    const conflict = await call('POST', '/v1/streams/order-1/events', append([cloudEvent()], 5));
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      code: 'WRONG_EXPECTED_VERSION',
      stream: 'order-1',
      expected: '5',
      actual: '1',
    });
    const exists = await call('POST', '/v1/streams/order-1/events', append([cloudEvent()], 'no_stream'));
    expect(exists.body).toMatchObject({ status: 409, expected: 'no_stream', actual: '1' });
  });

  it('names bad events and bad expected versions', async () => {
    const { call } = testServer();
    const bad = await call(
      'POST',
      '/v1/streams/order-1/events',
      append([cloudEvent(), cloudEvent({ source: '' })], 'soon'),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['expectedVersion']);
    const badEvent = await call(
      'POST',
      '/v1/streams/order-1/events',
      append([cloudEvent(), cloudEvent({ source: '' })]),
    );
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.issues).toEqual([{ path: 'events.1.source', message: 'must not be empty' }]);
    const empty = await call('POST', '/v1/streams/order-1/events', append([]));
    expect(empty.body.issues[0].path).toBe('events');
    const query = await call('GET', '/v1/streams/order-1?fromVersion=-1&direction=up');
    expect(query.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'direction',
      'fromVersion',
    ]);
  });

  it('answers 404 NO_EVENT_STORE when the server has no store', async () => {
    const { createServer } = await import('../app.js');
    const { call, bus } = testServer();
    const noStore = createServer({ bus });
    const response = await noStore.fetch(new Request('http://test/v1/streams/order-1'));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NO_EVENT_STORE' });
    expect((await call('GET', '/v1/streams/order-1')).status).toBe(200);
  });
});
