/**
 * RFC 9457 problem details: every error response of the server is one
 * `application/problem+json` object `{ type, title, status, detail, code, issues? }`.
 */
import type { FieldIssue } from '@tributary/core';
import { stringifyJson } from './json.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Codes of problems raised by the HTTP layer itself (Tributary errors keep their own codes). */
export type HttpProblemCode =
  | 'INVALID_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'UNKNOWN_GROUP'
  | 'UNKNOWN_MEMBER'
  | 'GROUP_NOT_EMPTY'
  | 'NO_EVENT_STORE'
  | 'UNKNOWN_DEAD_LETTER'
  | 'SHUTTING_DOWN'
  | 'INTERNAL';

/** The body of a problem response. */
export interface Problem {
  /** A URI naming the problem kind: `urn:tributary:problem:<code>`. */
  readonly type: string;
  /** Short, the same for every occurrence of the kind. */
  readonly title: string;
  readonly status: number;
  /** What went wrong this time and how to fix it. */
  readonly detail: string;
  /** A Tributary error code or an {@link HttpProblemCode}. */
  readonly code: string;
  /** Every bad field of the request (path, query, header or body field), when the problem is input. */
  readonly issues?: readonly FieldIssue[];
  /** Extra members (e.g. `expected`/`actual` of a version conflict, `allow` of a 405). */
  readonly [extension: string]: unknown;
}

/** An error an HTTP handler throws to answer with a problem (not logged as a server fault). */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly FieldIssue[],
    /** Extra problem members. */
    readonly extensions?: Readonly<Record<string, unknown>>,
    /** Extra response headers (e.g. `Allow`, `WWW-Authenticate`). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** A 400 naming the bad fields. */
export function badRequest(message: string, issues: readonly FieldIssue[]): HttpProblem {
  return new HttpProblem(400, 'INVALID_REQUEST', message, issues);
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Builds the problem body. */
export function problem(
  status: number,
  code: string,
  detail: string,
  issues?: readonly FieldIssue[],
  extensions?: Readonly<Record<string, unknown>>,
): Problem {
  return {
    ...extensions,
    type: `urn:tributary:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(issues !== undefined && issues.length > 0 ? { issues: issues.map(copyIssue) } : {}),
  };
}

function copyIssue(issue: FieldIssue): FieldIssue {
  return { path: issue.path, message: issue.message };
}

/** The response carrying a problem. */
export function problemResponse(body: Problem, headers?: Readonly<Record<string, string>>): Response {
  return new Response(stringifyJson(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}
