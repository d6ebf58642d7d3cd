import { describe, expect, it } from 'vitest';
import { deadLetter, plainEvent as event } from '../http/test-support/dead-letters.js';
import { testServer } from '../http/test-support/harness.js';

async function withLetters() {
  const server = testServer();
  await server.call('POST', '/v1/topics', { json: { name: 'orders' } });
  await deadLetter(server, event('a', 'order.placed'), 3n);
  await deadLetter(server, event('b', 'order.shipped'), 4n, 'k2');
  await deadLetter(server, event('c', 'order.placed'), 5n);
  return server;
}

describe('dead letters over HTTP', () => {
  it('lists pending letters with the decoded event and the failure, filtered by type and key', async () => {
    const { call } = await withLetters();
    const all = await call('GET', '/v1/groups/billing/dead-letters');
    expect(all.status).toBe(200);
    expect(all.body.deadLetters).toHaveLength(3);
    expect(all.body.deadLetters[0]).toMatchObject({
      at: '0:0',
      topic: 'orders',
      partition: 0,
      offset: '3',
      key: 'k1',
      event: { id: 'a', type: 'order.placed', data: { id: 'a' } },
      failure: { attempts: 3, error: { errorClass: 'TypeError', message: 'boom' }, group: 'billing' },
    });
    const placed = await call('GET', '/v1/groups/billing/dead-letters?type=order.placed');
    expect(placed.body.deadLetters.map((l: { event: { id: string } }) => l.event.id)).toEqual(['a', 'c']);
    const byKey = await call('GET', '/v1/groups/billing/dead-letters?key=k2&limit=5');
    expect(byKey.body.deadLetters.map((l: { event: { id: string } }) => l.event.id)).toEqual(['b']);
    const one = await call('GET', '/v1/groups/billing/dead-letters/0:1');
    expect(one.body.event.id).toBe('b');
  });

  it('re-drives matching letters to the original topic and discards others', async () => {
    const { call } = await withLetters();
    const redriven = await call('POST', '/v1/groups/billing/dead-letters/redrive', {
      json: { filter: { type: 'order.placed' } },
    });
    expect(redriven.body).toEqual({ redriven: 2 });
    const read = await call('GET', '/v1/topics/orders/partitions/0/events');
    expect(read.body.events.map((e: { event: { id: string } }) => e.event.id)).toEqual(['a', 'c']);

    const discarded = await call('POST', '/v1/groups/billing/dead-letters/discard', {
      json: { filter: { at: '0:1' } },
    });
    expect(discarded.body).toEqual({ discarded: 1 });
    expect((await call('GET', '/v1/groups/billing/dead-letters')).body.deadLetters).toEqual([]);
    const gone = await call('GET', '/v1/groups/billing/dead-letters/0:0');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('UNKNOWN_DEAD_LETTER');
  });

  it('lists nothing for a group without dead letters, and names bad filters', async () => {
    const { call } = await withLetters();
    expect((await call('GET', '/v1/groups/nobody/dead-letters')).body).toEqual({ deadLetters: [] });
    const bad = await call('POST', '/v1/groups/billing/dead-letters/redrive', {
      json: { filter: { at: 'first', since: 'yesterday', colour: 'red' } },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['filter.at', 'filter.since', 'filter']));
    expect((await call('GET', '/v1/groups/billing/dead-letters/x:y')).body.issues[0].path).toBe('at');
  });
});
