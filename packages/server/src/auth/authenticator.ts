import { timingSafeEqual } from 'node:crypto';
import { invalidArgument } from '@tributary/core/internal';
import { parseApiKey, quickDigest, verifySecret } from './api-keys.js';
import { parseKeysFile, readKeysFileSync } from './keys-file.js';
import { ANONYMOUS, principalOf } from './principal.js';
import type { ApiKeyRecord, Authenticator, Principal } from './types.js';

/** Options of {@link createAuthenticator}: keys from a file, given directly, or both. */
export interface AuthenticatorOptions {
  /** Path of the keys file (`{ "keys": [...] }`), read now and on {@link KeyAuthenticator.reload}. */
  readonly keysFile?: string | undefined;
  /** Key records (e.g. from `createApiKey`). */
  readonly keys?: readonly ApiKeyRecord[] | undefined;
}

/** An {@link Authenticator} that can re-read its keys file (e.g. on SIGHUP, after `trib keys create`). */
export interface KeyAuthenticator extends Authenticator {
  /** Re-reads the keys file; keeps the current keys and throws when the file is now invalid. */
  reload(): void;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The API key a request presents: `Authorization: Bearer <key>`, else `x-api-key`. */
export function presentedKey(headers: Headers): string | undefined {
  const authorization = headers.get('authorization');
  const bearer = authorization === null ? null : BEARER.exec(authorization);
  if (bearer?.[1] !== undefined) return bearer[1];
  return headers.get('x-api-key')?.trim() || undefined;
}

/**
 * Authenticates requests by API key. Without options (or with neither `keysFile` nor `keys`)
 * auth is off: `enabled` is false and every request is the anonymous principal, which may do
 * anything. With keys, a request must present a valid key (see {@link presentedKey}).
 *
 * A secret is checked with scrypt the first time a key is used; a digest of it is then kept in
 * memory so later requests with the same key cost a SHA-256, not a scrypt.
 * @throws ValidationError `INVALID_ARGUMENT` for a missing or invalid keys file (naming the file
 *   and each problem) or invalid `keys`.
 */
export function createAuthenticator(options: AuthenticatorOptions | undefined): KeyAuthenticator {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidArgument('createAuthenticator expects { keysFile } or { keys } (or nothing for no auth).');
  }
  const keysFile = options?.keysFile;
  if (keysFile !== undefined && (typeof keysFile !== 'string' || keysFile === '')) {
    throw invalidArgument(`keysFile must be a path; got ${JSON.stringify(keysFile)}.`);
  }
  const given =
    options?.keys === undefined ? undefined : parseKeysFile('', { keys: options.keys }, 'The keys option');
  const enabled = keysFile !== undefined || given !== undefined;
  const load = (): Map<string, ApiKeyRecord> => {
    const all = [...(given ?? []), ...(keysFile === undefined ? [] : readKeysFileSync(keysFile))];
    const byId = new Map<string, ApiKeyRecord>();
    for (const key of all) {
      if (byId.has(key.id)) {
        throw invalidArgument(`Key id ${key.id} appears twice (in the keys option and ${keysFile}).`);
      }
      byId.set(key.id, key);
    }
    return byId;
  };
  let keys = load();
  // Digests of secrets verified with scrypt, and their principals, by record (a reloaded record starts over).
  let verified = new WeakMap<ApiKeyRecord, { digest: Buffer; principal: Principal }>();

  return {
    enabled,
    reload() {
      keys = load();
      verified = new WeakMap();
    },
    async authenticate(headers: Headers): Promise<Principal | undefined> {
      if (!enabled) return ANONYMOUS;
      const presented = presentedKey(headers);
      const parsed = presented === undefined ? undefined : parseApiKey(presented);
      if (parsed === undefined) return undefined;
      const record = keys.get(parsed.id);
      if (record === undefined) return undefined;
      const digest = quickDigest(record, parsed.secret);
      const known = verified.get(record);
      if (known !== undefined) return timingSafeEqual(known.digest, digest) ? known.principal : undefined;
      if (!(await verifySecret(record, parsed.secret))) return undefined;
      const principal = principalOf(record);
      verified.set(record, { digest, principal });
      return principal;
    },
  };
}
