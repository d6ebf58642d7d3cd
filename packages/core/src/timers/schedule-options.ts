import { rfc3339Millis } from '../envelope/attributes.js';
import { invalidArgument } from '../errors/errors.js';
import type { DeliverAt, ScheduleOptions } from './types.js';

/** 9999-12-31T23:59:59.999Z: later times have no 4-digit RFC 3339 year (timer records store RFC 3339). */
const MAX_TIME = 253_402_300_799_999;

/**
 * When a publish with these options is due, in whole ms since the epoch (rounded up, so never
 * early), or `undefined` to publish now: no scheduling option, a time that has passed, delay 0.
 * `prefix` starts error messages (e.g. `'publish option '`).
 *
 * @throws ValidationError `INVALID_ARGUMENT` naming the option: both given, a delay that is not a
 *   finite number >= 0, a time that is not a valid Date / RFC 3339 string / finite epoch number.
 */
export function resolveDeliverAt(
  options: ScheduleOptions,
  prefix: string,
  now: number = Date.now(),
): number | undefined {
  const { deliverAt, delayMs } = options;
  if (deliverAt !== undefined && delayMs !== undefined) {
    throw invalidArgument(
      `${prefix}deliverAt and delayMs were both given: pass one of them (deliverAt for a time, delayMs for a delay from now).`,
      [{ path: 'deliverAt', message: 'not together with delayMs' }],
    );
  }
  let at: number;
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
      throw invalidArgument(
        `${prefix}delayMs must be a finite number of milliseconds >= 0; got ${describe(delayMs)}.`,
        [{ path: 'delayMs', message: 'must be a finite number >= 0' }],
      );
    }
    at = Math.ceil(now + delayMs);
    if (at > MAX_TIME) {
      throw invalidArgument(`${prefix}delayMs=${delayMs} puts the delivery after year 9999.`, [
        { path: 'delayMs', message: 'too large' },
      ]);
    }
  } else if (deliverAt !== undefined) {
    at = deliverAtMillis(deliverAt, prefix);
  } else {
    return undefined;
  }
  return at > now ? at : undefined;
}

/** Milliseconds since the epoch of a {@link DeliverAt}, rounded up; errors name option `name`. */
export function deliverAtMillis(deliverAt: DeliverAt, prefix: string, name = 'deliverAt'): number {
  const millis =
    deliverAt instanceof Date
      ? deliverAt.getTime()
      : typeof deliverAt === 'string'
        ? rfc3339Millis(deliverAt)
        : typeof deliverAt === 'number'
          ? Math.ceil(deliverAt)
          : Number.NaN;
  if (!Number.isFinite(millis) || millis > MAX_TIME) {
    throw invalidArgument(
      `${prefix}${name} must be a valid Date, an RFC 3339 string (e.g. "2030-01-01T09:00:00Z") or finite epoch milliseconds, before year 10000; got ${describe(deliverAt)}.`,
      [{ path: name, message: 'not a valid time' }],
    );
  }
  return millis;
}

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : typeof value;
}
