// Garbage to every endpoint: the answer is always a 4xx problem naming what is wrong, never a 500.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cloudEvent, type TestServer, testServer } from './http/test-support/harness.js';
import type { RecordedRoute } from './openapi/route-types.js';

const GOOD_PARAMS: Record<string, string> = {
  topic: 'orders',
  partition: '0',
  group: 'g',
  memberId: 'm-1',
  stream: 'order-1',
  at: '0:0',
};
const BAD_PARAM_VALUES = [
  '%00',
  'bad topic!',
  '..',
  '-1',
  '99999999999999999999999',
  '%E2%28%A1',
  'x'.repeat(600),
];
const BAD_QUERY_VALUES = [
  '',
  '-1',
  'abc',
  '1e99',
  '%00',
  '99999999999999999999999',
  'earliest,latest',
  '0x10',
];
const BAD_BODIES: (string | Uint8Array)[] = [
  '',
  'not json',
  '{"a":',
  'null',
  '123',
  '"text"',
  '[]',
  '[null, 1, "x"]',
  '{}',
  '{"__proto__": {"polluted": true}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  JSON.stringify({
    name: 7,
    topics: 'orders',
    events: {},
    offsets: [{}],
    filter: [],
    to: {},
    maxRecords: -1,
  }),
  JSON.stringify(cloudEvent({ specversion: '0.3', time: 'yesterday' })),
  JSON.stringify([cloudEvent(), 5]),
  new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
];
const CONTENT_TYPES = [
  'application/json',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/cloudevents+avro',
  'text/plain',
];

function pathOf(route: RecordedRoute, params: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x');
}

function queryNames(route: RecordedRoute): string[] {
  return route.query instanceof z.ZodObject ? Object.keys(route.query.shape) : [];
}

async function expectNoServerError(server: TestServer, method: string, path: string, init: RequestInit = {}) {
  const response = await server.server.fetch(new Request(`http://test${path}`, { method, ...init }));
  const where = `${method} ${path} ${JSON.stringify(init.headers ?? {})}`;
  expect(response.status, where).toBeLessThan(500);
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return;
  }
  const text = await response.text();
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), where).toBe('application/problem+json');
    const problem = JSON.parse(text);
    expect(problem, where).toMatchObject({
      status: response.status,
      code: expect.any(String),
      detail: expect.any(String),
    });
    if (problem.status === 400 && problem.code === 'INVALID_REQUEST')
      expect(problem.issues?.length, where).toBeGreaterThan(0);
  }
}

describe('bad input to every endpoint', () => {
  it('answers garbage path parameters, query strings and bodies with 4xx problems, never a 500', async () => {
    const server = testServer();
    await server.call('POST', '/v1/topics', { json: { name: 'orders' } });
    const routes = server.server.routes;
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const route of routes) {
      const method = route.method.toUpperCase();
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        const param = name.slice(1, -1);
        for (const bad of BAD_PARAM_VALUES) {
          await expectNoServerError(server, method, pathOf(route, { ...GOOD_PARAMS, [param]: bad }));
        }
      }
      const path = pathOf(route, GOOD_PARAMS);
      for (const name of queryNames(route)) {
        for (const bad of BAD_QUERY_VALUES)
          await expectNoServerError(server, method, `${path}?${name}=${bad}`);
      }
      if (method === 'GET' || method === 'DELETE') continue;
      for (const body of BAD_BODIES) {
        for (const contentType of CONTENT_TYPES) {
          await expectNoServerError(server, method, path, { body, headers: { 'content-type': contentType } });
        }
      }
    }
  });

  it('answers malformed binary-mode events with problems naming the header', async () => {
    const server = testServer();
    await server.call('POST', '/v1/topics', { json: { name: 'orders' } });
    const headers: Record<string, string>[] = [
      { 'ce-specversion': '2.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' },
      { 'ce-specversion': '1.0', 'ce-id': '%ZZ', 'ce-source': '/s', 'ce-type': 't' },
      { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'ce-time': 'noon' },
      {
        'ce-specversion': '1.0',
        'ce-id': '1',
        'ce-source': '/s',
        'ce-type': 't',
        'content-type': 'application/json',
      },
    ];
    const expected = ['ce-specversion', 'ce-id', 'ce-time', 'data'];
    for (const [i, h] of headers.entries()) {
      const response = await server.call('POST', '/v1/topics/orders/events', {
        headers: h,
        body: '{not json',
      });
      expect(response.status).toBe(400);
      expect(response.body.issues.map((issue: { path: string }) => issue.path)).toContain(expected[i]);
    }
  });
});
