// Stream and tenant names, checked the same way by every adapter.
import { invalidArgument } from '../errors/errors.js';
import { DEFAULT_TENANT } from '../ports/event-store.js';

const MAX_NAME_LENGTH = 512;

/** Checks a stream name: a non-empty string of at most 512 characters without control characters. */
export function checkStreamName(stream: unknown): asserts stream is string {
  checkName('stream name', stream);
}

/** The tenant of `options`, checked like a stream name; {@link DEFAULT_TENANT} when absent. */
export function tenantOf(options: { readonly tenant?: unknown } | undefined): string {
  const tenant = options?.tenant;
  if (tenant === undefined) return DEFAULT_TENANT;
  checkName('tenant', tenant);
  return tenant;
}

/** The category of a stream: the part before the first `-` (`order-42` → `order`), or the whole name. */
export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}

function checkName(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalidArgument(`Invalid ${what} ${JSON.stringify(value)}: expected a non-empty string.`);
  if (value.length > MAX_NAME_LENGTH)
    throw invalidArgument(`Invalid ${what}: ${value.length} characters, the limit is ${MAX_NAME_LENGTH}.`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw invalidArgument(`Invalid ${what} ${JSON.stringify(value)}: control characters are not allowed.`);
}
