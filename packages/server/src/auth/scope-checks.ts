import { type FieldIssue, ValidationError } from '@tributary/core';
import { invalidArgument } from '@tributary/core/internal';
import { topicPatternProblem } from './topic-patterns.js';
import type { Permission, Scope } from './types.js';

export const PERMISSIONS: readonly Permission[] = ['produce', 'consume', 'admin'];

/** The tenant of a new key: `undefined` or a non-empty string without control characters. */
export function checkTenant(tenant: unknown): string | undefined {
  if (tenant === undefined) return undefined;
  if (typeof tenant !== 'string' || tenant.trim() === '' || /\p{Cc}/u.test(tenant)) {
    throw invalidArgument(
      `The tenant must be a non-empty string without control characters; got ${JSON.stringify(tenant)}.`,
    );
  }
  return tenant;
}

/** Checks scopes, reporting every problem at once; returns copies. */
export function checkScopes(scopes: unknown): Scope[] {
  const example = "e.g. [{ permission: 'produce', topics: ['orders.*'] }]";
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw invalidArgument(`A key needs at least one scope, ${example}.`);
  }
  const issues: FieldIssue[] = [];
  scopes.forEach((scope: unknown, i) => {
    if (typeof scope !== 'object' || scope === null) {
      issues.push({ path: `scopes.${i}`, message: `must be an object, ${example}` });
      return;
    }
    const { permission, topics } = scope as { permission?: unknown; topics?: unknown };
    if (!PERMISSIONS.includes(permission as Permission)) {
      issues.push({
        path: `scopes.${i}.permission`,
        message: `must be one of ${PERMISSIONS.join(', ')}; got ${JSON.stringify(permission)}`,
      });
    }
    if (!Array.isArray(topics) || topics.length === 0) {
      issues.push({ path: `scopes.${i}.topics`, message: 'must be a non-empty array of topic patterns' });
      return;
    }
    topics.forEach((pattern: unknown, j) => {
      const problem = topicPatternProblem(pattern);
      if (problem !== undefined) issues.push({ path: `scopes.${i}.topics.${j}`, message: problem });
    });
  });
  if (issues.length > 0) {
    throw new ValidationError(
      'INVALID_ARGUMENT',
      `Invalid key scopes: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`,
      issues,
    );
  }
  return scopes.map((scope: Scope) => ({ permission: scope.permission, topics: [...scope.topics] }));
}
