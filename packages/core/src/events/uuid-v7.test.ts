import { describe, expect, it } from 'vitest';
import { isUuidV7, uuidv7, uuidv7Millis } from './uuid-v7.js';

describe('uuidv7', () => {
  it('makes RFC 9562 version-7 UUIDs with the variant bits set', () => {
    for (let i = 0; i < 100; i++) {
      const id = uuidv7();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(isUuidV7(id)).toBe(true);
    }
  });

  it('stores the creation time in its first 48 bits', () => {
    const before = Date.now();
    const millis = uuidv7Millis(uuidv7());
    // The counter may borrow a millisecond ahead of the clock after 2048+ ids in one millisecond.
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('makes strictly increasing, unique ids even for many in the same millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7());
    const firstOutOfOrder = ids.findIndex((id, i) => i > 0 && id <= ids[i - 1]!);
    expect(firstOutOfOrder).toBe(-1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects other UUID versions and upper-case forms in isUuidV7', () => {
    expect(isUuidV7(crypto.randomUUID())).toBe(false);
    expect(isUuidV7(uuidv7().toUpperCase())).toBe(false);
    expect(isUuidV7('not-a-uuid')).toBe(false);
  });
});
