import type { Permission, Scope } from '@tributary/server';
import { InvalidArgumentError } from 'commander';

// A Record so the compiler flags a permission the server adds and this list misses.
const PERMISSION_SET = { produce: true, consume: true, admin: true } satisfies Record<Permission, true>;
const PERMISSIONS = Object.keys(PERMISSION_SET);

function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSION_SET, value);
}

/** The accepted form of `--scope`, for messages and help. */
export const SCOPE_FORM = '<permission>:<topic-pattern>, e.g. produce:orders.*, consume:* or admin:*';

/** One `--scope` value, parsed: a permission on one topic pattern. */
export interface ScopeArg {
  readonly permission: Permission;
  readonly pattern: string;
}

/**
 * Parses a `--scope` value (`produce:orders.*`). The pattern itself is checked when the key is
 * made, by the server's rules; here only the shape and the permission.
 */
export function scopeArg(value: string): ScopeArg {
  const separator = value.indexOf(':');
  const permission = separator < 0 ? '' : value.slice(0, separator).trim();
  const pattern = separator < 0 ? '' : value.slice(separator + 1).trim();
  if (separator < 0 || pattern === '') {
    throw new InvalidArgumentError(`Expected ${SCOPE_FORM}; got "${value}".`);
  }
  if (!isPermission(permission)) {
    throw new InvalidArgumentError(
      `Unknown permission "${permission}" in "${value}": use one of ${PERMISSIONS.join(', ')} (${SCOPE_FORM}).`,
    );
  }
  return { permission, pattern };
}

/** Commander accumulator for the repeatable `--scope`. */
export function collectScope(value: string, previous: readonly ScopeArg[] = []): ScopeArg[] {
  return [...previous, scopeArg(value)];
}

/** The scopes of a key: one per permission (in first-seen order), its patterns de-duplicated. */
export function toScopes(args: readonly ScopeArg[]): Scope[] {
  const byPermission = new Map<Permission, string[]>();
  for (const { permission, pattern } of args) {
    const patterns = byPermission.get(permission) ?? [];
    if (!patterns.includes(pattern)) patterns.push(pattern);
    byPermission.set(permission, patterns);
  }
  return [...byPermission].map(([permission, topics]) => ({ permission, topics }));
}

/** Scopes as one table cell: `produce:orders.*,consume:*`. */
export function formatScopes(scopes: readonly Scope[]): string {
  return scopes.flatMap((scope) => scope.topics.map((topic) => `${scope.permission}:${topic}`)).join(',');
}
