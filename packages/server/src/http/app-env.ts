import type { Bus, EventStore } from '@tributary/core';
import type { Lifecycle } from './lifecycle.js';
import type { MemberRegistry } from './members/member-registry.js';
import type { HttpMetrics, ServerLogger } from './observability.js';
import type { Authenticator, Principal } from './security.js';

/** Records an administrative action (topic created, offsets reset, dead letters re-driven, …). */
export type AuditAction = (principal: Principal, action: string, details: object) => Promise<void>;

/** Everything a route needs: the bus, the optional event store, auth, observability, shutdown. */
export interface RouteDeps {
  readonly bus: Bus;
  readonly store: EventStore | undefined;
  readonly authenticator: Authenticator;
  readonly metrics: HttpMetrics;
  readonly logger: ServerLogger;
  readonly audit: AuditAction;
  readonly lifecycle: Lifecycle;
  readonly members: MemberRegistry;
  readonly maxBodyBytes: number;
  /** Default session timeout of HTTP group members. */
  readonly memberSessionTimeoutMs: number;
  readonly tail: TailLimits;
}

/** Limits of SSE tails. */
export interface TailLimits {
  /** Bytes read from the log per partition per fetch (also the most a stream holds per partition). */
  readonly maxBytesPerFetch: number;
  /** A comment line is sent when nothing else was for this long, so dead connections are noticed. */
  readonly heartbeatMs: number;
}
