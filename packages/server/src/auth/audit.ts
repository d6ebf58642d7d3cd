/**
 * The audit trail: every administrative action (topic created or deleted, offsets reset, dead
 * letters redriven, …) as a CloudEvent on the internal topic `tributary.audit`.
 */
import { type Bus, defineEvent, isTributaryError } from '@tributary/core';
import { z } from 'zod';
import type { Principal } from './types.js';

/** The internal topic audit events go to. */
export const AUDIT_TOPIC = 'tributary.audit';

/** `tributary.admin.action`: who (key and tenant) did what (`action`), with which details. */
export const AdminAction = defineEvent('tributary.admin.action', {
  version: 1,
  topic: AUDIT_TOPIC,
  source: '/tributary/server',
  description: 'An administrative action taken through the Tributary server.',
  schema: z.object({
    keyId: z.string(),
    tenant: z.string().optional(),
    action: z.string().min(1),
    details: z.record(z.string(), z.unknown()),
  }),
});

// Audit events are rare and worth keeping: no time-based retention.
const AUDIT_TOPIC_CONFIG = { partitions: 1, retentionMs: -1 } as const;

const ensured = new WeakMap<Bus, Promise<void>>();

/** Creates the audit topic unless it exists (once per bus; tried again after a failure). */
function ensureAuditTopic(bus: Bus): Promise<void> {
  let ready = ensured.get(bus);
  if (ready === undefined) {
    ready = bus.log.describeTopic(AUDIT_TOPIC).then(
      () => undefined,
      async (err: unknown) => {
        if (!isTributaryError(err, 'UNKNOWN_TOPIC')) throw err;
        await bus.createTopic(AUDIT_TOPIC, AUDIT_TOPIC_CONFIG).catch((error: unknown) => {
          if (!isTributaryError(error, 'TOPIC_EXISTS')) throw error;
        });
      },
    );
    ready.catch(() => ensured.delete(bus));
    ensured.set(bus, ready);
  }
  return ready;
}

/** `details` as plain JSON (bigints as decimal strings, dates as ISO strings). */
function plainDetails(details: object): Record<string, unknown> {
  const json = JSON.stringify(details, (_, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  const parsed: unknown = json === undefined ? {} : JSON.parse(json);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { value: parsed };
}

/**
 * Appends a `tributary.admin.action` event for `action` by `principal` to `tributary.audit`
 * (created on first use). The event's `tenantid` is the principal's tenant, so a tenant sees its
 * own actions; `subject` is the action, for filtering.
 */
export async function auditAdminAction(
  bus: Bus,
  principal: Principal,
  action: string,
  details: object,
): Promise<void> {
  await ensureAuditTopic(bus);
  const event = AdminAction.create(
    {
      keyId: principal.keyId,
      ...(principal.tenant === undefined ? {} : { tenant: principal.tenant }),
      action,
      details: plainDetails(details),
    },
    { subject: action, ...(principal.tenant === undefined ? {} : { tenantid: principal.tenant }) },
  );
  await bus.publish(event);
}
