// A stand-in authenticator for tests: fixed bearer tokens mapped to principals.
import type { Authenticator, Permission, Principal } from '../security.js';

/** A principal of `tenant` (undefined: every tenant) allowed `permissions` on every topic. */
export function stubPrincipal(
  keyId: string,
  tenant: string | undefined,
  permissions: readonly Permission[] = ['produce', 'consume', 'admin'],
): Principal {
  return { keyId, tenant, can: (permission) => permissions.includes(permission) };
}

/** Authenticates `Authorization: Bearer <token>` against `tokens`. */
export function stubAuthenticator(tokens: Readonly<Record<string, Principal>>): Authenticator {
  return {
    enabled: true,
    authenticate: async (headers) => {
      const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
      return token === undefined ? undefined : tokens[token];
    },
  };
}

/** Tokens of the tenant-isolation tests: tenants A and B, and an operator of every tenant. */
export const TENANT_TOKENS = {
  'token-a': stubPrincipal('key-a', 'tenant-a'),
  'token-b': stubPrincipal('key-b', 'tenant-b'),
  'token-operator': stubPrincipal('key-operator', undefined),
  'token-reader': stubPrincipal('key-reader', undefined, ['consume']),
} as const;
