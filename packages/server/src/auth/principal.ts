import { matchesTopic } from './topic-patterns.js';
import type { ApiKeyRecord, Permission, Principal } from './types.js';

/** The principal of every request when auth is off: may do anything, on every tenant. */
export const ANONYMOUS: Principal = Object.freeze({
  keyId: 'anonymous',
  tenant: undefined,
  can: () => true,
});

/** The principal of a verified key. `admin` scopes grant `produce` and `consume` too. */
export function principalOf(record: ApiKeyRecord): Principal {
  const scopes = record.scopes.map((scope) => ({
    grants: (permission: Permission) => scope.permission === permission || scope.permission === 'admin',
    topics: scope.topics,
  }));
  return Object.freeze({
    keyId: record.id,
    tenant: record.tenant,
    can(permission: Permission, topic?: string): boolean {
      return scopes.some(
        (scope) =>
          scope.grants(permission) &&
          (topic === undefined || scope.topics.some((pattern) => matchesTopic(pattern, topic))),
      );
    },
  });
}
