/**
 * The event store over HTTP (when the server has one): read a stream, append with an expected
 * version (409 with `expected` and `actual` on a conflict), read the global log. A principal
 * confined to a tenant reads and writes its tenant's streams only.
 */
import type { CloudEvent, EventStore, ExpectedVersion, RecordedEvent } from '@tributary/core';
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { decodeStructured } from '../http/cloudevents-http.js';
import { structuredEvent } from '../http/event-json.js';
import { jsonResponse } from '../http/json.js';
import { badRequest, HttpProblem } from '../http/problem.js';
import { requirePermission } from '../http/security.js';
import { effectiveTenant, stampTenant } from '../http/tenancy.js';
import type { RouteRegistry } from '../openapi/registry.js';
import { commaList, decimalBigint, integerText, StructuredEventSchema } from '../openapi/schemas.js';

const name = (what: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(512, 'must be at most 512 characters')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is rejected
    .regex(/^[^\u0000-\u001f\u007f]+$/, `a ${what} must not contain control characters`);

const StreamParams = z.object({ stream: name('stream name') });
const TenantQuery = {
  tenant: name('tenant').optional().describe("the tenant's streams (default: the caller's)"),
};

const RecordedSchema = z.object({
  stream: z.string(),
  tenant: z.string(),
  version: z.string(),
  position: z.string(),
  recordedAt: z.string(),
  event: StructuredEventSchema,
});

const ExpectedVersionSchema = z.union(
  [
    z.enum(['any', 'no_stream', 'stream_exists']),
    decimalBigint,
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(BigInt),
  ],
  { error: 'expected "any", "no_stream", "stream_exists" or a version (a decimal integer >= 0)' },
);

const AppendBody = z.strictObject({
  events: z
    .array(z.record(z.string(), z.unknown()), { error: 'expected an array of events' })
    .min(1)
    .max(1000),
  expectedVersion: ExpectedVersionSchema.optional().describe('default "any"'),
});

export function registerStoreRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  const storeOf = (): EventStore => {
    if (deps.store !== undefined) return deps.store;
    throw new HttpProblem(
      404,
      'NO_EVENT_STORE',
      'This server runs without an event store; start it with one to use /v1/streams and /v1/events.',
    );
  };

  registry.add({
    method: 'get',
    path: '/v1/streams/{stream}',
    operationId: 'readStream',
    summary: "Read a stream's events in version order",
    tag: 'event-store',
    params: StreamParams,
    query: z.object({
      fromVersion: decimalBigint.optional(),
      maxCount: integerText(1, 10_000).optional().describe('default 1000'),
      direction: z.enum(['forward', 'backward']).optional(),
      ...TenantQuery,
    }),
    responses: {
      200: {
        description: 'The events',
        schema: z.object({ stream: z.string(), events: z.array(RecordedSchema) }),
      },
      410: { description: 'The stream was hard-deleted (STREAM_DELETED)' },
    },
    handler: async ({ params, query, principal }) => {
      requirePermission(principal, 'consume');
      const tenant = effectiveTenant(principal, query.tenant);
      const events = await storeOf().readStream(params.stream, {
        maxCount: query.maxCount ?? 1000,
        ...(tenant === undefined ? {} : { tenant }),
        ...(query.fromVersion === undefined ? {} : { fromVersion: query.fromVersion }),
        ...(query.direction === undefined ? {} : { direction: query.direction }),
      });
      return jsonResponse({ stream: params.stream, events: events.map(recordedJson) });
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/streams/{stream}/events',
    operationId: 'appendToStream',
    summary: 'Append events to a stream, checking the expected version',
    tag: 'event-store',
    params: StreamParams,
    query: z.object(TenantQuery),
    body: AppendBody,
    responses: {
      201: {
        description: 'Appended',
        schema: z.object({ nextExpectedVersion: z.string(), position: z.string() }),
      },
      409: { description: 'WRONG_EXPECTED_VERSION (with expected and actual) or DUPLICATE_EVENT_ID' },
      410: { description: 'The stream was hard-deleted (STREAM_DELETED)' },
    },
    handler: async ({ params, query, body, principal }) => {
      requirePermission(principal, 'produce');
      const tenant = effectiveTenant(principal, query.tenant);
      const events = decodeEvents(body.events).map((event, i) =>
        stampTenant(event, principal, `events.${i}.tenantid`),
      );
      const expectedVersion: ExpectedVersion = body.expectedVersion ?? 'any';
      const result = await storeOf().appendToStream(params.stream, events, {
        expectedVersion,
        ...(tenant === undefined ? {} : { tenant }),
      });
      return jsonResponse(result, 201);
    },
  });

  registry.add({
    method: 'get',
    path: '/v1/events',
    operationId: 'readAll',
    summary: 'Read the global log of the event store in position order',
    tag: 'event-store',
    query: z.object({
      after: decimalBigint.optional().describe('exclusive lower bound of positions; default 0'),
      maxCount: integerText(1, 10_000).optional().describe('default 1000'),
      types: commaList.optional().describe('only these event types (comma-separated)'),
      ...TenantQuery,
    }),
    responses: {
      200: {
        description: 'Events, and the position to read after next',
        schema: z.object({ events: z.array(RecordedSchema), lastPosition: z.string() }),
      },
    },
    handler: async ({ query, principal }) => {
      requirePermission(principal, 'consume');
      const tenant = effectiveTenant(principal, query.tenant);
      const after = query.after ?? 0n;
      const events = await storeOf().readAll({
        after,
        maxCount: query.maxCount ?? 1000,
        ...(tenant === undefined ? {} : { tenant }),
        ...(query.types === undefined ? {} : { types: query.types }),
      });
      const last = events[events.length - 1];
      return jsonResponse({ events: events.map(recordedJson), lastPosition: last?.position ?? after });
    },
  });
}

function decodeEvents(objects: readonly Record<string, unknown>[]): CloudEvent[] {
  const issues: { path: string; message: string }[] = [];
  const events: CloudEvent[] = [];
  const now = new Date().toISOString();
  objects.forEach((object, i) => {
    try {
      const withTime = object.time === undefined || object.time === null ? { ...object, time: now } : object;
      events.push(decodeStructured(withTime, (path) => `events.${i}.${path}`));
    } catch (err) {
      if (!(err instanceof HttpProblem) || err.issues === undefined) throw err;
      issues.push(...err.issues);
    }
  });
  if (issues.length > 0) {
    throw badRequest(
      `Events are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
      issues,
    );
  }
  return events;
}

function recordedJson(recorded: RecordedEvent): object {
  return {
    stream: recorded.stream,
    tenant: recorded.tenant,
    version: recorded.version,
    position: recorded.position,
    recordedAt: recorded.recordedAt.toISOString(),
    event: structuredEvent(recorded.event),
  };
}
