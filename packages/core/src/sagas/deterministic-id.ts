import { createHash } from 'node:crypto';

/**
 * A name-based UUID (RFC 9562 version 5 layout: SHA-1 of the parts) derived from `parts`: the same
 * parts always give the same id. Sagas and reactions give what they publish ids derived from what
 * caused it, so a re-publish after a crash or a retry carries the same id and consumers with dedupe
 * handle it once.
 */
export function deterministicId(...parts: readonly string[]): string {
  const hash = createHash('sha1');
  // Length-prefixed, so ('ab', 'c') and ('a', 'bc') differ.
  for (const part of parts) hash.update(`${part.length}:${part};`);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
