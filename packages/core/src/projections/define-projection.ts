import { invalidArgument } from '../errors/errors.js';
import { checkProjectionName, checkProjectionVersion } from './names.js';
import type { ProjectionDefinition, ProjectionErrorPolicy, ProjectionInput } from './types.js';

const POLICIES: readonly ProjectionErrorPolicy[] = ['stop', 'skip', 'dead-letter'];

/**
 * Defines an async projection (checked now, so a typo fails at startup rather than in the runner).
 *
 * @example
 * ```ts
 * const orderTotals = defineProjection({
 *   name: 'order-totals',
 *   version: 2,
 *   types: ['order.placed'],
 *   async handle(events, { version }) {
 *     await db.insertMany(`order_totals_v${version}`, events.map((r) => r.event.data));
 *   },
 * });
 * ```
 * @throws ValidationError `INVALID_ARGUMENT` naming the bad field.
 */
export function defineProjection(input: ProjectionInput): ProjectionDefinition {
  const where = 'defineProjection';
  if (input === null || typeof input !== 'object')
    throw invalidArgument(`${where}: expected { name, handle, version?, types?, onError? }.`);
  checkProjectionName(input.name, where);
  const version = input.version ?? 1;
  checkProjectionVersion(version, where);
  if (typeof input.handle !== 'function')
    throw invalidArgument(`${where}: projection "${input.name}" needs a handle(events, ctx) function.`);
  const { types } = input;
  if (
    types !== undefined &&
    (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string' || t === ''))
  )
    throw invalidArgument(
      `${where}: projection "${input.name}" has invalid types: expected a non-empty array of event types, or none for every type.`,
    );
  const onError = input.onError ?? 'stop';
  if (!POLICIES.includes(onError))
    throw invalidArgument(
      `${where}: projection "${input.name}" has invalid onError ${JSON.stringify(onError)}: expected 'stop', 'skip' or 'dead-letter'.`,
    );
  const handle = input.handle;
  const definition: ProjectionDefinition = {
    name: input.name,
    version,
    ...(types === undefined ? {} : { types: Object.freeze([...types]) }),
    handle: (events, ctx) => handle.call(input, events, ctx),
    onError,
  };
  return Object.freeze(definition);
}
