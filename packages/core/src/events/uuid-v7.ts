/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids sort by creation
 * time, which keeps database indexes on event ids append-mostly (the event store, dedupe tables)
 * and lets a reader see roughly when an event was made — reasons to prefer it over v4.
 *
 * Within one process ids are strictly increasing: inside one millisecond the 12-bit `rand_a` field
 * is a counter that starts at a random value below 2048 (RFC 9562 §6.2, method 1); when it runs
 * out the timestamp moves one millisecond ahead of the clock rather than repeat or go backwards.
 *
 * The 62 random bits come from `crypto.randomUUID()`, whose output is a v4 UUID from the CSPRNG
 * with an internal entropy cache — far cheaper per id than `crypto.getRandomValues` on a small
 * array. Its last 4 groups already have the RFC 9562 variant bits, so they are reused as is.
 */
import { randomUUID } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const COUNTER_MAX = 0xfff;

let lastMillis = -1;
let counter = 0;
let prefix = ''; // "tttttttt-tttt-7" for lastMillis

function timePrefix(millis: number): string {
  // 48-bit big-endian timestamp as 12 hex digits; split because bit operators are 32-bit.
  const high = Math.floor(millis / 0x1000000); // top 24 bits
  const low = millis % 0x1000000; // bottom 24 bits
  const hex =
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(low >>> 16) & 0xff]! +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]!;
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
}

/** A new UUID v7 string (lower-case, 36 characters), greater than every one made before it here. */
export function uuidv7(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    counter = Math.floor(Math.random() * 0x800);
    prefix = timePrefix(now);
  } else if (counter < COUNTER_MAX) {
    counter++;
  } else {
    // Counter exhausted (or the clock went back): borrow the next millisecond.
    lastMillis++;
    counter = 0;
    prefix = timePrefix(lastMillis);
  }
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; keep "-Vxxx-xxxxxxxxxxxx".
  return prefix + HEX[counter >>> 8]!.slice(1) + HEX[counter & 0xff]! + randomUUID().slice(18);
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True for a lower-case UUID v7 string. */
export function isUuidV7(id: string): boolean {
  return UUID_V7.test(id);
}

/** The creation time (ms since the epoch) stored in a UUID v7. */
export function uuidv7Millis(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
