import { InvalidArgumentError } from 'commander';

/** Parses a flag value as an integer >= `min` (commander turns the error into a usage error). */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected an integer >= ${min}, got "${value}".`);
    }
    return n;
  };
}

/** Parses a flag value as a signed integer offset (bigint). */
export function bigintArg(value: string): bigint {
  if (!/^[-+]?\d+$/.test(value.trim()))
    throw new InvalidArgumentError(`Expected an integer, got "${value}".`);
  return BigInt(value.trim());
}

/**
 * Parses a time: ISO 8601 / RFC 3339 (`2024-05-01T12:00:00Z`, `2024-05-01`) or milliseconds since
 * the epoch (`1714564800000`). Returns milliseconds since the epoch.
 */
export function parseTime(value: string): number {
  const text = value.trim();
  const millis = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(millis)) {
    throw new InvalidArgumentError(
      `Expected a time as ISO 8601 (2024-05-01T12:00:00Z) or milliseconds since the epoch, got "${value}".`,
    );
  }
  return millis;
}

/** Where `trib consume` starts in each partition (`-o`). */
export type StartOffset =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'end' }
  | { readonly kind: 'offset'; readonly offset: bigint }
  | { readonly kind: 'last'; readonly count: bigint }
  | { readonly kind: 'time'; readonly timestamp: number };

/** Parses `-o beginning|end|<offset>|-<n>|@<time>`. */
export function parseStartOffset(value: string): StartOffset {
  const text = value.trim();
  if (text === 'beginning' || text === 'earliest') return { kind: 'beginning' };
  if (text === 'end' || text === 'latest') return { kind: 'end' };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: BigInt(text) };
  if (/^-\d+$/.test(text)) return { kind: 'last', count: -BigInt(text) };
  if (text.startsWith('@')) return { kind: 'time', timestamp: parseTime(text.slice(1)) };
  throw new InvalidArgumentError(
    'Expected beginning, end, an offset (42), -<n> (the last n events of each partition) or @<time> (ISO 8601 or epoch ms).',
  );
}

/** Collects a repeatable flag's values. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** Splits `name=value` (a `-H` header). */
export function parseHeader(value: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`Expected name=value, got "${value}".`);
  return [value.slice(0, eq).trim().toLowerCase(), value.slice(eq + 1)];
}

/** `partition:offset` or a bare offset (partition 0): a dead letter's place in its topic. */
export function parsePosition(value: string): { partition: number; offset: bigint } {
  const match = /^(?:(\d+):)?(\d+)$/.exec(value.trim());
  if (match === null) {
    throw new InvalidArgumentError(`Expected <partition>:<offset> (as dlq list prints it), got "${value}".`);
  }
  return { partition: Number(match[1] ?? '0'), offset: BigInt(match[2] as string) };
}
