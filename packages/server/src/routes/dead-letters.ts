/**
 * A group's dead letters: list, inspect, re-drive to the original topic, discard. A principal
 * confined to a tenant sees and acts on its tenant's letters only.
 */
import { type DeadLetter, type DeadLetterFilter, DeadLetters, isTributaryError } from '@tributary/core';
import { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { recordItem } from '../http/event-json.js';
import { jsonResponse } from '../http/json.js';
import { HttpProblem } from '../http/problem.js';
import { type Principal, requirePermission } from '../http/security.js';
import { canSeeRecord } from '../http/tenancy.js';
import type { RouteRegistry } from '../openapi/registry.js';
import { EventItemSchema, groupName, integerText } from '../openapi/schemas.js';

const AT = /^(?:(\d{1,4}):)?(\d{1,19})$/;

/** `<partition>:<offset>` (or just `<offset>`, partition 0) of a letter in the dead-letter topic. */
const atText = z
  .string()
  .regex(AT, 'expected "<partition>:<offset>" (or "<offset>" for partition 0)')
  .transform((text) => {
    const [, partition, offset] = AT.exec(text)!;
    return { partition: Number(partition ?? 0), offset: BigInt(offset!) };
  });

const time = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })], {
    error: 'expected ms since the epoch or an RFC 3339 time',
  })
  .transform((value) => (typeof value === 'number' ? value : Date.parse(value)));

const FilterSchema = z.strictObject({
  at: atText.optional(),
  type: z.string().min(1).optional(),
  key: z.string().optional(),
  since: time.optional().describe('last failure at or after'),
  until: time.optional().describe('last failure before'),
  error: z.string().min(1).optional().describe('substring of the error class or message'),
});

const ActionBody = z.strictObject({
  filter: FilterSchema.optional().describe('default: every pending letter'),
});

const LetterSchema = EventItemSchema.extend({
  at: z.string().describe('<dlq partition>:<dlq offset>, the handle of the letter'),
  failure: z.object({
    error: z.object({ errorClass: z.string(), message: z.string(), stack: z.string() }),
    attempts: z.number().int(),
    firstFailureAt: z.string(),
    lastFailureAt: z.string(),
    group: z.string(),
  }),
});

const GroupParams = z.object({ group: groupName });

export function registerDeadLetterRoutes(registry: RouteRegistry, deps: RouteDeps): void {
  const lettersOf = (group: string) => new DeadLetters(deps.bus.log, group);

  registry.add({
    method: 'get',
    path: '/v1/groups/{group}/dead-letters',
    operationId: 'listDeadLetters',
    summary: "List a group's pending dead letters, oldest first",
    tag: 'dead-letters',
    params: GroupParams,
    query: z.object({
      type: z.string().min(1).optional(),
      key: z.string().optional(),
      limit: integerText(1, 10_000).optional().describe('default 1000'),
    }),
    responses: {
      200: { description: 'Pending dead letters', schema: z.object({ deadLetters: z.array(LetterSchema) }) },
    },
    handler: async ({ params, query, principal }) => {
      requirePermission(principal, 'consume');
      const filter: DeadLetterFilter = {
        ...(query.type === undefined ? {} : { type: query.type }),
        ...(query.key === undefined ? {} : { key: query.key }),
      };
      const limit = query.limit ?? 1000;
      // A tenant's letters are filtered after reading, so read them all and cut afterwards.
      const letters = await lettersOf(params.group).list(
        principal.tenant === undefined ? { ...filter, limit } : filter,
      );
      const visible = letters.filter((l) => canSeeRecord(principal, l.headers)).slice(0, limit);
      return jsonResponse({ deadLetters: visible.map(letterJson) });
    },
  });

  registry.add({
    method: 'get',
    path: '/v1/groups/{group}/dead-letters/{at}',
    operationId: 'getDeadLetter',
    summary: 'One pending dead letter by its place in the dead-letter topic',
    tag: 'dead-letters',
    params: z.object({ group: groupName, at: atText }),
    responses: {
      200: { description: 'The dead letter', schema: LetterSchema },
      404: { description: 'No pending dead letter there (UNKNOWN_DEAD_LETTER)' },
    },
    handler: async ({ params, principal }) => {
      requirePermission(principal, 'consume');
      const { partition, offset } = params.at;
      let letter: DeadLetter;
      try {
        letter = await lettersOf(params.group).get(partition, offset);
      } catch (err) {
        if (!isTributaryError(err, 'INVALID_ARGUMENT')) throw err;
        throw unknownLetter(err.message);
      }
      if (!canSeeRecord(principal, letter.headers))
        throw unknownLetter(`No dead letter at ${partition}:${offset}.`);
      return jsonResponse(letterJson(letter));
    },
  });

  for (const action of ['redrive', 'discard'] as const) {
    registry.add({
      method: 'post',
      path: `/v1/groups/{group}/dead-letters/${action}`,
      operationId: `${action}DeadLetters`,
      summary:
        action === 'redrive'
          ? 'Re-publish matching dead letters to their original topic'
          : 'Mark matching dead letters discarded',
      tag: 'dead-letters',
      params: GroupParams,
      body: ActionBody,
      optionalBody: true,
      responses: {
        200: {
          description: 'How many letters were affected',
          schema: z.object({ [action === 'redrive' ? 'redriven' : 'discarded']: z.number().int() }),
        },
      },
      handler: async ({ params, body, principal }) => {
        requirePermission(principal, 'admin');
        const filter = toFilter(body.filter);
        const count = await act(lettersOf(params.group), action, filter, principal);
        await deps.audit(principal, `dead-letters.${action}`, {
          group: params.group,
          filter: body.filter ?? {},
          count,
        });
        return jsonResponse(action === 'redrive' ? { redriven: count } : { discarded: count });
      },
    });
  }
}

function toFilter(filter: z.output<typeof FilterSchema> | undefined): DeadLetterFilter {
  if (filter === undefined) return {};
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
}

/** Re-drives or discards; for a tenant, letter by letter among its own. */
async function act(
  letters: DeadLetters,
  action: 'redrive' | 'discard',
  filter: DeadLetterFilter,
  principal: Principal,
): Promise<number> {
  const run = async (f: DeadLetterFilter) =>
    action === 'redrive' ? (await letters.redrive(f)).redriven : (await letters.discard(f)).discarded;
  if (principal.tenant === undefined) return run(filter);
  const mine = (await letters.list(filter)).filter((l) => canSeeRecord(principal, l.headers));
  let count = 0;
  for (const letter of mine) {
    count += await run({ at: { partition: letter.dlqPartition, offset: letter.dlqOffset } });
  }
  return count;
}

function unknownLetter(detail: string): HttpProblem {
  return new HttpProblem(404, 'UNKNOWN_DEAD_LETTER', detail, [
    { path: 'at', message: 'no pending dead letter there' },
  ]);
}

function letterJson(letter: DeadLetter): object {
  const { failure } = letter;
  const item = recordItem(failure.topic, failure.partition, {
    offset: failure.offset,
    timestamp: letter.timestamp,
    key: letter.key,
    value: letter.value,
    headers: letter.headers,
  });
  return {
    ...item,
    at: `${letter.dlqPartition}:${letter.dlqOffset}`,
    failure: {
      error: failure.error,
      attempts: failure.attempts,
      firstFailureAt: new Date(failure.firstFailureAt).toISOString(),
      lastFailureAt: new Date(failure.lastFailureAt).toISOString(),
      group: failure.group,
    },
  };
}
