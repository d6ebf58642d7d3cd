import { describe, expect, it } from 'vitest';
import { asRead, idsOf, orderEvents, placed, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectEmpty, expectError } from './helpers.js';

export function tenantFeatures(fx: EventStoreFixture): void {
  describe('tenants', () => {
    it('keeps streams of the same name in two tenants apart, each with its own versions', async () => {
      const store = await fx.open();
      const acme = orderEvents('1', 2);
      const globex = [placed('1', 99)];
      expect((await store.appendToStream('order-1', acme, { tenant: 'acme' })).nextExpectedVersion).toBe(2n);
      const other = await store.appendToStream('order-1', globex, {
        tenant: 'globex',
        expectedVersion: 'no_stream',
      });
      expect(other.nextExpectedVersion).toBe(1n);
      expect(idsOf(await store.readStream('order-1', { tenant: 'acme' }))).toEqual(idsOf(acme));
      expect(idsOf(await store.readStream('order-1', { tenant: 'globex' }))).toEqual(idsOf(globex));
      expect(await store.readStream('order-1')).toEqual([]);
      expect(await store.getStream('order-1')).toBeUndefined();
      expect(await store.getStream('order-1', { tenant: 'globex' })).toMatchObject({
        stream: 'order-1',
        tenant: 'globex',
        version: 1n,
      });
    });

    it('records the tenant on every event and as event.tenantid', async () => {
      const store = await fx.open();
      const untenanted = placed('1');
      const tenanted = shipped('1', 'ups', { tenantid: 'acme' });
      await store.appendToStream('order-1', [untenanted, tenanted], { tenant: 'acme' });
      await store.appendToStream('order-2', [placed('2')]);
      const acme = await store.readStream('order-1', { tenant: 'acme' });
      expect(acme.map((r) => r.event)).toEqual([asRead(untenanted, 'acme'), asRead(tenanted, 'acme')]);
      expect(acme.every((r) => r.tenant === 'acme')).toBe(true);
      const [plain] = await store.readStream('order-2');
      expect(plain?.tenant).toBe('default');
      expect(plain?.event.tenantid).toBe('default');
    });

    it('rejects an event whose tenantid differs from the tenant, writing nothing', async () => {
      const store = await fx.open();
      const foreign = placed('1', 10, { tenantid: 'globex' });
      await expectError(
        () => store.appendToStream('order-1', [placed('0'), foreign], { tenant: 'acme' }),
        'INVALID_ARGUMENT',
        'tenantid',
        'globex',
      );
      await expectError(() => store.appendToStream('order-1', [foreign]), 'INVALID_ARGUMENT', 'tenantid');
      await expectError(
        () => store.appendToStreams([{ stream: 'order-1', events: [foreign] }], { tenant: 'acme' }),
        'INVALID_ARGUMENT',
        'tenantid',
      );
      await expectEmpty(store);
    });

    it('filters readAll by tenant, and reads every tenant without one', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('a')], { tenant: 'acme' });
      await store.appendToStream('order-1', [placed('g')], { tenant: 'globex' });
      await store.appendToStream('order-1', [placed('d')]);
      await store.appendToStream('order-2', [shipped('a')], { tenant: 'acme' });
      const acme = await store.readAll({ tenant: 'acme' });
      expect(acme.map((r) => [r.tenant, r.stream])).toEqual([
        ['acme', 'order-1'],
        ['acme', 'order-2'],
      ]);
      expect((await store.readAll({ tenant: 'default' })).map((r) => r.tenant)).toEqual(['default']);
      expect((await store.readAll()).map((r) => r.tenant)).toEqual(['acme', 'globex', 'default', 'acme']);
      expect(await store.readAll({ tenant: 'nobody' })).toEqual([]);
    });

    it('appends to several streams of one tenant with appendToStreams', async () => {
      const store = await fx.open();
      await store.appendToStreams(
        [
          { stream: 'order-1', events: [placed('1')] },
          { stream: 'order-2', events: [placed('2')] },
        ],
        { tenant: 'acme' },
      );
      expect(await store.readAll({ tenant: 'default' })).toEqual([]);
      expect(versionsOf(await store.readStream('order-2', { tenant: 'acme' }))).toEqual([1n]);
    });

    it('rejects re-appending an event id under another tenant with DUPLICATE_EVENT_ID', async () => {
      const store = await fx.open();
      const event = placed('1');
      await store.appendToStream('order-1', [event], { tenant: 'acme' });
      await expectError(
        () => store.appendToStream('order-1', [event], { tenant: 'globex' }),
        'DUPLICATE_EVENT_ID',
      );
      expect(await store.readAll()).toHaveLength(1);
    });

    it('deletes and sets metadata per tenant', async () => {
      const store = await fx.open();
      for (const tenant of ['acme', 'globex'])
        await store.appendToStream('order-1', orderEvents(tenant, 3), { tenant });
      await store.deleteStream('order-1', { tenant: 'acme' });
      await store.setStreamMetadata('order-1', { maxCount: 1 }, { tenant: 'globex' });
      expect(await store.readStream('order-1', { tenant: 'acme' })).toEqual([]);
      expect(versionsOf(await store.readStream('order-1', { tenant: 'globex' }))).toEqual([3n]);
      expect((await store.getStream('order-1', { tenant: 'globex' }))?.deleted).toBe(false);
      expect((await store.getStream('order-1', { tenant: 'acme' }))?.metadata).toEqual({});
    });
  });
}
