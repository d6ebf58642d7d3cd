import type { DedupeOptions } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { expectLogError } from '../log/helpers.js';
import type { DedupeFixture } from './fixture.js';

/** Passes a wrongly typed value through a typed parameter, as untyped JavaScript callers can. */
const untyped = <T>(value: unknown): T => value as T;

export function errorFeatures(fx: DedupeFixture): void {
  describe('errors', () => {
    it('rejects bad group names with INVALID_ARGUMENT naming the group, and records nothing', async () => {
      const store = await fx.open();
      for (const group of ['', 'line\nbreak', 'x'.repeat(250), untyped<string>(42)]) {
        const shown = JSON.stringify(group);
        await expectLogError(() => store.mark(group, 'evt-1'), 'INVALID_ARGUMENT', 'group', shown);
        await expectLogError(() => store.has(group, 'evt-1'), 'INVALID_ARGUMENT', 'group', shown);
      }
      expect(await store.purge(Date.now() + 365 * 24 * 3600 * 1000)).toBe(0);
    });

    it('rejects empty and non-string ids with INVALID_ARGUMENT naming the id, and records nothing', async () => {
      const store = await fx.open();
      for (const id of ['', untyped<string>(undefined), untyped<string>(7)]) {
        await expectLogError(() => store.mark('g', id), 'INVALID_ARGUMENT', 'event id');
        await expectLogError(() => store.has('g', id), 'INVALID_ARGUMENT', 'event id');
      }
      expect(await store.purge(Date.now() + 365 * 24 * 3600 * 1000)).toBe(0);
    });

    it('rejects a non-finite or non-number now with INVALID_ARGUMENT naming it', async () => {
      const store = await fx.open();
      for (const now of [Number.NaN, Number.POSITIVE_INFINITY, untyped<number>('1000')]) {
        await expectLogError(() => store.mark('g', 'evt-1', now), 'INVALID_ARGUMENT', 'now', 'mark');
        await expectLogError(() => store.purge(now), 'INVALID_ARGUMENT', 'now', 'purge');
      }
      expect(await store.has('g', 'evt-1')).toBe(false);
    });

    it('rejects bad options with INVALID_ARGUMENT naming the option', async () => {
      const bad: [DedupeOptions, string][] = [
        [{ ttlMs: 0 }, 'ttlMs'],
        [{ ttlMs: -1 }, 'ttlMs'],
        [{ ttlMs: 1.5 }, 'ttlMs'],
        [{ ttlMs: Number.NaN }, 'ttlMs'],
        [{ maxEntriesPerGroup: 0 }, 'maxEntriesPerGroup'],
        [{ maxEntriesPerGroup: untyped<number>('10') }, 'maxEntriesPerGroup'],
        [untyped<DedupeOptions>({ ttl: 1000 }), '"ttl"'],
      ];
      for (const [options, mention] of bad) {
        await expectLogError(() => fx.open(options), 'INVALID_ARGUMENT', mention).catch((error: unknown) => {
          throw new Error(`${JSON.stringify(options)}: ${String(error)}`);
        });
      }
    });

    it('rejects every call after close with CLOSED; closing twice is harmless', async () => {
      const store = await fx.open();
      await store.mark('g', 'evt-1');
      await store.close();
      await store.close();
      await expectLogError(() => store.has('g', 'evt-1'), 'CLOSED', 'has');
      await expectLogError(() => store.mark('g', 'evt-2'), 'CLOSED', 'mark');
      await expectLogError(() => store.purge(), 'CLOSED', 'purge');
    });

    it('settles a mark started just before close: it is recorded or rejected, never left pending', async () => {
      const store = await fx.open();
      const marking = store.mark('g', 'evt-1').then(
        () => 'recorded',
        (error: unknown) => (error instanceof Error && 'code' in error ? String(error.code) : 'other'),
      );
      await store.close();
      expect(['recorded', 'CLOSED']).toContain(await marking);
    });
  });
}
