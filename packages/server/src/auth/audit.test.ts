import { fromLogRecord } from '@tributary/core';
import { describe, expect, it } from 'vitest';
// The core's memory-bus fixtures (tests only).
import { testBus } from '../../../core/src/bus/test-support/fixtures.js';
import { AUDIT_TOPIC, auditAdminAction } from './audit.js';
import { ANONYMOUS, principalOf } from './principal.js';

const acmeAdmin = principalOf({
  id: 'k1',
  hash: '00',
  salt: '00',
  tenant: 'acme',
  scopes: [{ permission: 'admin', topics: ['orders.*'] }],
  createdAt: '2024-01-01T00:00:00Z',
});

async function auditEvents(bus: ReturnType<typeof testBus>['bus']) {
  const { records } = await bus.log.fetch(AUDIT_TOPIC, 0, 0n);
  return records.map(fromLogRecord);
}

describe('auditAdminAction', () => {
  it('creates tributary.audit and appends a tributary.admin.action event', async () => {
    const { bus } = testBus();
    await auditAdminAction(bus, acmeAdmin, 'topic.delete', { topic: 'orders.eu', offset: 12n });
    const [event] = await auditEvents(bus);
    expect(event).toMatchObject({
      type: 'tributary.admin.action',
      subject: 'topic.delete',
      tenantid: 'acme',
      data: {
        keyId: 'k1',
        tenant: 'acme',
        action: 'topic.delete',
        details: { topic: 'orders.eu', offset: '12' },
      },
    });
    expect((await bus.log.describeTopic(AUDIT_TOPIC)).config.retentionMs).toBe(-1);
  });

  it('appends to an existing audit topic, in order', async () => {
    const { bus } = testBus();
    await bus.createTopic(AUDIT_TOPIC);
    await auditAdminAction(bus, ANONYMOUS, 'offsets.reset', { group: 'billing' });
    await auditAdminAction(bus, ANONYMOUS, 'dead-letters.redrive', { group: 'billing', redriven: 3 });
    const events = await auditEvents(bus);
    expect(events.map((e) => e.subject)).toEqual(['offsets.reset', 'dead-letters.redrive']);
    expect(events[0]?.tenantid).toBeUndefined();
    expect(events[0]?.data).toMatchObject({ keyId: 'anonymous' });
  });

  it('records nothing for an empty action', async () => {
    const { bus } = testBus();
    await expect(auditAdminAction(bus, ANONYMOUS, '', {})).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    expect(await auditEvents(bus)).toEqual([]);
  });
});
