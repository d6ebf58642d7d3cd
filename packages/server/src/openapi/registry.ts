/**
 * The route registry: every route is added here once, which both mounts it on the Hono app (with
 * authentication, validation, error mapping and metrics around the handler) and records it for
 * `/openapi.json`, so the documentation cannot drift from what the server checks.
 */
import { Socket } from 'node:net';
import type { FieldIssue } from '@tributary/core';
import type { Hono } from 'hono';
import type { z } from 'zod';
import type { RouteDeps } from '../http/app-env.js';
import { parseJsonBody, readBodyBytes } from '../http/body.js';
import { mapError } from '../http/error-mapping.js';
import { badRequest, HttpProblem, problemResponse } from '../http/problem.js';
import { ANONYMOUS, type Principal, unauthorized } from '../http/security.js';
import type { RecordedRoute, RouteDefinition } from './route-types.js';

const EMPTY = new Uint8Array(0);

export class RouteRegistry {
  private readonly recorded: RecordedRoute[] = [];

  constructor(
    private readonly app: Hono,
    private readonly deps: Pick<
      RouteDeps,
      'authenticator' | 'metrics' | 'logger' | 'lifecycle' | 'maxBodyBytes'
    >,
  ) {}

  /** Every route added, in order. */
  get routes(): readonly RecordedRoute[] {
    return this.recorded;
  }

  /** Mounts and records a route. */
  add<
    P extends z.ZodType = z.ZodUnknown,
    Q extends z.ZodType = z.ZodUnknown,
    B extends z.ZodType = z.ZodUnknown,
  >(route: RouteDefinition<P, Q, B>): void {
    this.recorded.push({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      tag: route.tag,
      responses: route.responses,
      authenticated: route.authenticated ?? true,
      pattern: patternOf(route.path),
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.params === undefined ? {} : { params: route.params }),
      ...(route.query === undefined ? {} : { query: route.query }),
      ...(route.body === undefined ? {} : { body: route.body }),
      ...(route.optionalBody === undefined ? {} : { optionalBody: route.optionalBody }),
      ...(route.rawBody === undefined ? {} : { rawBody: route.rawBody }),
    });
    const honoPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    const method = route.method.toUpperCase();
    this.app.on(method, honoPath, async (c) => {
      const started = performance.now();
      let response: Response;
      try {
        response = await this.handle(route, c.req.raw, c.req.param(), c.req.query(), socketOf(c.env));
      } catch (err) {
        response = this.errorResponse(err, route.method, c.req.path);
      }
      this.deps.metrics.observeHttp(method, honoPath, response.status, (performance.now() - started) / 1000);
      return response;
    });
  }

  /** The answer for a failure: a problem, logged when it is the server's fault. */
  errorResponse(err: unknown, method: string, path: string): Response {
    const mapped = mapError(err);
    if (mapped.fault) this.deps.logger.error({ err, method: method.toUpperCase(), path }, 'request failed');
    return problemResponse(mapped.body, mapped.headers);
  }

  private async handle<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    route: RouteDefinition<P, Q, B>,
    request: Request,
    rawParams: Record<string, string>,
    rawQuery: Record<string, string>,
    socket: Socket | undefined,
  ): Promise<Response> {
    if (this.deps.lifecycle.closing) {
      throw new HttpProblem(
        503,
        'SHUTTING_DOWN',
        'The server is shutting down; retry against another instance or after it restarts.',
        undefined,
        undefined,
        { connection: 'close' },
      );
    }
    const principal = await this.authenticate(route.authenticated ?? true, request.headers);
    const issues: FieldIssue[] = [];
    const params = validate(route.params, rawParams, issues);
    const query = validate(route.query, rawQuery, issues);
    if (issues.length > 0) throw badRequest(describeIssues('The request', issues), issues);
    let bodyBytes: Uint8Array = EMPTY;
    let body: unknown;
    if (route.body !== undefined || route.rawBody !== undefined) {
      bodyBytes = await readBodyBytes(request, this.deps.maxBodyBytes);
    }
    if (route.body !== undefined) {
      const json = route.optionalBody === true && bodyBytes.byteLength === 0 ? {} : parseJsonBody(bodyBytes);
      body = validate(route.body, json, issues);
      if (issues.length > 0) throw badRequest(describeIssues('The request body', issues), issues);
    }
    return route.handler({
      params: params as z.output<P>,
      query: query as z.output<Q>,
      body: body as z.output<B>,
      bodyBytes,
      principal,
      request,
      remoteAddress: socket?.remoteAddress,
      dropConnection: socket === undefined ? undefined : () => socket.destroy(),
    });
  }

  private async authenticate(required: boolean, headers: Headers): Promise<Principal> {
    if (!required) return ANONYMOUS;
    const principal = await this.deps.authenticator.authenticate(headers);
    if (principal === undefined) throw unauthorized();
    return principal;
  }
}

/** Parses `value` with `schema`, adding its issues (paths dotted) to `issues`. */
function validate(schema: z.ZodType | undefined, value: unknown, issues: FieldIssue[]): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ path: issue.path.map(String).join('.') || '(body)', message: issue.message });
  }
  return undefined;
}

function describeIssues(what: string, issues: readonly FieldIssue[]): string {
  return `${what} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`;
}

/** The client's socket under @hono/node-server (`env.incoming.socket`); undefined elsewhere (tests). */
function socketOf(env: unknown): Socket | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = env.incoming;
  if (typeof incoming !== 'object' || incoming === null || !('socket' in incoming)) return undefined;
  return incoming.socket instanceof Socket ? incoming.socket : undefined;
}

/** A RegExp matching the concrete paths of an OpenAPI path template. */
function patternOf(path: string): RegExp {
  const source = path
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}/?$`);
}
