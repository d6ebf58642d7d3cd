import type { z } from 'zod';
import type { Principal } from '../http/security.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** How a response of a route is documented. */
export interface ResponseDoc {
  readonly description: string;
  /** The JSON body (omitted: no body, or `contentType` says what it is). */
  readonly schema?: z.ZodType;
  /** Default `application/json` when `schema` is given. */
  readonly contentType?: string;
}

/** What a route handler receives: validated path, query and body, and the caller. */
export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The body's bytes, for routes with `rawBody` (read up to the size limit). */
  readonly bodyBytes: Uint8Array;
  readonly principal: Principal;
  readonly request: Request;
  /** The client's address, when the server runs on a socket. */
  readonly remoteAddress: string | undefined;
  /** Destroys the client's connection at once (for streams to a client that stopped reading). */
  readonly dropConnection: (() => void) | undefined;
}

/**
 * One route: its documentation and its handler. Path, query and JSON body are validated with
 * the Zod schemas before the handler runs (a 400 naming every bad field otherwise), and the same
 * schemas document the route in `/openapi.json`.
 */
export interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: HttpMethod;
  /** OpenAPI form: `/v1/topics/{topic}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  /** A JSON body, parsed and validated. */
  readonly body?: B;
  /** An empty body reads as `{}` (for bodies whose fields are all optional). */
  readonly optionalBody?: boolean;
  /** A body the handler reads itself (`bodyBytes`), documented per media type. */
  readonly rawBody?: {
    readonly description: string;
    readonly content: Readonly<Record<string, z.ZodType | undefined>>;
  };
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  /** Default true: the caller is authenticated (401 without credentials when auth is on). */
  readonly authenticated?: boolean;
  readonly handler: (
    input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>,
  ) => Promise<Response> | Response;
}

/** What the registry keeps of a route for the OpenAPI document and 405 answers. */
export interface RecordedRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly optionalBody?: boolean;
  readonly rawBody?: RouteDefinition<z.ZodType, z.ZodType, z.ZodType>['rawBody'];
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  readonly authenticated: boolean;
  /** Matches a concrete URL path. */
  readonly pattern: RegExp;
}
