/**
 * The keys file: `{ "keys": [ApiKeyRecord, …] }`, JSON. Written atomically with mode 0600 (it
 * holds only hashes, but who may use the server is nobody else's business).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { type FieldIssue, ValidationError } from '@tributary/core';
import { z } from 'zod';
import { KEY_ID } from './api-keys.js';
import { PERMISSIONS } from './scope-checks.js';
import { topicPatternProblem } from './topic-patterns.js';
import type { ApiKeyRecord } from './types.js';

const hex = (bytes: string) => z.string().regex(/^(?:[0-9a-f]{2})+$/, `must be lower-case hex (${bytes})`);

const scopeSchema = z.object({
  permission: z.enum(PERMISSIONS, { error: `must be one of ${PERMISSIONS.join(', ')}` }),
  topics: z
    .array(
      z.string().superRefine((pattern, ctx) => {
        const problem = topicPatternProblem(pattern);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .min(1, 'must name at least one topic pattern'),
});

const recordSchema = z.object({
  id: z.string().regex(KEY_ID, 'must be 1 to 64 letters and digits'),
  hash: hex('the scrypt hash'),
  salt: hex('the salt'),
  tenant: z.string().min(1, 'must not be empty (omit it for a key over every tenant)').optional(),
  scopes: z.array(scopeSchema).min(1, 'must list at least one scope'),
  createdAt: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time' }),
  name: z.string().optional(),
});

const fileSchema = z.object({ keys: z.array(recordSchema) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.keys.forEach((key, i) => {
    if (seen.has(key.id)) {
      ctx.addIssue({ code: 'custom', path: ['keys', i, 'id'], message: `duplicate key id ${key.id}` });
    }
    seen.add(key.id);
  });
});

/** Why a keys file cannot be used: the message names the file and every problem. */
function invalidKeysFile(path: string, what: string, issues: readonly FieldIssue[] = []): ValidationError {
  return invalidKeys(`Keys file ${path}`, what, issues);
}

function invalidKeys(subject: string, what: string, issues: readonly FieldIssue[] = []): ValidationError {
  return new ValidationError(
    'INVALID_ARGUMENT',
    `${subject} ${what}. Fix it, or create keys with \`trib keys create\`; a keys file looks like { "keys": [] }.`,
    issues,
  );
}

/**
 * Checks the parsed contents of a keys file (`path` is for messages; `subject` replaces
 * "Keys file <path>" in them).
 * @throws ValidationError `INVALID_ARGUMENT` listing every problem with its JSON path.
 */
export function parseKeysFile(
  path: string,
  contents: unknown,
  subject = `Keys file ${path}`,
): ApiKeyRecord[] {
  const result = fileSchema.safeParse(contents);
  if (result.success) return result.data.keys;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw invalidKeys(subject, `is invalid: ${listed}`, issues);
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidKeysFile(path, `is not valid JSON (${(err as Error).message})`);
  }
}

function readFailure(path: string, err: unknown): ValidationError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return invalidKeysFile(path, 'does not exist');
  return invalidKeysFile(path, `cannot be read (${(err as Error).message})`);
}

/**
 * Reads and checks a keys file synchronously (at server start).
 * @throws ValidationError `INVALID_ARGUMENT` when the file is missing, unreadable, not JSON or invalid.
 */
export function readKeysFileSync(path: string): ApiKeyRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw readFailure(path, err);
  }
  return parseKeysFile(path, parseJson(path, text));
}

/**
 * Reads and checks a keys file; a missing file reads as no keys when `missingOk`.
 * @throws ValidationError `INVALID_ARGUMENT` as {@link readKeysFileSync}.
 */
export async function readKeysFile(
  path: string,
  options: { missingOk?: boolean } = {},
): Promise<ApiKeyRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (options.missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw readFailure(path, err);
  }
  return parseKeysFile(path, parseJson(path, text));
}

/** Replaces the keys file with `keys` atomically (temporary file, then rename), mode 0600. */
export async function writeKeysFile(path: string, keys: readonly ApiKeyRecord[]): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** Adds `record` to the keys file (created when missing). Rejects a duplicate id. */
export async function addKeyToFile(path: string, record: ApiKeyRecord): Promise<void> {
  const keys = await readKeysFile(path, { missingOk: true });
  if (keys.some((key) => key.id === record.id)) {
    throw invalidKeysFile(path, `already has a key with id ${record.id}`);
  }
  parseKeysFile(path, { keys: [...keys, record] });
  await writeKeysFile(path, [...keys, record]);
}

/** Removes the key `id` from the keys file; false when it had no such key. */
export async function removeKeyFromFile(path: string, id: string): Promise<boolean> {
  const keys = await readKeysFile(path);
  const kept = keys.filter((key) => key.id !== id);
  if (kept.length === keys.length) return false;
  await writeKeysFile(path, kept);
  return true;
}
