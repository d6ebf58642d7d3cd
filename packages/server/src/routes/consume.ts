/** Reading one partition by offset (no consumer group). */
import { isTributaryError } from '@tributary/core';
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { recordItem } from '../http/event-json.js';
import { jsonResponse } from '../http/json.js';
import { HttpProblem } from '../http/problem.js';
import { requirePermission } from '../http/security.js';
import { canSeeRecord } from '../http/tenancy.js';
import type { RouteRegistry } from '../openapi/registry.js';
import { decimalBigint, EventItemSchema, integerText, partitionText, topicName } from '../openapi/schemas.js';

/** How long a fetch may wait for records at most. */
export const MAX_WAIT_MS = 30_000;

const FetchQuery = z.object({
  offset: z
    .union([z.literal('earliest'), z.literal('latest'), decimalBigint], {
      error: 'expected "earliest", "latest" or a decimal offset',
    })
    .optional()
    .describe('where to start: an offset, "earliest" (default) or "latest"'),
  maxRecords: integerText(1, 10_000).optional().describe('default 500'),
  maxBytes: integerText(1, 16 * 1024 * 1024)
    .optional()
    .describe('soft limit, default 1 MiB'),
  waitMs: integerText(0, MAX_WAIT_MS).optional().describe('wait this long for records at the end; default 0'),
});

const FetchResponse = z.object({
  events: z.array(EventItemSchema),
  nextOffset: z.string().describe('the offset to fetch next'),
  highWatermark: z.string().describe("the partition's latest offset"),
});

export function registerConsumeRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  const { log } = deps.bus;
  registry.add({
    method: 'get',
    path: '/v1/topics/{topic}/partitions/{partition}/events',
    operationId: 'fetchPartition',
    summary: 'Read events of one partition from an offset',
    tag: 'events',
    params: z.object({ topic: topicName, partition: partitionText }),
    query: FetchQuery,
    responses: {
      200: { description: 'Events in offset order, and where to continue', schema: FetchResponse },
      404: { description: 'No such topic or partition' },
    },
    handler: async ({ params, query, principal, request }) => {
      const { topic, partition } = params;
      requirePermission(principal, 'consume', topic);
      const from = query.offset ?? 'earliest';
      const offset =
        from === 'earliest'
          ? await log.earliestOffset(topic, partition)
          : from === 'latest'
            ? await log.latestOffset(topic, partition)
            : from;
      const signal = AbortSignal.any([request.signal, deps.lifecycle.signal]);
      const result = await log
        .fetch(topic, partition, offset, {
          maxRecords: query.maxRecords ?? 500,
          maxBytes: query.maxBytes ?? 1024 * 1024,
          maxWaitMs: query.waitMs ?? 0,
          signal,
        })
        .catch((err: unknown) => {
          if (!isTributaryError(err, 'OFFSET_OUT_OF_RANGE')) throw err;
          throw new HttpProblem(400, err.code, err.message, [
            { path: 'offset', message: 'outside the retained range of the partition' },
          ]);
        });
      const events = result.records
        .filter((record) => canSeeRecord(principal, record.headers))
        .map((record) => recordItem(topic, partition, record));
      if (events.length > 0) deps.metrics.recordConsumed(topic, undefined, events.length);
      return jsonResponse({ events, nextOffset: result.nextOffset, highWatermark: result.highWatermark });
    },
  });
}
