/** Liveness, readiness, the OpenAPI document and the Prometheus metrics. */
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { jsonResponse } from '../http/json.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import type { RouteRegistry } from '../openapi/registry.js';

const Status = z.object({ status: z.string() });
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function registerHealthRoutes(registry: RouteRegistry, deps: RouteDeps, version: string): void {
  registry.add({
    method: 'get',
    path: '/healthz',
    operationId: 'live',
    summary: 'Liveness: the process answers',
    tag: 'operations',
    authenticated: false,
    responses: { 200: { description: 'Alive', schema: Status } },
    handler: () => jsonResponse({ status: 'ok' }),
  });

  registry.add({
    method: 'get',
    path: '/readyz',
    operationId: 'ready',
    summary: 'Readiness: the log (and event store) answer and the server is not shutting down',
    tag: 'operations',
    authenticated: false,
    responses: {
      200: { description: 'Ready', schema: Status },
      503: { description: 'Not ready', schema: Status.extend({ reason: z.string() }) },
    },
    handler: async () => {
      if (deps.lifecycle.closing)
        return jsonResponse({ status: 'unavailable', reason: 'shutting down' }, 503);
      try {
        await deps.bus.log.listTopics();
        await deps.store?.headPosition();
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return jsonResponse({ status: 'unavailable', reason }, 503);
      }
      return jsonResponse({ status: 'ok' });
    },
  });

  registry.add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'operations',
    authenticated: false,
    responses: { 200: { description: 'The OpenAPI document' } },
    handler: () => jsonResponse(buildOpenApiDocument(registry.routes, version)),
  });

  registry.add({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (text exposition); needs any valid API key when auth is on',
    tag: 'operations',
    responses: { 200: { description: 'Metrics', contentType: PROMETHEUS_CONTENT_TYPE } },
    handler: async () =>
      new Response(await deps.metrics.render(), { headers: { 'content-type': deps.metrics.contentType } }),
  });
}
