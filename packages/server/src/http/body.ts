/**
 * Reading request bodies with a size limit: the body is read in chunks and the request is
 * answered 413 as soon as it passes the limit, so an oversized upload never sits in memory.
 */
import { badRequest, HttpProblem } from './problem.js';

/** The default request body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): HttpProblem {
  return new HttpProblem(
    413,
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the server's limit of ${limit} bytes. Send smaller requests (split a batch), or start the server with a larger maxBodyBytes.`,
  );
}

/** The body's bytes (empty when there is none). @throws HttpProblem 413 past `limit`. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The body as UTF-8 text. @throws HttpProblem 400 when it is not UTF-8. */
export function bodyText(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw badRequest('The request body is not valid UTF-8.', [
      { path: '(body)', message: 'not valid UTF-8' },
    ]);
  }
}

/** The body parsed as JSON. @throws HttpProblem 400 naming the body when it is missing or not JSON. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const text = bodyText(bytes);
  if (text.trim() === '') {
    throw badRequest('The request needs a JSON body.', [{ path: '(body)', message: 'required' }]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw badRequest(`The request body is not valid JSON: ${why}`, [
      { path: '(body)', message: `not valid JSON: ${why}` },
    ]);
  }
}
