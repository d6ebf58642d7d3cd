import { invalidArgument } from '../../errors/errors.js';
import { rangeAssignor } from './range.js';
import { roundRobinAssignor } from './round-robin.js';
import { stickyAssignor } from './sticky.js';
import type { Assignor } from './types.js';

export { rangeAssignor } from './range.js';
export { roundRobinAssignor } from './round-robin.js';
export { stickyAssignor } from './sticky.js';
export type { Assignment, Assignor, AssignorMember, TopicPartition } from './types.js';

/** Names of the built-in assignors. */
export type AssignorName = 'range' | 'round-robin' | 'sticky';

const BUILT_IN: Readonly<Record<AssignorName, Assignor>> = {
  range: rangeAssignor,
  'round-robin': roundRobinAssignor,
  sticky: stickyAssignor,
};

/** Resolves a consumer's `assignor` option; throws `INVALID_ARGUMENT` naming the built-in ones. */
export function resolveAssignor(option: AssignorName | Assignor | undefined): Assignor {
  if (option === undefined) return stickyAssignor;
  if (typeof option === 'string') {
    const found = Object.hasOwn(BUILT_IN, option) ? BUILT_IN[option] : undefined;
    if (found !== undefined) return found;
  } else if (
    typeof option === 'object' &&
    option !== null &&
    typeof option.name === 'string' &&
    option.name.length > 0 &&
    typeof option.assign === 'function'
  ) {
    return option;
  }
  throw invalidArgument(
    `Invalid assignor ${typeof option === 'string' ? JSON.stringify(option) : typeof option}: use "range", "round-robin", "sticky" or an object { name, assign(members, partitionsPerTopic, previous) }.`,
  );
}
