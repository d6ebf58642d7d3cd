/** Topics: list, create, describe, delete. */
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { emptyResponse, jsonResponse } from '../http/json.js';
import { requirePermission } from '../http/security.js';
import type { RouteRegistry } from '../openapi/registry.js';
import { TopicDescriptionSchema, topicName } from '../openapi/schemas.js';

export const TopicParams = z.object({ topic: topicName });

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number().int(`expected an integer from ${min} to ${max}`).min(min).max(max);

export const CreateTopicBody = z.strictObject({
  name: topicName,
  partitions: int(1, 10_000).optional(),
  retentionMs: int(-1).optional().describe('-1 keeps records forever'),
  retentionBytes: int(-1).optional().describe('-1: unbounded'),
  segmentBytes: int(1024, 2 ** 31 - 1).optional(),
  maxMessageBytes: int(64, 2 ** 30).optional(),
  fsync: z.enum(['always', 'interval', 'never']).optional(),
  fsyncIntervalMs: int(1).optional(),
});

export function registerTopicRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  const { bus } = deps;

  registry.add({
    method: 'get',
    path: '/v1/topics',
    operationId: 'listTopics',
    summary: 'List topics (those the caller may produce to or consume from)',
    tag: 'topics',
    responses: {
      200: { description: 'The topics', schema: z.object({ topics: z.array(TopicDescriptionSchema) }) },
    },
    handler: async ({ principal }) => {
      const topics = await bus.log.listTopics();
      const visible = topics.filter(
        (t) =>
          principal.can('consume', t.name) ||
          principal.can('produce', t.name) ||
          principal.can('admin', t.name),
      );
      return jsonResponse({ topics: visible });
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/topics',
    operationId: 'createTopic',
    summary: 'Create a topic',
    tag: 'topics',
    body: CreateTopicBody,
    responses: {
      201: { description: 'The created topic', schema: TopicDescriptionSchema },
      409: { description: 'The topic exists (TOPIC_EXISTS)' },
    },
    handler: async ({ body, principal }) => {
      requirePermission(principal, 'admin', body.name);
      const { name, ...config } = body;
      const created = await bus.createTopic(name, withoutUndefined(config));
      await deps.audit(principal, 'topic.create', { topic: name, config });
      return jsonResponse(created, 201);
    },
  });

  registry.add({
    method: 'get',
    path: '/v1/topics/{topic}',
    operationId: 'describeTopic',
    summary: 'Describe a topic: config and partitions with their offsets',
    tag: 'topics',
    params: TopicParams,
    responses: {
      200: { description: 'The topic', schema: TopicDescriptionSchema },
      404: { description: 'No such topic (UNKNOWN_TOPIC)' },
    },
    handler: async ({ params, principal }) => {
      if (!principal.can('consume', params.topic) && !principal.can('produce', params.topic)) {
        requirePermission(principal, 'admin', params.topic);
      }
      return jsonResponse(await bus.log.describeTopic(params.topic));
    },
  });

  registry.add({
    method: 'delete',
    path: '/v1/topics/{topic}',
    operationId: 'deleteTopic',
    summary: 'Delete a topic and its data',
    tag: 'topics',
    params: TopicParams,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such topic (UNKNOWN_TOPIC)' },
    },
    handler: async ({ params, principal }) => {
      requirePermission(principal, 'admin', params.topic);
      await bus.log.deleteTopic(params.topic);
      await deps.audit(principal, 'topic.delete', { topic: params.topic });
      return emptyResponse();
    },
  });
}

/** The object without its undefined members (the log's config check rejects explicit undefined). */
export function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
