import { describe, expect, it } from 'vitest';
import { deadLetter, plainEvent } from './http/test-support/dead-letters.js';
import { cloudEvent, testServer } from './http/test-support/harness.js';
import { SseReader } from './http/test-support/sse-reader.js';
import { stubAuthenticator, TENANT_TOKENS } from './http/test-support/stub-authenticator.js';

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

async function twoTenants() {
  const server = testServer({
    authenticator: stubAuthenticator(TENANT_TOKENS),
    memberSessionTimeoutMs: 30_000,
  });
  const created = await server.call('POST', '/v1/topics', {
    json: { name: 'orders' },
    token: 'token-operator',
  });
  expect(created.status).toBe(201);
  const produce = (token: string, overrides: Record<string, unknown>) =>
    server.call('POST', '/v1/topics/orders/events', {
      headers: STRUCTURED,
      body: JSON.stringify(cloudEvent(overrides)),
      token,
    });
  expect((await produce('token-a', { id: 'a-1' })).status).toBe(201);
  expect((await produce('token-b', { id: 'b-1' })).status).toBe(201);
  expect((await produce('token-a', { id: 'a-2', tenantid: 'tenant-a' })).status).toBe(201);
  return { ...server, produce };
}

const ids = (events: { event: { id: string } }[]) => events.map((e) => e.event.id);

describe('tenant isolation', () => {
  it('stamps the tenant on produced events and refuses another tenant', async () => {
    const { produce, call } = await twoTenants();
    const foreign = await produce('token-b', { id: 'b-x', tenantid: 'tenant-a' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.issues[0].path).toBe('tenantid');
    const all = await call('GET', '/v1/topics/orders/partitions/0/events', { token: 'token-operator' });
    expect(
      all.body.events.map((e: { event: { id: string; tenantid: string } }) => [e.event.id, e.event.tenantid]),
    ).toEqual([
      ['a-1', 'tenant-a'],
      ['b-1', 'tenant-b'],
      ['a-2', 'tenant-a'],
    ]);
  });

  it("hides another tenant's events from partition reads", async () => {
    const { call } = await twoTenants();
    const asB = await call('GET', '/v1/topics/orders/partitions/0/events', { token: 'token-b' });
    expect(ids(asB.body.events)).toEqual(['b-1']);
    expect(asB.body.nextOffset).toBe('3'); // B still moves past A's records
    const asA = await call('GET', '/v1/topics/orders/partitions/0/events', { token: 'token-a' });
    expect(ids(asA.body.events)).toEqual(['a-1', 'a-2']);
  });

  it("hides another tenant's events from group fetches", async () => {
    const { call } = await twoTenants();
    const joined = await call('POST', '/v1/groups/g/members', {
      json: { topics: ['orders'], from: 'earliest' },
      token: 'token-b',
    });
    const fetched = await call('POST', `/v1/groups/g/members/${joined.body.memberId}/fetch`, {
      json: { waitMs: 2000 },
      token: 'token-b',
    });
    expect(ids(fetched.body.events)).toEqual(['b-1']);
    expect(fetched.body.nextOffsets).toEqual([{ topic: 'orders', partition: 0, offset: '3' }]);
    const stolen = await call('POST', `/v1/groups/g/members/${joined.body.memberId}/fetch`, {
      json: {},
      token: 'token-a',
    });
    expect(stolen.status).toBe(403);
  });

  it("hides another tenant's events from tails and refuses to tail another tenant", async () => {
    const { request, call } = await twoTenants();
    const response = await request('GET', '/v1/topics/orders/tail?from=earliest', { token: 'token-b' });
    const stream = new SseReader(response);
    expect((await stream.nextEvent()).event.id).toBe('b-1');
    await stream.cancel();
    const other = await call('GET', '/v1/topics/orders/tail?tenant=tenant-a', { token: 'token-b' });
    expect(other.status).toBe(403);
  });

  it('keeps store streams and the global log per tenant', async () => {
    const { call } = await twoTenants();
    const appended = await call('POST', '/v1/streams/order-1/events', {
      json: { events: [cloudEvent({ id: 's-a' })] },
      token: 'token-a',
    });
    expect(appended.status).toBe(201);
    expect((await call('GET', '/v1/streams/order-1', { token: 'token-b' })).body.events).toEqual([]);
    expect((await call('GET', '/v1/events', { token: 'token-b' })).body.events).toEqual([]);
    expect(ids((await call('GET', '/v1/streams/order-1', { token: 'token-a' })).body.events)).toEqual([
      's-a',
    ]);
    expect((await call('GET', '/v1/streams/order-1?tenant=tenant-a', { token: 'token-b' })).status).toBe(403);
    const foreign = await call('POST', '/v1/streams/order-1/events', {
      json: { events: [cloudEvent({ tenantid: 'tenant-a' })] },
      token: 'token-b',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.issues[0].path).toBe('events.0.tenantid');
    const operator = await call('GET', '/v1/streams/order-1?tenant=tenant-a', { token: 'token-operator' });
    expect(ids(operator.body.events)).toEqual(['s-a']);
  });

  it("hides another tenant's dead letters and re-drives only the caller's", async () => {
    const server = await twoTenants();
    await deadLetter(server, plainEvent('dl-a', 'order.placed', 'tenant-a'), 0n);
    await deadLetter(server, plainEvent('dl-b', 'order.placed', 'tenant-b'), 1n);
    const { call } = server;
    const listed = await call('GET', '/v1/groups/billing/dead-letters', { token: 'token-b' });
    expect(ids(listed.body.deadLetters)).toEqual(['dl-b']);
    expect((await call('GET', '/v1/groups/billing/dead-letters/0:0', { token: 'token-b' })).status).toBe(404);
    const redriven = await call('POST', '/v1/groups/billing/dead-letters/redrive', {
      json: {},
      token: 'token-b',
    });
    expect(redriven.body).toEqual({ redriven: 1 });
    const left = await call('GET', '/v1/groups/billing/dead-letters', { token: 'token-operator' });
    expect(ids(left.body.deadLetters)).toEqual(['dl-a']);
  });

  it('answers 401 without a key and 403 without the permission', async () => {
    const { call } = await twoTenants();
    const anonymous = await call('GET', '/v1/topics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    const readOnly = await call('POST', '/v1/topics/orders/events', {
      headers: STRUCTURED,
      body: JSON.stringify(cloudEvent()),
      token: 'token-reader',
    });
    expect(readOnly.status).toBe(403);
    expect((await call('DELETE', '/v1/topics/orders', { token: 'token-reader' })).status).toBe(403);
    expect((await call('GET', '/healthz')).status).toBe(200);
  });
});
