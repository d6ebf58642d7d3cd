import { waitFor } from '@tributary/core/internal';
import { describe, expect, it } from 'vitest';
import { cloudEvent, type TestServer, testServer } from '../http/test-support/harness.js';

interface Fetched {
  events: { topic: string; partition: number; offset: string; event: { id: string } }[];
  assignments: { topic: string; partition: number }[];
  nextOffsets: { topic: string; partition: number; offset: string }[];
}

async function setup(partitions: number, count: number, sessionTimeoutMs = 300) {
  const server = testServer({ memberSessionTimeoutMs: sessionTimeoutMs });
  await server.call('POST', '/v1/topics', { json: { name: 'orders', partitions } });
  if (count === 0) return server;
  const events = Array.from({ length: count }, (_, i) =>
    cloudEvent({ id: `e-${i}`, partitionkey: `k${i % 10}` }),
  );
  const published = await server.call('POST', '/v1/topics/orders/events', {
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  expect(published.status).toBe(201);
  return server;
}

async function join(server: TestServer, clientId: string): Promise<string> {
  const joined = await server.call('POST', '/v1/groups/billing/members', {
    json: { topics: ['orders'], clientId, from: 'earliest' },
  });
  expect(joined.status).toBe(201);
  return joined.body.memberId;
}

async function fetchAs(server: TestServer, member: string, body: object = {}): Promise<Fetched> {
  const fetched = await server.call('POST', `/v1/groups/billing/members/${member}/fetch`, { json: body });
  expect(fetched.status).toBe(200);
  return fetched.body;
}

async function commit(
  server: TestServer,
  member: string,
  offsets: { topic: string; partition: number; offset: string }[],
) {
  const committed = await server.call('POST', `/v1/groups/billing/members/${member}/commit`, {
    json: { offsets },
  });
  expect(committed.status).toBe(200);
}

/** Per partition, the offset after the last of `events`. */
function offsetsAfter(events: Fetched['events']) {
  const next = new Map<string, { topic: string; partition: number; offset: string }>();
  for (const e of events)
    next.set(`${e.topic}:${e.partition}`, {
      topic: e.topic,
      partition: e.partition,
      offset: String(BigInt(e.offset) + 1n),
    });
  return [...next.values()];
}

describe('consumer-group members over HTTP', () => {
  it('shares partitions between two members; a silent member is removed after its session timeout and nothing is lost', async () => {
    const server = await setup(4, 40);
    const a = await join(server, 'a');
    const b = await join(server, 'b');
    const first = await fetchAs(server, a, { maxRecords: 3 });
    const fromB = await fetchAs(server, b, { maxRecords: 1 });
    expect(first.assignments).toHaveLength(2);
    expect(fromB.assignments).toHaveLength(2);
    const owned = [...first.assignments, ...fromB.assignments].map((tp) => tp.partition).sort();
    expect(owned).toEqual([0, 1, 2, 3]);

    // A commits what it processed, then fetches more and dies before committing those.
    await commit(server, a, offsetsAfter(first.events));
    const uncommitted = await fetchAs(server, a, { maxRecords: 2 });
    expect(uncommitted.events.length).toBeGreaterThan(0);

    const seenByB = new Set(fromB.events.map((e) => e.event.id));
    let assignments = 0;
    await waitFor(
      async () => {
        const fetched = await fetchAs(server, b, { waitMs: 50 });
        for (const e of fetched.events) seenByB.add(e.event.id);
        if (fetched.events.length > 0) await commit(server, b, fetched.nextOffsets);
        assignments = fetched.assignments.length;
        return assignments === 4 && seenByB.size + first.events.length >= 40;
      },
      { timeoutMs: 10_000, intervalMs: 1 },
    );
    expect(assignments).toBe(4);
    const all = new Set([...seenByB, ...first.events.map((e) => e.event.id)]);
    expect(all.size).toBe(40);
    for (const e of uncommitted.events) expect(seenByB.has(e.event.id)).toBe(true); // redelivered to B

    const gone = await server.call('POST', `/v1/groups/billing/members/${a}/fetch`, { json: {} });
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('UNKNOWN_MEMBER');
  });

  it('hands partitions over at once when a member leaves', async () => {
    const server = await setup(2, 4, 30_000);
    const a = await join(server, 'a');
    const b = await join(server, 'b');
    expect((await server.call('DELETE', `/v1/groups/billing/members/${a}`)).status).toBe(204);
    const fetched = await fetchAs(server, b, { waitMs: 100 });
    expect(fetched.assignments).toHaveLength(2);
  });

  it('long-polls until events arrive', async () => {
    const server = await setup(1, 0, 30_000);
    const a = await join(server, 'a');
    const polling = fetchAs(server, a, { waitMs: 5000 });
    await server.call('POST', '/v1/topics/orders/events', {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent({ id: 'late' })),
    });
    expect((await polling).events.map((e) => e.event.id)).toEqual(['late']);
  });

  it('rejects a commit for a partition the member does not hold, and bad bodies naming the field', async () => {
    const server = await setup(1, 1, 30_000);
    const a = await join(server, 'a');
    const notMine = await server.call('POST', `/v1/groups/billing/members/${a}/commit`, {
      json: { offsets: [{ topic: 'other', partition: 0, offset: '1' }] },
    });
    expect(notMine.status).toBe(409);
    expect(notMine.body.code).toBe('NOT_ASSIGNED');
    const badOffset = await server.call('POST', `/v1/groups/billing/members/${a}/commit`, {
      json: { offsets: [{ topic: 'orders', partition: 0, offset: 'x' }] },
    });
    expect(badOffset.status).toBe(400);
    expect(badOffset.body.issues[0].path).toBe('offsets.0.offset');
    const badJoin = await server.call('POST', '/v1/groups/billing/members', { json: { topics: [] } });
    expect(badJoin.status).toBe(400);
    expect(badJoin.body.issues[0].path).toBe('topics');
    const unknownTopic = await server.call('POST', '/v1/groups/billing/members', {
      json: { topics: ['nope'] },
    });
    expect(unknownTopic.status).toBe(404);
  });
});
