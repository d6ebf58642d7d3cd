import { describe, expect, it } from 'vitest';
import { cloudEvent, testServer } from '../http/test-support/harness.js';

async function withEvents(count: number) {
  const server = testServer();
  await server.call('POST', '/v1/topics', { json: { name: 'orders', partitions: 2 } });
  await server.call('POST', '/v1/topics/orders/events?partition=0', {
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(Array.from({ length: count }, (_, i) => cloudEvent({ id: `e-${i}` }))),
  });
  return server;
}

describe('consumer groups over HTTP', () => {
  it('resets offsets as a dry run by default, and commits them with execute', async () => {
    const { call } = await withEvents(10);
    const dry = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: { offset: 4 } },
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      executed: false,
      partitions: [
        { topic: 'orders', partition: 0, from: null, to: '4' },
        { topic: 'orders', partition: 1, from: null, to: '0' }, // clamped to the partition's end
      ],
    });
    expect((await call('GET', '/v1/groups/billing')).status).toBe(404); // nothing committed

    const done = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: { offset: '4' }, partitions: [0], execute: true },
    });
    expect(done.body.executed).toBe(true);
    const shifted = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: { shiftBy: -3 }, partitions: [0] },
    });
    expect(shifted.body.partitions).toEqual([{ topic: 'orders', partition: 0, from: '4', to: '1' }]);
    const latest = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: 'latest' },
    });
    expect(latest.body.partitions.map((p: { to: string }) => p.to)).toEqual(['10', '0']);
    const byTime = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: { datetime: '2000-01-01T00:00:00Z' }, partitions: [0] },
    });
    expect(byTime.body.partitions[0].to).toBe('0');
  });

  it('describes a group with committed offsets, log end and lag', async () => {
    const { call } = await withEvents(10);
    await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: { offset: 4 }, partitions: [0], execute: true },
    });
    const described = await call('GET', '/v1/groups/billing');
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ group: 'billing', state: 'Empty', members: [], totalLag: '6' });
    expect(described.body.partitions).toEqual([
      {
        topic: 'orders',
        partition: 0,
        currentOffset: '4',
        logEndOffset: '10',
        lag: '6',
        memberId: null,
        host: null,
        clientId: null,
      },
      {
        topic: 'orders',
        partition: 1,
        currentOffset: null,
        logEndOffset: '0',
        lag: null,
        memberId: null,
        host: null,
        clientId: null,
      },
    ]);
    expect((await call('GET', '/v1/groups')).body.groups).toEqual(['billing']);
  });

  it('shows HTTP members and refuses to execute a reset while the group has live members', async () => {
    const { call } = await withEvents(3);
    const joined = await call('POST', '/v1/groups/billing/members', {
      json: { topics: ['orders'], clientId: 'py-worker' },
    });
    const described = await call('GET', '/v1/groups/billing');
    expect(described.body.state).toBe('Stable');
    expect(described.body.members).toEqual([
      {
        memberId: joined.body.memberId,
        clientId: 'py-worker',
        host: 'unknown',
        topics: ['orders'],
        partitions: [
          { topic: 'orders', partition: 0 },
          { topic: 'orders', partition: 1 },
        ],
      },
    ]);
    expect(described.body.partitions[0].memberId).toBe(joined.body.memberId);
    expect((await call('GET', '/v1/groups')).body.groups).toEqual(['billing']);
    const refused = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: 'earliest', execute: true },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('GROUP_NOT_EMPTY');
  });

  it('names the bad fields of a reset', async () => {
    const { call } = await withEvents(1);
    const bad = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: 'yesterday', execute: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['execute', 'to']);
    const partition = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'orders', to: 'earliest', partitions: [5] },
    });
    expect(partition.status).toBe(404);
    expect(partition.body.issues[0].path).toBe('partitions');
    const topic = await call('POST', '/v1/groups/billing/offsets/reset', {
      json: { topic: 'nope', to: 'earliest' },
    });
    expect(topic.status).toBe(404);
  });
});
