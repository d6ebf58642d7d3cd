import { waitFor } from '@tributary/core/internal';
import { describe, expect, it, vi } from 'vitest';
import { cloudEvent, testServer } from '../http/test-support/harness.js';
import { SseReader } from '../http/test-support/sse-reader.js';

async function withTopic(partitions = 2) {
  const server = testServer();
  await server.call('POST', '/v1/topics', { json: { name: 'orders', partitions } });
  const publish = (overrides: Record<string, unknown>, key?: string) =>
    server.call('POST', `/v1/topics/orders/events${key === undefined ? '' : `?key=${key}`}`, {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent(overrides)),
    });
  const tail = async (query = '') => {
    const response = await server.request('GET', `/v1/topics/orders/tail${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    return new SseReader(response);
  };
  return { ...server, publish, tail };
}

describe('tailing a topic as Server-Sent Events', () => {
  it('delivers an event published after the tail started, with its position', async () => {
    const { publish, tail } = await withTopic();
    const stream = await tail();
    await stream.until('ready');
    await publish({ id: 'live-1' }, 'k');
    const item = await stream.nextEvent();
    expect(item).toMatchObject({
      topic: 'orders',
      key: 'k',
      offset: '0',
      event: { id: 'live-1', type: 'order.placed' },
    });
    await stream.cancel();
  });

  it('filters by type, key and tenant', async () => {
    const { publish, tail } = await withTopic();
    const byType = await tail('?type=order.shipped,order.paid');
    const byKey = await tail('?key=k2');
    const byTenant = await tail('?tenant=acme');
    await Promise.all([byType.until('ready'), byKey.until('ready'), byTenant.until('ready')]);
    await publish({ id: 'a', type: 'order.placed' }, 'k1');
    await publish({ id: 'b', type: 'order.shipped', tenantid: 'acme' }, 'k1');
    await publish({ id: 'c', type: 'order.placed' }, 'k2');
    await publish({ id: 'd', type: 'order.paid' }, 'k2');
    const ids = async (stream: SseReader, count: number) => {
      const seen: string[] = [];
      for (let i = 0; i < count; i++) seen.push((await stream.nextEvent()).event.id);
      return seen.sort();
    };
    expect(await ids(byType, 2)).toEqual(['b', 'd']);
    expect(await ids(byKey, 2)).toEqual(['c', 'd']);
    expect(await ids(byTenant, 1)).toEqual(['b']);
    await Promise.all([byType.cancel(), byKey.cancel(), byTenant.cancel()]);
  });

  it('replays from the earliest offset with from=earliest', async () => {
    const { publish, tail } = await withTopic(1);
    await publish({ id: 'old' });
    const stream = await tail('?from=earliest');
    expect((await stream.nextEvent()).event.id).toBe('old');
    await stream.cancel();
  });

  it('stops reading the log when the client disconnects', async () => {
    const { bus, tail } = await withTopic(1);
    let waiting = 0;
    const fetch = bus.log.fetch.bind(bus.log);
    vi.spyOn(bus.log, 'fetch').mockImplementation(async (...args) => {
      waiting++;
      try {
        return await fetch(...args);
      } finally {
        waiting--;
      }
    });
    const stream = await tail();
    await stream.until('ready');
    await waitFor(() => waiting === 1);
    await stream.cancel();
    await waitFor(() => waiting === 0, { timeoutMs: 900 }); // before the 1 s fetch wait would end
  });

  it('does not read ahead of a slow client: one fetch is held until the client takes its events', async () => {
    const { bus, call, tail } = await withTopic(1);
    await call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(Array.from({ length: 200 }, (_, i) => cloudEvent({ id: `e-${i}` }))),
    });
    const fetchSpy = vi.spyOn(bus.log, 'fetch');
    const stream = await tail('?from=earliest');
    expect((await stream.nextEvent()).event.id).toBe('e-0');
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(fetchSpy).toHaveBeenCalledTimes(1); // stalled on the client, not fetching (buffering) more
    for (let i = 1; i < 200; i++) expect((await stream.nextEvent()).event.id).toBe(`e-${i}`);
    await stream.cancel();
  });

  it('ends the stream cleanly when the server shuts down', async () => {
    const { server, tail } = await withTopic();
    const stream = await tail();
    await stream.until('ready');
    await server.close({ timeoutMs: 2000 });
    expect(await stream.next()).toBeUndefined();
    expect(stream.ended).toBe(true);
  });

  it('shuts down promptly even when a client stopped reading', async () => {
    const { server, call, tail } = await withTopic(1);
    await call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(Array.from({ length: 100 }, (_, i) => cloudEvent({ id: `e-${i}` }))),
    });
    const stream = await tail('?from=earliest');
    await stream.nextEvent(); // then stops reading: the tail is stalled on its next event
    const started = Date.now();
    await server.close({ timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(5000); // dropped after a short grace, not the full timeout
  });

  it('answers 404 for an unknown topic and 400 naming a bad from', async () => {
    const { call } = await withTopic();
    expect((await call('GET', '/v1/topics/nope/tail')).status).toBe(404);
    const bad = await call('GET', '/v1/topics/orders/tail?from=middle&type=');
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['from', 'type']);
  });
});
