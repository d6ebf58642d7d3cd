/**
 * The JSON-over-HTTP transport of the remote client: global `fetch`, the API key header, request
 * timeouts, and problem responses (RFC 9457) turned into {@link RemoteError}s.
 */
import { type ErrorCode, ErrorCodes, TributaryError } from '../errors/errors.js';

/**
 * An error from a Tributary server, or reaching it. `code` is the server's Tributary error code
 * when it sent one (`UNKNOWN_TOPIC`, `TOPIC_EXISTS`, `NOT_ASSIGNED`, …); for HTTP-level problems it
 * is the nearest Tributary code and `problemCode` holds the server's own (`UNAUTHORIZED`,
 * `UNKNOWN_MEMBER`, `SHUTTING_DOWN`, …). `status` is 0 when the server could not be reached.
 */
export class RemoteError extends TributaryError {
  override readonly name: string = 'RemoteError';

  constructor(
    code: ErrorCode,
    message: string,
    /** The HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** The `code` member of the server's problem response, or `UNREACHABLE` / `HTTP_<status>`. */
    readonly problemCode: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, message, options);
  }
}

/** Options of the transport. */
export interface HttpClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string | undefined;
  /** Abort a request (not a long poll's wait) after this long. Default 30 000 ms. */
  readonly requestTimeoutMs?: number | undefined;
}

/** One request: method, path below the base URL, JSON body or raw text with its content type. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly json?: unknown;
  readonly body?: { readonly text: string; readonly contentType: string };
  /** Extra time the server may hold the request (a long poll). */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Talks JSON to one server. */
export class HttpClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly options: HttpClientOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** The server's address (without credentials), for messages. */
  get url(): string {
    return this.base;
  }

  /**
   * Sends a request and parses the JSON answer (`undefined` for 204).
   * @throws RemoteError for a problem response or when the server cannot be reached.
   */
  async request(req: HttpRequest): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey !== undefined) headers.authorization = `Bearer ${this.options.apiKey}`;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = req.body.contentType;
      body = req.body.text;
    } else if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    const timeout = AbortSignal.timeout(
      (this.options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS) + (req.waitMs ?? 0),
    );
    const signal = req.signal === undefined ? timeout : AbortSignal.any([timeout, req.signal]);
    let response: Response;
    try {
      response = await fetch(`${this.base}${req.path}`, {
        method: req.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
      });
    } catch (err) {
      if (req.signal?.aborted === true) throw err;
      const why = timeout.aborted ? 'did not answer in time' : `could not be reached (${describe(err)})`;
      throw new RemoteError(
        'UNSUPPORTED_CONNECTION',
        `The Tributary server at ${this.base} ${why}: ${req.method} ${req.path} failed. Check that the server is running (npm start / trib serve) and the URL is right.`,
        0,
        'UNREACHABLE',
        { cause: err, retryable: true },
      );
    }
    const text = await response.text();
    if (!response.ok) throw this.problemError(req, response.status, text);
    if (text === '') return undefined;
    return JSON.parse(text);
  }

  private problemError(req: HttpRequest, status: number, text: string): RemoteError {
    const problem = parseProblem(text);
    const serverCode = problem?.code ?? `HTTP_${status}`;
    const detail = problem?.detail ?? (text.slice(0, 200) || `HTTP ${status}`);
    const where = `${req.method} ${this.base}${req.path}`;
    if (status === 401) {
      return new RemoteError(
        'UNSUPPORTED_CONNECTION',
        `The Tributary server at ${this.base} needs an API key (${detail}): pass it as connect(url, { apiKey }) (create one with \`trib keys create\`).`,
        status,
        serverCode,
      );
    }
    const known = (ErrorCodes as readonly string[]).includes(serverCode)
      ? (serverCode as ErrorCode)
      : undefined;
    const code: ErrorCode = known ?? (status >= 500 ? 'STORAGE_FAILURE' : 'INVALID_ARGUMENT');
    const retryable = status >= 500 || status === 429 || serverCode === 'REBALANCE_IN_PROGRESS';
    return new RemoteError(
      code,
      `${where} failed with ${status} ${serverCode}: ${detail}`,
      status,
      serverCode,
      {
        retryable,
      },
    );
  }
}

interface ProblemBody {
  readonly code?: string;
  readonly detail?: string;
}

function parseProblem(text: string): ProblemBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const code = Reflect.get(parsed, 'code');
    const detail = Reflect.get(parsed, 'detail');
    return {
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof detail === 'string' ? { detail } : {}),
    };
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause ? String(cause.code) : undefined;
    return code === undefined ? cause.message : `${code}: ${cause.message}`;
  }
  return err.message;
}
