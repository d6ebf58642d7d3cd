import { describe, expect, it } from 'vitest';
import { testServer } from '../http/test-support/harness.js';

describe('operations endpoints', () => {
  it('reports liveness and readiness, and not ready while shutting down', async () => {
    const { call, server } = testServer();
    expect((await call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call('GET', '/readyz')).body).toEqual({ status: 'ok' });
    await server.close();
    const closing = await call('GET', '/readyz');
    expect(closing.status).toBe(503);
    const refused = await call('GET', '/v1/topics');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('SHUTTING_DOWN');
  });

  it('reports not ready when the log is closed', async () => {
    const { call, bus } = testServer();
    await bus.close();
    const response = await call('GET', '/readyz');
    expect(response.status).toBe(503);
    expect(response.body.reason).toMatch(/closed/i);
  });

  it('serves an OpenAPI 3.1 document built from the validation schemas', async () => {
    const { call, server } = testServer();
    const { body: doc } = await call('GET', '/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    for (const route of server.routes)
      expect(doc.paths[route.path]?.[route.method]?.operationId).toBe(route.operationId);
    const createTopic = doc.paths['/v1/topics'].post;
    const schema = createTopic.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['name']);
    expect(schema.properties.partitions).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000 });
    expect(schema.additionalProperties).toBe(false);
    const fetch = doc.paths['/v1/topics/{topic}/partitions/{partition}/events'].get;
    expect(fetch.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:topic',
      'path:partition',
      'query:offset',
      'query:maxRecords',
      'query:maxBytes',
      'query:waitMs',
    ]);
    expect(fetch.responses.default.content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/Problem',
    );
    const produce = doc.paths['/v1/topics/{topic}/events'].post.requestBody.content;
    expect(Object.keys(produce)).toEqual([
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      '*/*',
    ]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });

  it('serves Prometheus metrics', async () => {
    const { call } = testServer();
    const response = await call('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
  });
});
