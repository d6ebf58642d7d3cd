/**
 * API key secrets and their hashes. A key reads `trib_<id>_<secret>`: the id finds the stored
 * record without trying every hash; the secret is checked against a salted scrypt hash.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from '@tributary/core/internal';
import { checkScopes, checkTenant } from './scope-checks.js';
import type { ApiKeyRecord, Scope } from './types.js';

const PREFIX = 'trib_';
const ID_BYTES = 8;
const SECRET_BYTES = 32;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
// scrypt's recommended interactive cost (16 MiB, tens of ms); results are cached per key once verified.
const SCRYPT_OPTIONS = { N: 16384, r: 8, p: 1 } as const;

/** Key ids are letters and digits (no `_`, which separates the parts of a key). */
export const KEY_ID = /^[A-Za-z0-9]{1,64}$/;
const SECRET = /^[A-Za-z0-9_-]{16,256}$/;

/** The parts of a presented key, or `undefined` when it is not shaped like a Tributary key. */
export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  if (!key.startsWith(PREFIX)) return undefined;
  const separator = key.indexOf('_', PREFIX.length);
  if (separator < 0) return undefined;
  const id = key.slice(PREFIX.length, separator);
  const secret = key.slice(separator + 1);
  return KEY_ID.test(id) && SECRET.test(secret) ? { id, secret } : undefined;
}

/** scrypt(secret, salt) as hex. */
export function hashSecret(secret: string, saltHex: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(secret, Buffer.from(saltHex, 'hex'), HASH_BYTES, SCRYPT_OPTIONS, (error, derived) => {
      if (error) reject(error);
      else resolve(derived.toString('hex'));
    });
  });
}

/** Whether `secret` is the one `record` was made with (constant-time comparison). */
export async function verifySecret(record: ApiKeyRecord, secret: string): Promise<boolean> {
  return equalHex(await hashSecret(secret, record.salt), record.hash);
}

/** A cheap digest of a verified secret, kept in memory so repeated requests skip scrypt. */
export function quickDigest(record: ApiKeyRecord, secret: string): Buffer {
  return createHash('sha256').update(record.salt).update('\0').update(secret).digest();
}

/** Constant-time comparison of two hex strings (false when their lengths differ). */
export function equalHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Options of {@link createApiKey}. */
export interface CreateApiKeyOptions {
  /** The tenant the key acts for; omit for a key over every tenant. */
  readonly tenant?: string | undefined;
  /** At least one scope, e.g. `[{ permission: 'produce', topics: ['orders.*'] }]`. */
  readonly scopes: readonly Scope[];
  /** An optional label for people. */
  readonly name?: string | undefined;
}

/**
 * Makes a new API key: the record to store (hash and salt only) and the plaintext key
 * (`trib_<id>_<secret>`), which is shown once and cannot be recovered from the record.
 * @throws ValidationError `INVALID_ARGUMENT` for a bad tenant, name or scope.
 */
export async function createApiKey(
  options: CreateApiKeyOptions,
): Promise<{ record: ApiKeyRecord; plaintext: string }> {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(
      "createApiKey expects { scopes: [{ permission: 'produce', topics: ['orders.*'] }] }.",
    );
  }
  const tenant = checkTenant(options.tenant);
  const scopes = checkScopes(options.scopes);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.trim() === '')) {
    throw invalidArgument('The key name must be a non-empty string when given.');
  }
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const salt = randomBytes(SALT_BYTES).toString('hex');
  const record: ApiKeyRecord = {
    id,
    hash: await hashSecret(secret, salt),
    salt,
    ...(tenant === undefined ? {} : { tenant }),
    scopes,
    createdAt: new Date().toISOString(),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  return { record, plaintext: `${PREFIX}${id}_${secret}` };
}
