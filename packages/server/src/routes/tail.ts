/**
 * Tailing a topic as Server-Sent Events: `event: cloudevent`, `id: <partition>:<offset>`, data =
 * `{ topic, partition, offset, key, timestamp, event }` (the event in the CloudEvents JSON format).
 * A `: ready` comment follows once every partition's start offset is known.
 *
 * Slow clients: nothing is dropped and nothing piles up. Each partition reads the log only as
 * fast as the client takes events, so a stream holds at most one fetch per partition in memory;
 * a client that stops reading just stops its own stream. The stream ends when the client
 * disconnects, the topic is deleted, or the server shuts down.
 */
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { requirePermission } from '../http/security.js';
import { SseStream } from '../http/tail/sse-stream.js';
import { tailTopic } from '../http/tail/tail-topic.js';
import { effectiveTenant } from '../http/tenancy.js';
import type { RouteRegistry } from '../openapi/registry.js';
import { commaList, topicName } from '../openapi/schemas.js';

const TailQuery = z.object({
  type: commaList.optional().describe('only these event types (comma-separated)'),
  key: z.string().min(1).optional().describe('only records with this key'),
  tenant: z.string().min(1).optional().describe('only events of this tenant'),
  from: z.enum(['latest', 'earliest']).optional().describe('default latest'),
});

export function registerTailRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  registry.add({
    method: 'get',
    path: '/v1/topics/{topic}/tail',
    operationId: 'tailTopic',
    summary: 'Follow a topic as Server-Sent Events, optionally filtered by type, key and tenant',
    tag: 'events',
    params: z.object({ topic: topicName }),
    query: TailQuery,
    responses: {
      200: { description: 'An event stream (event: cloudevent)', contentType: 'text/event-stream' },
      404: { description: 'No such topic (UNKNOWN_TOPIC)' },
    },
    handler: async ({ params, query, principal, request, dropConnection }) => {
      requirePermission(principal, 'consume', params.topic);
      const tenant = effectiveTenant(principal, query.tenant);
      await deps.bus.log.describeTopic(params.topic); // a 404 now, rather than an empty stream
      const sse = new SseStream(dropConnection);
      const signal = AbortSignal.any([sse.signal, request.signal, deps.lifecycle.signal]);
      // Closing at once (not after the loop) also ends a stream stalled on a client that stopped reading.
      signal.addEventListener('abort', () => void sse.close(), { once: true });
      const heartbeat = startHeartbeat(sse, deps.tail.heartbeatMs);
      const run = tailTopic({
        log: deps.bus.log,
        topic: params.topic,
        from: query.from ?? 'latest',
        filter: {
          ...(query.type === undefined ? {} : { types: new Set(query.type) }),
          ...(query.key === undefined ? {} : { key: query.key }),
          ...(tenant === undefined ? {} : { tenant }),
        },
        maxBytesPerFetch: deps.tail.maxBytesPerFetch,
        signal,
        send: (item) => {
          deps.metrics.recordConsumed(params.topic, undefined);
          return sse.send('cloudevent', item, `${item.partition}:${item.offset}`);
        },
        onReady: () => sse.comment('ready'),
      })
        .catch((err: unknown) => {
          deps.logger.error({ err, topic: params.topic }, 'tail failed');
        })
        .finally(() => {
          clearInterval(heartbeat);
          return sse.close();
        });
      void deps.lifecycle.track(run);
      return sse.response;
    },
  });
}

/** A comment every `ms` while the stream is quiet; at most one in flight (a stalled client gets no backlog). */
function startHeartbeat(sse: SseStream, ms: number): NodeJS.Timeout {
  let pending = false;
  const timer = setInterval(() => {
    if (pending) return;
    pending = true;
    void sse.comment('keep-alive').finally(() => {
      pending = false;
    });
  }, ms);
  timer.unref();
  return timer;
}
