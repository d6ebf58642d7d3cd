/**
 * The Tributary HTTP API as a Hono app over a bus (and optionally an event store). `startServer`
 * puts it on a socket; tests call `server.fetch` / `server.app.request` directly.
 */
import { readFileSync } from 'node:fs';
import type { Bus, EventStore } from '@tributary/core';
import { Hono } from 'hono';
import type { AuditAction, RouteDeps, TailLimits } from './http/app-env.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/body.js';
import { stringifyJson } from './http/json.js';
import { Lifecycle } from './http/lifecycle.js';
import { MemberRegistry } from './http/members/member-registry.js';
import { type HttpMetrics, NO_METRICS, type ServerLogger, SILENT_LOGGER } from './http/observability.js';
import { problem, problemResponse } from './http/problem.js';
import { AUTH_OFF, type Authenticator } from './http/security.js';
import { RouteRegistry } from './openapi/registry.js';
import type { RecordedRoute } from './openapi/route-types.js';
import { registerConsumeRoutes } from './routes/consume.js';
import { registerDeadLetterRoutes } from './routes/dead-letters.js';
import { registerGroupMemberRoutes } from './routes/group-members.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerProduceRoutes } from './routes/produce.js';
import { registerStoreRoutes } from './routes/store.js';
import { registerTailRoutes } from './routes/tail.js';
import { registerTopicRoutes } from './routes/topics.js';

/** Options of {@link createServer}. */
export interface CreateServerOptions {
  /** The bus the API serves (from `connect('file:<dir>')`). Not closed by the server. */
  readonly bus: Bus;
  /** The event store behind `/v1/streams` and `/v1/events`; without one they answer 404. Not closed. */
  readonly store?: EventStore;
  /** Who may do what; default: auth off (everything allowed, any tenant). */
  readonly authenticator?: Authenticator;
  /** HTTP metrics and `/metrics`; default none. */
  readonly metrics?: HttpMetrics;
  /** Default: silent. */
  readonly logger?: ServerLogger;
  /** Records admin actions (topic create/delete, offset resets, re-drives); default a log line. */
  readonly audit?: AuditAction;
  /** Largest accepted request body; default 1 MiB (larger → 413). */
  readonly maxBodyBytes?: number;
  /** Session timeout of HTTP group members that do not ask for their own; default 30 s. */
  readonly memberSessionTimeoutMs?: number;
  readonly tail?: Partial<TailLimits>;
}

/** The API: a Hono app plus what it needs to shut down. */
export interface TributaryServer {
  readonly app: Hono;
  /**
   * Handles one request (the Fetch API handler). `env` is what the HTTP server adapter passes
   * along (`@hono/node-server`: the Node request and response, for the client's address).
   */
  readonly fetch: (request: Request, env?: unknown) => Promise<Response>;
  /** Every route, as documented in `/openapi.json`. */
  readonly routes: readonly RecordedRoute[];
  /**
   * Ends SSE streams and long-polling fetches, removes HTTP group members (uncommitted events are
   * read again by the next member) and answers 503 from then on; waits for them at most
   * `timeoutMs` (default 5 s). The bus and the store stay open: their owner closes them.
   */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

const VERSION = packageVersion();

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`createServer: ${name} must be a positive integer, received ${String(value)}.`);
  }
  return value;
}

/** Creates the HTTP API over `options.bus`. */
export function createServer(options: CreateServerOptions): TributaryServer {
  const app = new Hono();
  const logger = options.logger ?? SILENT_LOGGER;
  const lifecycle = new Lifecycle();
  const deps: RouteDeps = {
    bus: options.bus,
    store: options.store,
    authenticator: options.authenticator ?? AUTH_OFF,
    metrics: options.metrics ?? NO_METRICS,
    logger,
    audit: options.audit ?? logAudit(logger),
    lifecycle,
    members: new MemberRegistry(options.bus, logger),
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
    memberSessionTimeoutMs: positiveInteger('memberSessionTimeoutMs', options.memberSessionTimeoutMs, 30_000),
    tail: {
      maxBytesPerFetch: positiveInteger('tail.maxBytesPerFetch', options.tail?.maxBytesPerFetch, 256 * 1024),
      heartbeatMs: positiveInteger('tail.heartbeatMs', options.tail?.heartbeatMs, 15_000),
    },
  };
  const registry = new RouteRegistry(app, deps);
  registerHealthRoutes(registry, deps, VERSION);
  registerTopicRoutes(registry, deps);
  registerProduceRoutes(registry, deps);
  registerConsumeRoutes(registry, deps);
  registerTailRoutes(registry, deps);
  registerGroupRoutes(registry, deps);
  registerGroupMemberRoutes(registry, deps);
  registerDeadLetterRoutes(registry, deps);
  registerStoreRoutes(registry, deps);

  app.notFound((c) => {
    const { body, headers } = notFoundOrNotAllowed(registry.routes, c.req.method, c.req.path);
    return problemResponse(body, headers);
  });
  app.onError((err, c) => registry.errorResponse(err, c.req.method, c.req.path));

  let closing: Promise<void> | undefined;
  return {
    app,
    fetch: async (request, env) => app.fetch(request, env),
    routes: registry.routes,
    close: (closeOptions) => {
      closing ??= (async () => {
        const timeoutMs = closeOptions?.timeoutMs ?? 5000;
        const members = deps.members.close();
        await lifecycle.shutdown(timeoutMs);
        await members;
      })();
      return closing;
    },
  };
}

/** 405 with `Allow` when the path exists with other methods, else 404. */
function notFoundOrNotAllowed(routes: readonly RecordedRoute[], method: string, path: string) {
  const allowed = routes.filter((r) => r.pattern.test(path)).map((r) => r.method.toUpperCase());
  if (allowed.length > 0) {
    const body = problem(
      405,
      'METHOD_NOT_ALLOWED',
      `${method} is not supported on ${path}; use ${allowed.join(', ')}.`,
      undefined,
      {
        allow: allowed,
      },
    );
    return { body, headers: { allow: allowed.join(', ') } };
  }
  return {
    body: problem(
      404,
      'NOT_FOUND',
      `There is no route ${method} ${path}. The API is described at /openapi.json.`,
    ),
    headers: undefined,
  };
}

function logAudit(logger: ServerLogger): AuditAction {
  return async (principal, action, details) => {
    logger.info(
      {
        audit: true,
        keyId: principal.keyId,
        tenant: principal.tenant,
        action,
        details: JSON.parse(stringifyJson(details)),
      },
      'admin action',
    );
  };
}

function packageVersion(): string {
  try {
    const json: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (typeof json === 'object' && json !== null && 'version' in json && typeof json.version === 'string') {
      return json.version;
    }
  } catch {
    // bundled without its package.json: fall through
  }
  return '0.0.0';
}
