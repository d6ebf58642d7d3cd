/**
 * JSON for HTTP responses. Offsets, positions and versions are bigints in Tributary; JSON numbers
 * lose precision past 2^53, so every bigint is written as a decimal string.
 */

/** `JSON.stringify` with bigints as decimal strings. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A JSON response (bigints as decimal strings). */
export function jsonResponse(value: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(stringifyJson(value), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A response without a body (204). */
export function emptyResponse(status = 204): Response {
  return new Response(null, { status });
}
