/** Consumer groups: list, describe (with lag), reset offsets (a dry run unless `execute`). */
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { describeGroup } from '../http/groups/describe-group.js';
import { executeReset, planReset, type ResetTarget } from '../http/groups/reset-offsets.js';
import { jsonResponse } from '../http/json.js';
import { HttpProblem } from '../http/problem.js';
import { requirePermission } from '../http/security.js';
import type { RouteRegistry } from '../openapi/registry.js';
import { bigintInput, groupName, topicName } from '../openapi/schemas.js';

const GroupParams = z.object({ group: groupName });
const nullableDecimal = z.string().nullable();

const GroupSchema = z.object({
  group: z.string(),
  state: z.enum(['Empty', 'Stable', 'Rebalancing']),
  generation: z.number().int().nullable(),
  assignor: z.string().nullable(),
  members: z.array(
    z.object({
      memberId: z.string(),
      clientId: z.string(),
      host: z.string(),
      topics: z.array(z.string()),
      partitions: z.array(z.object({ topic: z.string(), partition: z.number().int() })),
    }),
  ),
  partitions: z.array(
    z.object({
      topic: z.string(),
      partition: z.number().int(),
      currentOffset: nullableDecimal,
      logEndOffset: z.string(),
      lag: nullableDecimal,
      memberId: z.string().nullable(),
      host: z.string().nullable(),
      clientId: z.string().nullable(),
    }),
  ),
  totalLag: z.string(),
});

const signedBigint = z
  .union(
    [
      z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
      z.string().regex(/^-?\d{1,19}$/),
    ],
    {
      error: 'expected an integer (a number, or a decimal string)',
    },
  )
  .transform((value) => BigInt(value));

const ResetTo = z.union(
  [
    z.literal('earliest'),
    z.literal('latest'),
    z.strictObject({ datetime: z.iso.datetime({ offset: true }).transform((text) => new Date(text)) }),
    z.strictObject({ offset: bigintInput }),
    z.strictObject({ shiftBy: signedBigint }),
  ],
  { error: 'expected "earliest", "latest", { datetime }, { offset } or { shiftBy }' },
);

const ResetBody = z.strictObject({
  topic: topicName,
  to: ResetTo,
  partitions: z
    .array(z.number().int().min(0).max(9999))
    .min(1)
    .optional()
    .describe('default: every partition'),
  execute: z.boolean().optional().describe('commit the new offsets; default false (a dry run)'),
});

export function registerGroupRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  const { bus, members } = deps;

  registry.add({
    method: 'get',
    path: '/v1/groups',
    operationId: 'listGroups',
    summary: 'List consumer groups (with committed offsets or live HTTP members)',
    tag: 'groups',
    responses: { 200: { description: 'Group names', schema: z.object({ groups: z.array(z.string()) }) } },
    handler: async ({ principal }) => {
      requirePermission(principal, 'consume');
      const groups = new Set([...(await bus.log.listGroups()), ...members.groups()]);
      return jsonResponse({ groups: [...groups].sort() });
    },
  });

  registry.add({
    method: 'get',
    path: '/v1/groups/{group}',
    operationId: 'describeGroup',
    summary: 'Describe a group: members, committed offsets, log end and lag per partition',
    tag: 'groups',
    params: GroupParams,
    responses: {
      200: { description: 'The group', schema: GroupSchema },
      404: { description: 'No such group (UNKNOWN_GROUP)' },
    },
    handler: async ({ params, principal }) => {
      requirePermission(principal, 'consume');
      const view = await describeGroup(bus, members, params.group);
      if (view === undefined) {
        throw new HttpProblem(
          404,
          'UNKNOWN_GROUP',
          `Consumer group "${params.group}" has no committed offsets and no live members.`,
          [{ path: 'group', message: 'unknown group' }],
        );
      }
      return jsonResponse(view);
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/groups/{group}/offsets/reset',
    operationId: 'resetOffsets',
    summary: "Reset a group's offsets on a topic (a dry run unless execute is true)",
    tag: 'groups',
    params: GroupParams,
    body: ResetBody,
    responses: {
      200: {
        description: 'The plan, and whether it was committed',
        schema: z.object({
          executed: z.boolean(),
          partitions: z.array(
            z.object({
              topic: z.string(),
              partition: z.number().int(),
              from: nullableDecimal,
              to: z.string(),
            }),
          ),
        }),
      },
      409: { description: 'The group has live members (GROUP_NOT_EMPTY)' },
    },
    handler: async ({ params, body, principal }) => {
      const execute = body.execute === true;
      requirePermission(principal, execute ? 'admin' : 'consume', body.topic);
      const to: ResetTarget = body.to;
      const plan = await planReset(bus, params.group, body.topic, body.partitions, to);
      if (execute) {
        await executeReset(bus, params.group, plan);
        await deps.audit(principal, 'group.offsets.reset', {
          group: params.group,
          topic: body.topic,
          partitions: plan,
        });
      }
      return jsonResponse({ executed: execute, partitions: plan });
    },
  });
}
