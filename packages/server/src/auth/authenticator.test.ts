import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from './api-keys.js';
import { createAuthenticator } from './authenticator.js';
import { addKeyToFile, readKeysFile, removeKeyFromFile, writeKeysFile } from './keys-file.js';
import type { ApiKeyRecord } from './types.js';

let dir: string;
let tenantKey: { record: ApiKeyRecord; plaintext: string };
let adminKey: { record: ApiKeyRecord; plaintext: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trib-auth-'));
  [tenantKey, adminKey] = await Promise.all([
    createApiKey({ tenant: 'acme', scopes: [{ permission: 'produce', topics: ['orders.*'] }] }),
    createApiKey({ scopes: [{ permission: 'admin', topics: ['*'] }], name: 'ops' }),
  ]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });

describe('createAuthenticator with keys', () => {
  it('turns a good key into its principal, from either header', async () => {
    const auth = createAuthenticator({ keys: [tenantKey.record, adminKey.record] });
    expect(auth.enabled).toBe(true);
    const principal = await auth.authenticate(bearer(tenantKey.plaintext));
    expect(principal?.keyId).toBe(tenantKey.record.id);
    expect(principal?.tenant).toBe('acme');
    expect(principal?.can('produce', 'orders.eu')).toBe(true);
    const admin = await auth.authenticate(new Headers({ 'x-api-key': adminKey.plaintext }));
    expect(admin?.tenant).toBeUndefined();
    expect(admin?.can('admin')).toBe(true);
  });

  it('accepts the same key again (from the verified cache) and still rejects a wrong secret after it', async () => {
    const auth = createAuthenticator({ keys: [tenantKey.record] });
    expect(await auth.authenticate(bearer(tenantKey.plaintext))).toBeDefined();
    expect((await auth.authenticate(bearer(tenantKey.plaintext)))?.keyId).toBe(tenantKey.record.id);
    const wrong = `${tenantKey.plaintext.slice(0, -2)}xx`;
    expect(await auth.authenticate(bearer(wrong))).toBeUndefined();
  });

  it('rejects a wrong secret', async () => {
    const auth = createAuthenticator({ keys: [tenantKey.record] });
    const wrong = `${tenantKey.plaintext.slice(0, -2)}xx`;
    expect(await auth.authenticate(bearer(wrong))).toBeUndefined();
  });

  it('rejects an unknown key id', async () => {
    const auth = createAuthenticator({ keys: [tenantKey.record] });
    expect(await auth.authenticate(bearer(adminKey.plaintext))).toBeUndefined();
  });

  it.each([
    ['no credentials', {}],
    ['another scheme', { authorization: `Basic ${tenantKey?.plaintext}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a non-Tributary token', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' }],
    ['an empty x-api-key', { 'x-api-key': ' ' }],
  ])('rejects a request with %s', async (_, headers) => {
    const auth = createAuthenticator({ keys: [tenantKey.record] });
    expect(await auth.authenticate(new Headers(headers))).toBeUndefined();
  });

  it('reads the bearer scheme case-insensitively', async () => {
    const auth = createAuthenticator({ keys: [tenantKey.record] });
    const headers = new Headers({ authorization: `bearer ${tenantKey.plaintext}` });
    expect(await auth.authenticate(headers)).toBeDefined();
  });

  it('rejects every request when the keys list is empty', async () => {
    const auth = createAuthenticator({ keys: [] });
    expect(auth.enabled).toBe(true);
    expect(await auth.authenticate(bearer(tenantKey.plaintext))).toBeUndefined();
  });

  it('rejects invalid key records given directly', () => {
    const bad = { ...tenantKey.record, salt: 'not hex' };
    expect(() => createAuthenticator({ keys: [bad] })).toThrow(/The keys option is invalid: keys\.0\.salt/);
  });
});

describe('createAuthenticator without keys', () => {
  it('is disabled and lets every request in as the anonymous principal', async () => {
    for (const auth of [createAuthenticator(undefined), createAuthenticator({})]) {
      expect(auth.enabled).toBe(false);
      const principal = await auth.authenticate(new Headers());
      expect(principal?.keyId).toBe('anonymous');
      expect(principal?.can('admin')).toBe(true);
    }
  });
});

describe('keys file', () => {
  it('is written with mode 0600 and read back by the authenticator', async () => {
    const path = join(dir, 'keys.json');
    await addKeyToFile(path, tenantKey.record);
    await addKeyToFile(path, adminKey.record);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readKeysFile(path)).map((k) => k.id)).toEqual([tenantKey.record.id, adminKey.record.id]);
    const auth = createAuthenticator({ keysFile: path });
    expect((await auth.authenticate(bearer(adminKey.plaintext)))?.keyId).toBe(adminKey.record.id);
    await expect(addKeyToFile(path, tenantKey.record)).rejects.toThrow(/already has a key with id/);
  });

  it('picks up removed keys on reload', async () => {
    const path = join(dir, 'reload.json');
    await writeKeysFile(path, [tenantKey.record]);
    const auth = createAuthenticator({ keysFile: path });
    expect(await auth.authenticate(bearer(tenantKey.plaintext))).toBeDefined();
    expect(await removeKeyFromFile(path, tenantKey.record.id)).toBe(true);
    expect(await removeKeyFromFile(path, tenantKey.record.id)).toBe(false);
    auth.reload();
    expect(await auth.authenticate(bearer(tenantKey.plaintext))).toBeUndefined();
  });

  it('names a missing file and says how to create keys', () => {
    const path = join(dir, 'missing.json');
    expect(() => createAuthenticator({ keysFile: path })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(new RegExp(`Keys file ${path} does not exist.*trib keys create`)),
      }),
    );
  });

  it('names a file that is not JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ "keys": [ ');
    expect(() => createAuthenticator({ keysFile: path })).toThrow(`Keys file ${path} is not valid JSON`);
  });

  it('lists every problem of an invalid file with its path', async () => {
    const path = join(dir, 'invalid.json');
    const good = tenantKey.record;
    await writeFile(
      path,
      JSON.stringify({
        keys: [
          { ...good, scopes: [{ permission: 'write', topics: ['a b'] }] },
          { ...good, createdAt: 'yesterday' },
          { id: 'x' },
        ],
      }),
    );
    let error: unknown;
    try {
      createAuthenticator({ keysFile: path });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const issues = (error as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(issues).toEqual(
      expect.arrayContaining([
        'keys.0.scopes.0.permission',
        'keys.0.scopes.0.topics.0',
        'keys.1.createdAt',
        'keys.2.hash',
        'keys.2.scopes',
      ]),
    );
    expect((error as Error).message).toContain(`Keys file ${path} is invalid: keys.0.scopes.0.permission`);
  });

  it('rejects two keys with one id', async () => {
    const path = join(dir, 'duplicate.json');
    await writeFile(path, JSON.stringify({ keys: [tenantKey.record, tenantKey.record] }));
    expect(() => createAuthenticator({ keysFile: path })).toThrow(/keys\.1\.id: duplicate key id/);
  });

  it('rejects a file without a keys array', async () => {
    const path = join(dir, 'shape.json');
    await writeFile(path, '[]');
    expect(() => createAuthenticator({ keysFile: path })).toThrow(/is invalid: \(root\)/);
  });
});
