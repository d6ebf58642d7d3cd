import { describe, expect, it } from 'vitest';
import { placed, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { outcome } from './helpers.js';

export function concurrencyFeatures(fx: EventStoreFixture): void {
  describe('concurrent appends', () => {
    it('lets exactly one of 20 concurrent appends with the same expected version succeed', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.appendToStream('order-1', [shipped('1', `carrier-${i}`)], { expectedVersion: 1n }),
        ),
      );
      const outcomes = settled.map(outcome);
      expect(outcomes.filter((o) => o === 'fulfilled')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'WRONG_EXPECTED_VERSION')).toHaveLength(19);
      expect(versionsOf(await store.readStream('order-1'))).toEqual([1n, 2n]);
    });

    it("lets exactly one of 20 concurrent 'no_stream' appends create the stream", async () => {
      const store = await fx.open();
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.appendToStream('order-1', [placed(`${i}`)], { expectedVersion: 'no_stream' }),
        ),
      );
      expect(settled.map(outcome).filter((o) => o === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream('order-1')).toHaveLength(1);
    });

    it("gives 50 concurrent 'any' appends to one stream contiguous versions and increasing positions", async () => {
      const store = await fx.open();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.appendToStream('order-1', [shipped('1', `c-${i}`)])),
      );
      const read = await store.readStream('order-1');
      expect(versionsOf(read)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 1)));
      for (let i = 1; i < read.length; i++) expect(read[i]!.position).toBeGreaterThan(read[i - 1]!.position);
      // Each append got the version and position its event was stored at.
      const byVersion = new Map(read.map((r) => [r.version, r.position]));
      for (const result of results) expect(byVersion.get(result.nextExpectedVersion)).toBe(result.position);
      expect(new Set(results.map((r) => r.nextExpectedVersion)).size).toBe(50);
    });

    it('keeps the global log in position order across 30 concurrent appends to 10 streams', async () => {
      const store = await fx.open();
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.appendToStream(`order-${i % 10}`, [placed(`${i}`), shipped(`${i}`)]),
        ),
      );
      const all = await store.readAll();
      expect(all).toHaveLength(60);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      for (let s = 0; s < 10; s++) {
        const versions = all.filter((r) => r.stream === `order-${s}`).map((r) => r.version);
        expect(versions).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
      }
      expect(await store.headPosition()).toBe(all.at(-1)?.position);
    });
  });
}
