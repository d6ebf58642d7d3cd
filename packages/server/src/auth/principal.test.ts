import { describe, expect, it } from 'vitest';
import { ANONYMOUS, principalOf } from './principal.js';
import { matchesTopic } from './topic-patterns.js';
import type { ApiKeyRecord, Permission } from './types.js';

function keyWith(scopes: ApiKeyRecord['scopes'], tenant?: string): ApiKeyRecord {
  return { id: 'k1', hash: '00', salt: '00', scopes, createdAt: '2024-01-01T00:00:00Z', tenant };
}

describe('topic patterns', () => {
  it.each([
    ['orders', 'orders', true],
    ['orders', 'orders.eu', false],
    ['orders', 'order', false],
    ['orders.*', 'orders.eu', true],
    ['orders.*', 'orders.eu.late', true],
    ['orders.*', 'orders', false],
    ['orders.*', 'ordersx', false],
    ['orders-*', 'orders-2024', true],
    ['*', 'anything.at.all', true],
  ])('%s matches %s: %s', (pattern, topic, expected) => {
    expect(matchesTopic(pattern, topic)).toBe(expected);
  });
});

describe('principal permissions', () => {
  const producer = principalOf(
    keyWith(
      [
        { permission: 'produce', topics: ['orders.*'] },
        { permission: 'consume', topics: ['orders.eu', 'payments'] },
      ],
      'acme',
    ),
  );
  const admin = principalOf(keyWith([{ permission: 'admin', topics: ['*'] }]));

  it.each<[string, Permission, string | undefined, boolean]>([
    ['produces on a topic under its prefix', 'produce', 'orders.eu', true],
    ['does not produce outside its prefix', 'produce', 'payments', false],
    ['consumes a topic it names exactly', 'consume', 'payments', true],
    ['does not consume a topic it may only produce to', 'consume', 'orders.us', false],
    ['may produce somewhere (no topic given)', 'produce', undefined, true],
    ['is no admin', 'admin', undefined, false],
    ['is no admin of its own topics', 'admin', 'orders.eu', false],
  ])('a scoped key %s', (_, permission, topic, expected) => {
    expect(producer.can(permission, topic)).toBe(expected);
  });

  it('carries the key id and tenant', () => {
    expect(producer.keyId).toBe('k1');
    expect(producer.tenant).toBe('acme');
    expect(admin.tenant).toBeUndefined();
  });

  it('lets an admin scope produce and consume its topics too', () => {
    expect(admin.can('admin', 'x')).toBe(true);
    expect(admin.can('produce', 'x')).toBe(true);
    expect(admin.can('consume')).toBe(true);
    const ordersAdmin = principalOf(keyWith([{ permission: 'admin', topics: ['orders.*'] }]));
    expect(ordersAdmin.can('consume', 'orders.eu')).toBe(true);
    expect(ordersAdmin.can('consume', 'payments')).toBe(false);
  });

  it('lets the anonymous principal of a server without auth do anything', () => {
    expect(ANONYMOUS.keyId).toBe('anonymous');
    expect(ANONYMOUS.tenant).toBeUndefined();
    expect(ANONYMOUS.can('admin', 'any')).toBe(true);
  });
});
