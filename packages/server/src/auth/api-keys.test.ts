import { describe, expect, it } from 'vitest';
import { createApiKey, parseApiKey, verifySecret } from './api-keys.js';

describe('createApiKey', () => {
  it('returns a trib_<id>_<secret> key and a record that holds only a salted hash', async () => {
    const { record, plaintext } = await createApiKey({
      tenant: 'acme',
      scopes: [{ permission: 'produce', topics: ['orders.*'] }],
    });
    const parsed = parseApiKey(plaintext);
    expect(parsed?.id).toBe(record.id);
    const secret = parsed?.secret ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(JSON.stringify(record)).not.toContain(secret);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(record).toMatchObject({
      tenant: 'acme',
      scopes: [{ permission: 'produce', topics: ['orders.*'] }],
    });
    expect(Number.isNaN(Date.parse(record.createdAt))).toBe(false);
    expect(await verifySecret(record, secret)).toBe(true);
    expect(await verifySecret(record, `${secret.slice(0, -1)}x`)).toBe(false);
  });

  it('salts every key differently, so equal secrets would not share a hash', async () => {
    const scopes = [{ permission: 'consume' as const, topics: ['*'] }];
    const [a, b] = await Promise.all([createApiKey({ scopes }), createApiKey({ scopes })]);
    expect(a.record.salt).not.toBe(b.record.salt);
    expect(a.record.id).not.toBe(b.record.id);
    expect(a.record).not.toHaveProperty('tenant');
  });

  it.each([
    ['no scopes', { scopes: [] }, /at least one scope/],
    ['an unknown permission', { scopes: [{ permission: 'write', topics: ['x'] }] }, /scopes\.0\.permission/],
    ['no topics', { scopes: [{ permission: 'produce', topics: [] }] }, /scopes\.0\.topics/],
    ['a bad pattern', { scopes: [{ permission: 'produce', topics: ['or*ders'] }] }, /scopes\.0\.topics\.0/],
    ['an empty tenant', { tenant: ' ', scopes: [{ permission: 'produce', topics: ['x'] }] }, /tenant/],
  ])('rejects %s with INVALID_ARGUMENT', async (_, options, message) => {
    // @ts-expect-error deliberately bad input
    await expect(createApiKey(options)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message });
  });
});

describe('parseApiKey', () => {
  it.each([
    ['another prefix', 'sk_abc_0123456789abcdef0123'],
    ['no secret', 'trib_abc'],
    ['an empty id', 'trib__0123456789abcdef0123'],
    ['a short secret', 'trib_abc_short'],
    ['characters outside base64url', 'trib_abc_0123456789abcdef01+/'],
  ])('rejects a key with %s', (_, key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });

  it('keeps underscores inside the secret', () => {
    expect(parseApiKey('trib_abc_0123456789_abcdef0123')).toEqual({
      id: 'abc',
      secret: '0123456789_abcdef0123',
    });
  });
});
