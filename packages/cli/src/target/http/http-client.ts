import { CliError, EXIT, type ExitCode, failure } from '../../exit-codes.js';
import { toJson } from '../../output/json.js';

/** A problem-details body (RFC 9457) as the server sends it. */
interface ProblemBody {
  readonly detail?: unknown;
  readonly title?: unknown;
  readonly code?: unknown;
  readonly issues?: unknown;
}

/** A failed request: the server's problem details, with the exit code its status maps to. */
export class HttpError extends CliError {
  override readonly name: string = 'HttpError';

  constructor(
    exitCode: ExitCode,
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(exitCode, message);
  }
}

function exitCodeForStatus(status: number): ExitCode {
  if (status === 404 || status === 410) return EXIT.NOT_FOUND;
  if (status === 400 || status === 413 || status === 415 || status === 422) return EXIT.USAGE;
  return EXIT.FAILURE;
}

function issuesOf(value: unknown): { path: string; message: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((issue: unknown) =>
    typeof issue === 'object' && issue !== null && 'message' in issue
      ? [{ path: 'path' in issue ? String(issue.path) : '', message: String(issue.message) }]
      : [],
  );
}

export interface HttpClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** API key, sent as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
}

/** A request to send. `body` objects are sent as JSON with bigints as decimal strings. */
export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

/** JSON over fetch with the server's conventions: problem details, bigints as strings, bearer keys. */
export class HttpClient {
  readonly base: URL;

  constructor(private readonly options: HttpClientOptions) {
    try {
      this.base = new URL(options.url);
    } catch {
      throw new CliError(EXIT.USAGE, `--url "${options.url}" is not a URL; use e.g. http://127.0.0.1:8080.`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new CliError(EXIT.USAGE, `--url must be an http:// or https:// URL, got "${options.url}".`);
    }
  }

  /** Sends a request; resolves with the parsed JSON body (undefined for 204), rejects with {@link HttpError}. */
  async request(req: HttpRequest): Promise<unknown> {
    const url = new URL(
      req.path.replace(/^\//, ''),
      this.base.href.endsWith('/') ? this.base : `${this.base.href}/`,
    );
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.options.apiKey !== undefined) headers.authorization = `Bearer ${this.options.apiKey}`;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json';
      body = toJson(req.body);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: req.method ?? 'GET',
        headers,
        ...(body !== undefined && { body }),
        ...(req.signal !== undefined && { signal: req.signal }),
      });
    } catch (err) {
      if (req.signal?.aborted === true) throw err;
      throw this.unreachable(err);
    }
    const text = await response.text();
    if (!response.ok) throw this.problem(response, text);
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw failure(`The server at ${this.base.origin} answered ${req.path} with a body that is not JSON.`);
    }
  }

  private unreachable(err: unknown): CliError {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const code =
      cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
    return failure(
      `Cannot reach the Tributary server at ${this.base.origin}${code}: is the server running? ` +
        'Start it with `trib serve`, or pass the right address with --url (or TRIB_URL).',
      err,
    );
  }

  private problem(response: Response, text: string): HttpError {
    let body: ProblemBody = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) body = parsed;
    } catch {
      // not problem details: describe the status alone
    }
    const status = response.status;
    const detail =
      typeof body.detail === 'string'
        ? body.detail
        : `${status} ${typeof body.title === 'string' ? body.title : response.statusText}`;
    let message = detail;
    if (status === 401) {
      message = `${detail}\nThe server requires an API key: pass --api-key <key> (or set TRIB_API_KEY).`;
    } else if (status === 403) {
      message = `${detail}\nThe API key lacks the permission this needs: use a key with that permission.`;
    }
    const code = typeof body.code === 'string' ? body.code : undefined;
    return new HttpError(exitCodeForStatus(status), message, status, code, issuesOf(body.issues));
  }
}
