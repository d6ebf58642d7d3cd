/** Producing: the CloudEvents HTTP binding (binary, structured, batch) onto a topic. */
import type { BatchEntry, Bus, CloudEvent, PublishResult } from '@tributary/core';
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { BATCH_CONTENT_TYPE, receiveEvents, STRUCTURED_CONTENT_TYPE } from '../http/cloudevents-http.js';
import { jsonResponse } from '../http/json.js';
import { requirePermission } from '../http/security.js';
import { stampTenant } from '../http/tenancy.js';
import type { RouteRegistry } from '../openapi/registry.js';
import { integerText, StructuredEventSchema, topicName } from '../openapi/schemas.js';

const ProduceQuery = z.object({
  key: z.string().min(1).max(4096).optional().describe("record key; default: each event's partitionkey"),
  partition: integerText(0, 9999).optional().describe('explicit partition (overrides the key)'),
  delayMs: integerText(0, 10 * 365 * 24 * 3600 * 1000)
    .optional()
    .describe('deliver this many ms from now (a scheduled publish)'),
});

const ProduceResult = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      partition: z.number().int(),
      offset: z.string(),
      scheduledId: z.string().optional(),
      deliverAt: z.string().optional(),
    }),
  ),
});

type ProduceOptions = z.output<typeof ProduceQuery>;

export function registerProduceRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  registry.add({
    method: 'post',
    path: '/v1/topics/{topic}/events',
    operationId: 'produce',
    summary: 'Publish events (CloudEvents HTTP binding: binary, structured or batch mode)',
    description:
      'Binary mode: ce-specversion, ce-id, ce-source, ce-type (and other ce-*) headers, the body is the data and Content-Type its datacontenttype. Structured: Content-Type application/cloudevents+json. Batch: application/cloudevents-batch+json (an array). A missing time is set to now. Resolves once durable.',
    tag: 'events',
    params: z.object({ topic: topicName }),
    query: ProduceQuery,
    rawBody: {
      description: 'The event(s)',
      content: {
        [STRUCTURED_CONTENT_TYPE]: StructuredEventSchema,
        [BATCH_CONTENT_TYPE]: z.array(StructuredEventSchema).min(1),
        '*/*': undefined,
      },
    },
    responses: {
      201: { description: 'Where each event was appended, in request order', schema: ProduceResult },
      404: { description: 'No such topic (UNKNOWN_TOPIC)' },
      413: { description: 'The body or a record is too large' },
    },
    handler: async ({ params, query, bodyBytes, principal, request }) => {
      requirePermission(principal, 'produce', params.topic);
      const { events } = receiveEvents(request.headers, bodyBytes);
      const stamped = events.map((event, i) =>
        stampTenant(event, principal, events.length > 1 ? `${i}.tenantid` : 'tenantid'),
      );
      const results = await publishAll(deps.bus, params.topic, stamped, query);
      deps.metrics.recordPublished(params.topic, results.length);
      return jsonResponse({ results: results.map((r, i) => resultJson(stamped[i]!, r)) }, 201);
    },
  });
}

async function publishAll(
  bus: Bus,
  topic: string,
  events: readonly CloudEvent[],
  options: ProduceOptions,
): Promise<PublishResult[]> {
  const schedule = options.delayMs === undefined ? {} : { delayMs: options.delayMs };
  const single = {
    topic,
    ...schedule,
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.partition === undefined ? {} : { partition: options.partition }),
  };
  if (events.length === 1) return [await bus.publish(events[0]!, single)];
  if (options.partition !== undefined) {
    // publishBatch places by key; an explicit partition goes event by event, in order.
    const results: PublishResult[] = [];
    for (const event of events) results.push(await bus.publish(event, single));
    return results;
  }
  const entries: BatchEntry[] = events.map((event) => ({
    event,
    ...schedule,
    ...(options.key === undefined ? {} : { key: options.key }),
  }));
  return bus.publishBatch(entries, { topic });
}

function resultJson(event: CloudEvent, result: PublishResult): object {
  return {
    id: event.id,
    partition: result.partition,
    offset: result.offset,
    ...(result.scheduledId === undefined ? {} : { scheduledId: result.scheduledId }),
    ...(result.deliverAt === undefined ? {} : { deliverAt: result.deliverAt.toISOString() }),
  };
}
