import { invalidArgument } from '@tributary/core/internal';

// A topic name (letters, digits, ".", "_", "-"), optionally ending in "*"; or "*" alone.
const PATTERN = /^(?:[A-Za-z0-9._-]+\*?|\*)$/;

/** Why `pattern` is not a valid topic pattern, or `undefined` when it is. */
export function topicPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return `a topic pattern must be a string; got ${typeof pattern}`;
  if (!PATTERN.test(pattern)) {
    return `${JSON.stringify(pattern)} is not a topic pattern: use a topic name (orders), a prefix ending in * (orders.*), or * for every topic`;
  }
  return undefined;
}

/** Throws `INVALID_ARGUMENT` unless `pattern` is a valid topic pattern. */
export function checkTopicPattern(pattern: unknown): string {
  const problem = topicPatternProblem(pattern);
  if (problem !== undefined) throw invalidArgument(`Invalid scope: ${problem}.`);
  return pattern as string;
}

/** Whether `topic` matches `pattern` (exact name, prefix ending in `*`, or `*`). */
export function matchesTopic(pattern: string, topic: string): boolean {
  return pattern.endsWith('*') ? topic.startsWith(pattern.slice(0, -1)) : topic === pattern;
}
