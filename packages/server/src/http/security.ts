/** Authentication and permission checks of the HTTP layer, over the contract of `auth/`. */
import { ANONYMOUS } from '../auth/principal.js';
import type { Authenticator, Permission, Principal } from '../auth/types.js';
import { HttpProblem } from './problem.js';

export type { Authenticator, Permission, Principal };
export { ANONYMOUS };

/** The authenticator of a server without API keys. */
export const AUTH_OFF: Authenticator = {
  enabled: false,
  authenticate: async () => ANONYMOUS,
};

/** 401: no or bad credentials. */
export function unauthorized(): HttpProblem {
  return new HttpProblem(
    401,
    'UNAUTHORIZED',
    'This server requires an API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
    undefined,
    undefined,
    { 'www-authenticate': 'Bearer realm="tributary"' },
  );
}

/** @throws HttpProblem 403 unless `principal` may do `permission` (on `topic`). */
export function requirePermission(principal: Principal, permission: Permission, topic?: string): void {
  if (principal.can(permission, topic)) return;
  const on = topic === undefined ? '' : ` on topic "${topic}"`;
  throw new HttpProblem(
    403,
    'FORBIDDEN',
    `API key "${principal.keyId}" lacks the "${permission}" permission${on}. Use a key that has it.`,
  );
}
