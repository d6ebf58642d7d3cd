import { describeType, formatIssues } from '../envelope/issues.js';
import type { CloudEvent } from '../envelope/types.js';
import { type FieldIssue, invalidArgument } from '../errors/errors.js';
import { checkAggregateId } from './options.js';
import type { Aggregate, AggregateOptions, SnapshotCodec, SnapshotErrorContext } from './types.js';

// No `-`: the category of a stream is the part of its name before the first `-`.
const CATEGORY = /^[A-Za-z0-9][A-Za-z0-9_.:]*$/;
const MAX_CATEGORY_LENGTH = 100;
const KNOWN_OPTIONS = [
  'category',
  'decider',
  'schemaVersion',
  'snapshotEvery',
  'snapshot',
  'onSnapshotError',
];

/** The default codec: the state is stored as it is (plain JSON states). */
function identityCodec<State>(): SnapshotCodec<State> {
  return { toJSON: (state) => state, fromJSON: (json) => json as State };
}

function logSnapshotError(error: unknown, context: SnapshotErrorContext): void {
  console.error(
    `tributary: snapshot ${context.phase} of stream "${context.stream}" (tenant "${context.tenant}") at version ${context.version} failed:`,
    error,
  );
}

/**
 * Defines an aggregate type: a {@link Decider} bound to a stream category, with optional snapshots.
 *
 * ```ts
 * const Order = defineAggregate({
 *   category: 'order',
 *   decider: { decide, evolve, initialState },
 *   schemaVersion: 'v1',
 *   snapshotEvery: 100,
 * });
 * await handleCommand(store, Order, 'o-1', { type: 'place', customerId: 'c-7' });
 * ```
 *
 * @throws ValidationError `INVALID_ARGUMENT` naming every bad option.
 */
export function defineAggregate<Command, State, Event extends CloudEvent>(
  options: AggregateOptions<Command, State, Event>,
): Aggregate<Command, State, Event> {
  checkAggregateOptions(options);
  const { category, decider, schemaVersion, snapshotEvery } = options;
  const aggregate: Aggregate<Command, State, Event> = {
    category,
    decider,
    schemaVersion,
    snapshotEvery,
    snapshot: options.snapshot ?? identityCodec<State>(),
    onSnapshotError: options.onSnapshotError ?? logSnapshotError,
    streamOf(id: string): string {
      checkAggregateId(category, id);
      return `${category}-${id}`;
    },
  };
  return Object.freeze(aggregate);
}

function checkAggregateOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(
      `defineAggregate needs { category, decider, schemaVersion }, received ${describeType(options)}.`,
    );
  const issues: FieldIssue[] = [];
  const { category, decider, schemaVersion, snapshotEvery, snapshot, onSnapshotError } = options as Partial<
    AggregateOptions<unknown, unknown, CloudEvent>
  >;
  for (const key of Object.keys(options))
    if (!KNOWN_OPTIONS.includes(key))
      issues.push({ path: key, message: `unknown option; known: ${KNOWN_OPTIONS.join(', ')}` });
  if (typeof category !== 'string' || !CATEGORY.test(category) || category.length > MAX_CATEGORY_LENGTH)
    issues.push({
      path: 'category',
      message: `expected letters, digits, "_", "." or ":" (no "-", at most ${MAX_CATEGORY_LENGTH} characters), received ${JSON.stringify(category)}`,
    });
  if (typeof decider !== 'object' || decider === null) {
    issues.push({ path: 'decider', message: 'expected { decide, evolve, initialState }' });
  } else {
    for (const fn of ['decide', 'evolve', 'initialState'] as const)
      if (typeof decider[fn] !== 'function')
        issues.push({
          path: `decider.${fn}`,
          message: `expected a function, received ${describeType(decider[fn])}`,
        });
  }
  if (typeof schemaVersion !== 'string' || schemaVersion.length === 0)
    issues.push({ path: 'schemaVersion', message: "expected a non-empty string such as 'v1'" });
  if (
    snapshotEvery !== undefined &&
    (typeof snapshotEvery !== 'number' || !Number.isSafeInteger(snapshotEvery) || snapshotEvery < 1)
  )
    issues.push({
      path: 'snapshotEvery',
      message: `expected an integer >= 1, received ${String(snapshotEvery)}`,
    });
  if (snapshot !== undefined) {
    if (typeof snapshot !== 'object' || snapshot === null)
      issues.push({ path: 'snapshot', message: 'expected { toJSON(state), fromJSON(json) }' });
    else
      for (const fn of ['toJSON', 'fromJSON'] as const)
        if (typeof snapshot[fn] !== 'function')
          issues.push({
            path: `snapshot.${fn}`,
            message: `expected a function, received ${describeType(snapshot[fn])}`,
          });
  }
  if (onSnapshotError !== undefined && typeof onSnapshotError !== 'function')
    issues.push({ path: 'onSnapshotError', message: 'expected a function' });
  if (issues.length > 0) throw invalidArgument(`defineAggregate: ${formatIssues(issues)}`, issues);
}
