// `trib keys` run as a real process on a temporary keys file, then the keys it made checked
// against the server's own authenticator. A spawn costs seconds here: the flow spawns in three
// rounds (writes to one file one after another), and usage errors run in-process.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthenticator } from '@tributary/server';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { TribResult } from './test-support/run-trib.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * Runs `trib <args>` from the sources (the launcher would prefer a possibly stale dist/), as
 * bin/trib.js does without a build: tsx plus the workspace's source export condition.
 */
function trib(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<TribResult> {
  const childEnv: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith('TRIB_')) childEnv[name] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@tributary/source', '--import', 'tsx', MAIN, ...args],
      { cwd: REPO_ROOT, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') }),
    );
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-keys-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in this process (for checks that need no real process). */
async function tribInProcess(args: readonly string[]): Promise<TribResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: {
      write: (text) => {
        stdout += text;
      },
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
    },
    stdin: process.stdin,
    env: {},
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') };
}

function bearer(key: string): Headers {
  return new Headers({ authorization: `Bearer ${key}` });
}

describe('trib keys', { timeout: 60_000 }, () => {
  it('creates, lists and revokes keys that the server accepts, storing no secrets', async () => {
    const keysFile = path.join(dir, 'keys.json');
    const first = await trib([
      'keys',
      'create',
      '--keys-file',
      keysFile,
      '--tenant',
      'acme',
      '--scope',
      'produce:orders.*',
      '--scope',
      'consume:*',
      '--name',
      'ci',
    ]);
    expect(first.code).toBe(0);
    const firstKey = first.stdout.match(/^trib_[A-Za-z0-9]+_\S+$/m)?.[0] ?? '';
    expect(firstKey).not.toBe('');
    expect(first.stdout).toContain('not stored');
    expect(first.stdout).toContain('Authorization: Bearer');
    expect(first.stdout).toContain('--api-key');
    const firstId = firstKey.split('_')[1] ?? '';

    // The second key: over every tenant, keys file from the environment, printed as JSON.
    const [second, unknown] = await Promise.all([
      trib(['keys', 'create', '--scope', 'admin:*', '--json'], { TRIB_KEYS_FILE: keysFile }),
      trib(['keys', 'revoke', 'nosuchkey', '--keys-file', keysFile]),
    ]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('No key with id nosuchkey');
    expect(second.code).toBe(0);
    const created = JSON.parse(second.stdout) as {
      id: string;
      key: string;
      tenant: unknown;
      scopes: unknown;
    };
    expect(created).toMatchObject({ tenant: null, scopes: [{ permission: 'admin', topics: ['*'] }] });

    const stored = fs.readFileSync(keysFile, 'utf8');
    expect(stored).not.toContain(firstKey.slice(`trib_${firstId}_`.length));
    expect(stored).not.toContain(created.key.slice(`trib_${created.id}_`.length));
    expect(fs.statSync(keysFile).mode & 0o777).toBe(0o600);

    const auth = createAuthenticator({ keysFile });
    const acme = await auth.authenticate(bearer(firstKey));
    expect(acme?.tenant).toBe('acme');
    expect(acme?.can('produce', 'orders.eu')).toBe(true);
    expect(acme?.can('produce', 'billing')).toBe(false);
    expect(acme?.can('consume', 'billing')).toBe(true);
    expect(acme?.can('admin', 'orders.eu')).toBe(false);
    const operator = await auth.authenticate(new Headers({ 'x-api-key': created.key }));
    expect(operator?.tenant).toBeUndefined();
    expect(operator?.can('admin', 'anything')).toBe(true);

    // List the file while a copy of it loses the first key.
    const revokedFile = path.join(dir, 'revoked.json');
    fs.copyFileSync(keysFile, revokedFile);
    const [listed, revoked] = await Promise.all([
      trib(['keys', 'list', '--keys-file', keysFile]),
      trib(['keys', 'revoke', firstId, '--keys-file', revokedFile]),
    ]);
    expect(listed.code).toBe(0);
    expect(listed.lines[0]).toMatch(/^ID\s+NAME\s+TENANT\s+SCOPES\s+CREATED$/);
    expect(listed.lines[1]).toMatch(
      new RegExp(`^${firstId}\\s+ci\\s+acme\\s+produce:orders\\.\\*,consume:\\*\\s+\\d{4}-`),
    );
    expect(listed.lines[2]).toMatch(new RegExp(`^${created.id}\\s+-\\s+-\\s+admin:\\*\\s+\\d{4}-`));
    expect(listed.stdout).not.toMatch(/trib_|hash|salt/);

    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${firstId}`);
    const afterRevoke = createAuthenticator({ keysFile: revokedFile });
    expect(await afterRevoke.authenticate(bearer(firstKey))).toBeUndefined();
    expect(await afterRevoke.authenticate(bearer(created.key))).toBeDefined();
  });

  it('lists keys as JSON without their hashes', async () => {
    const keysFile = path.join(dir, 'json.json');
    const created = await tribInProcess([
      'keys',
      'create',
      '--keys-file',
      keysFile,
      '--scope',
      'consume:a',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    const listed = await tribInProcess(['keys', 'list', '--keys-file', keysFile, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.lines.map((line) => JSON.parse(line))).toEqual([
      {
        id,
        name: null,
        tenant: null,
        scopes: [{ permission: 'consume', topics: ['a'] }],
        createdAt: expect.any(String),
      },
    ]);
    expect(listed.stdout).not.toMatch(/hash|salt/);
  });

  it('rejects a bad scope or a missing keys file with a usage error, writing nothing', async () => {
    const keysFile = path.join(dir, 'untouched.json');
    const create = (scope: string) =>
      tribInProcess(['keys', 'create', '--keys-file', keysFile, '--scope', scope]);
    const noForm = await create('orders.*');
    expect(noForm.code).toBe(2);
    expect(noForm.stderr).toContain('"orders.*"');
    expect(noForm.stderr).toContain('<permission>:<topic-pattern>');
    const badPermission = await create('write:orders');
    expect(badPermission.code).toBe(2);
    expect(badPermission.stderr).toContain('"write"');
    expect(badPermission.stderr).toContain('produce, consume, admin');
    const badPattern = await create('produce:orders x');
    expect(badPattern.code).toBe(2);
    expect(badPattern.stderr).toContain('"orders x" is not a topic pattern');
    expect(fs.existsSync(keysFile)).toBe(false);

    const noFile = await tribInProcess(['keys', 'list']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('pass --keys-file');
    const missing = await tribInProcess(['keys', 'revoke', 'abc', '--keys-file', keysFile]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('does not exist');
  });
});
