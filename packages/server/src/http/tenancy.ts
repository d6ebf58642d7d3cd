/**
 * Tenant isolation. A principal confined to a tenant only writes events of its tenant (an event
 * without `tenantid` gets it) and only sees events of its tenant; every route applies these.
 */
import type { CloudEvent, LogRecord } from '@tributary/core';
import { HttpProblem } from './problem.js';
import type { Principal } from './security.js';

const decoder = new TextDecoder();

/**
 * The event as `principal` may write it: `tenantid` set to the principal's tenant when absent.
 * @throws HttpProblem 403 when the event names another tenant.
 */
export function stampTenant(event: CloudEvent, principal: Principal, path = 'tenantid'): CloudEvent {
  const tenant = principal.tenant;
  if (tenant === undefined) return event;
  if (event.tenantid === undefined) return { ...event, tenantid: tenant };
  if (event.tenantid === tenant) return event;
  throw new HttpProblem(
    403,
    'FORBIDDEN',
    `API key "${principal.keyId}" belongs to tenant "${tenant}" and cannot write events of tenant "${event.tenantid}". Omit tenantid or set it to "${tenant}".`,
    [{ path, message: `must be "${tenant}" (or absent)` }],
  );
}

/** The `ce_tenantid` of a record, read from its header without decoding the event. */
export function recordTenant(headers: LogRecord['headers']): string | undefined {
  for (const header of headers) {
    if (header.key === 'ce_tenantid' && header.value !== null) return decoder.decode(header.value);
  }
  return undefined;
}

/** Whether `principal` may see a record with these headers. */
export function canSeeRecord(principal: Principal, headers: LogRecord['headers']): boolean {
  return principal.tenant === undefined || recordTenant(headers) === principal.tenant;
}

/**
 * The tenant a request acts for: the principal's, or for an unrestricted principal the one it
 * asks for (`requested`, e.g. `?tenant=`). @throws HttpProblem 403 for another tenant.
 */
export function effectiveTenant(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.tenant === undefined) return requested;
  if (requested === undefined || requested === principal.tenant) return principal.tenant;
  throw new HttpProblem(
    403,
    'FORBIDDEN',
    `API key "${principal.keyId}" belongs to tenant "${principal.tenant}" and cannot act for tenant "${requested}".`,
    [{ path: 'tenant', message: `must be "${principal.tenant}" (or absent)` }],
  );
}
