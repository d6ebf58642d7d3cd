/**
 * Consumer-group membership over HTTP, for clients in other languages: join, fetch (also the
 * heartbeat), commit, leave. A member that does not fetch for longer than its session timeout is
 * removed and its partitions go to the other members. Delivery is at least once: what a member
 * fetched but did not commit is read again by the partition's next owner.
 */
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { emptyResponse, jsonResponse } from '../http/json.js';
import { requirePermission } from '../http/security.js';
import type { RouteRegistry } from '../openapi/registry.js';
import {
  bigintInput,
  EventItemSchema,
  groupName,
  OffsetSchema,
  TopicPartitionSchema,
  topicName,
} from '../openapi/schemas.js';
import { MAX_WAIT_MS } from './consume.js';

const GroupParams = z.object({ group: groupName });
const MemberParams = z.object({ group: groupName, memberId: z.string().min(1).max(100) });

const JoinBody = z.strictObject({
  topics: z.array(topicName).min(1, 'name at least one topic').max(100),
  clientId: z
    .string()
    .regex(/^[\w.-]{1,100}$/, 'use 1 to 100 letters, digits, ".", "_" or "-"')
    .optional(),
  from: z
    .enum(['earliest', 'latest'])
    .optional()
    .describe('where to start on partitions without a committed offset; default latest'),
  sessionTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .optional()
    .describe("remove the member after this long without a fetch; default the server's"),
});

const FetchBody = z.strictObject({
  maxRecords: z.number().int().min(1).max(10_000).optional().describe('default 500'),
  waitMs: z
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_MS)
    .optional()
    .describe('wait this long for events; default 0'),
});

const CommitBody = z.strictObject({
  offsets: z
    .array(
      z.strictObject({
        topic: topicName,
        partition: z.number().int().min(0).max(9999),
        offset: bigintInput.describe('the next offset to consume (last processed + 1)'),
      }),
    )
    .min(1, 'name at least one offset'),
});

export function registerGroupMemberRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  const { members } = deps;

  registry.add({
    method: 'post',
    path: '/v1/groups/{group}/members',
    operationId: 'joinGroup',
    summary: 'Join a consumer group as an HTTP member',
    tag: 'groups',
    params: GroupParams,
    body: JoinBody,
    responses: {
      201: {
        description: 'The member, holding its partitions',
        schema: z.object({
          memberId: z.string(),
          sessionTimeoutMs: z.number().int(),
          assignments: z.array(TopicPartitionSchema),
        }),
      },
      404: { description: 'A topic does not exist (UNKNOWN_TOPIC)' },
    },
    handler: async ({ params, body, principal, remoteAddress }) => {
      for (const topic of body.topics) requirePermission(principal, 'consume', topic);
      const sessionTimeoutMs = body.sessionTimeoutMs ?? deps.memberSessionTimeoutMs;
      const member = await members.join(
        {
          group: params.group,
          topics: [...new Set(body.topics)],
          clientId: body.clientId ?? 'http',
          host: remoteAddress ?? 'unknown',
          from: body.from ?? 'latest',
          sessionTimeoutMs,
        },
        principal,
      );
      return jsonResponse({ memberId: member.id, sessionTimeoutMs, assignments: member.assignment() }, 201);
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/groups/{group}/members/{memberId}/fetch',
    operationId: 'fetchAsMember',
    summary: "Fetch events from the member's partitions (also its heartbeat)",
    tag: 'groups',
    params: MemberParams,
    body: FetchBody,
    optionalBody: true,
    responses: {
      200: {
        description: 'Events, the current assignment, and the offsets that acknowledge them',
        schema: z.object({
          events: z.array(EventItemSchema),
          assignments: z.array(TopicPartitionSchema),
          nextOffsets: z.array(OffsetSchema),
        }),
      },
      404: { description: 'No such member (UNKNOWN_MEMBER): it left or timed out; join again' },
    },
    handler: async ({ params, body, principal, request }) => {
      const member = members.get(params.group, params.memberId, principal);
      const signal = AbortSignal.any([request.signal, deps.lifecycle.signal]);
      const fetched = await deps.lifecycle.track(
        member.fetch(body.maxRecords ?? 500, body.waitMs ?? 0, signal),
      );
      return jsonResponse(fetched);
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/groups/{group}/members/{memberId}/commit',
    operationId: 'commitAsMember',
    summary: 'Commit offsets of partitions the member holds',
    tag: 'groups',
    params: MemberParams,
    body: CommitBody,
    responses: {
      200: { description: 'Committed', schema: z.object({ committed: z.array(OffsetSchema) }) },
      409: { description: 'A partition is not (or no longer) assigned to the member (NOT_ASSIGNED)' },
    },
    handler: async ({ params, body, principal }) => {
      const member = members.get(params.group, params.memberId, principal);
      await member.commit(body.offsets);
      return jsonResponse({ committed: body.offsets });
    },
  });

  registry.add({
    method: 'delete',
    path: '/v1/groups/{group}/members/{memberId}',
    operationId: 'leaveGroup',
    summary: 'Leave the group; the partitions go to the other members',
    tag: 'groups',
    params: MemberParams,
    responses: { 204: { description: 'Left' } },
    handler: async ({ params, principal }) => {
      const member = members.get(params.group, params.memberId, principal);
      await members.leave(member, 'left');
      return emptyResponse();
    },
  });
}
