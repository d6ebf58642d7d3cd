import { describe, expect, it } from 'vitest';
import { testServer } from '../http/test-support/harness.js';

describe('topics over HTTP', () => {
  it('creates, lists, describes and deletes a topic, offsets as decimal strings', async () => {
    const { call } = testServer();
    const created = await call('POST', '/v1/topics', { json: { name: 'orders', partitions: 3 } });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('orders');
    expect(created.body.partitions).toHaveLength(3);
    expect(created.body.partitions[0].latestOffset).toBe('0');

    const listed = await call('GET', '/v1/topics');
    expect(listed.body.topics.map((t: { name: string }) => t.name)).toEqual(['orders']);

    const described = await call('GET', '/v1/topics/orders');
    expect(described.status).toBe(200);
    expect(described.body.config.partitions).toBe(3);

    expect((await call('DELETE', '/v1/topics/orders')).status).toBe(204);
    const gone = await call('GET', '/v1/topics/orders');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('UNKNOWN_TOPIC');
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 409 TOPIC_EXISTS for a second create', async () => {
    const { call } = testServer();
    await call('POST', '/v1/topics', { json: { name: 'orders' } });
    const again = await call('POST', '/v1/topics', { json: { name: 'orders' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TOPIC_EXISTS');
  });

  it('rejects a bad config naming the field', async () => {
    const { call } = testServer();
    const bad = await call('POST', '/v1/topics', {
      json: { name: 'orders', partitions: 0, fsync: 'sometimes' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['fsync', 'partitions']);
  });

  it('rejects unknown config fields and bad names', async () => {
    const { call } = testServer();
    const unknown = await call('POST', '/v1/topics', { json: { name: 'orders', partitons: 3 } });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('partitons');
    const badName = await call('POST', '/v1/topics', { json: { name: 'bad name!' } });
    expect(badName.status).toBe(400);
    expect(badName.body.issues[0].path).toBe('name');
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const { call } = testServer();
    const response = await call('PUT', '/v1/topics');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 404 as a problem for an unknown route', async () => {
    const { call } = testServer();
    const response = await call('GET', '/v2/nothing');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ status: 404, code: 'NOT_FOUND', title: 'Not Found' });
  });
});
