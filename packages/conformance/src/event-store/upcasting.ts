import { describe, expect, it } from 'vitest';
import { OrderPlaced, OrderPlacedV1, orderUpcasters, placed, placedV1, shipped } from './events.js';
import type { EventStoreFixture } from './fixture.js';

export function upcastingFeatures(fx: EventStoreFixture): void {
  describe('upcasting', () => {
    it('reads an event stored as v1 as v2 through readStream and readAll, other attributes unchanged', async () => {
      const store = await fx.open({ upcasters: orderUpcasters() });
      const old = placedV1('1', 25, { subject: 'order-1' });
      await store.appendToStream('order-1', [old]);
      const expected = {
        ...old,
        tenantid: 'default',
        dataschema: OrderPlaced.dataschema,
        data: { orderId: '1', amount: 25, currency: 'EUR' },
      };
      const [fromStream] = await store.readStream('order-1');
      expect(fromStream?.event).toEqual(expected);
      const [fromAll] = await store.readAll();
      expect(fromAll?.event).toEqual(expected);
      expect(OrderPlaced.parse(fromAll!.event).data.currency).toBe('EUR');
    });

    it('returns current events and types without upcasters unchanged', async () => {
      const store = await fx.open({ upcasters: orderUpcasters() });
      const current = [placed('1'), shipped('1')];
      await store.appendToStream('order-1', current);
      const read = await store.readStream('order-1');
      expect(read.map((r) => r.event)).toEqual(current.map((e) => ({ ...e, tenantid: 'default' })));
    });

    it('reads events as stored when the store has no upcasters', async () => {
      const store = await fx.open();
      const old = placedV1('1');
      await store.appendToStream('order-1', [old]);
      const [read] = await store.readStream('order-1');
      expect(read?.event.dataschema).toBe(OrderPlacedV1.dataschema);
      expect(read?.event.data).toEqual({ orderId: '1', amount: 10 });
    });

    it('keeps the stored data unchanged: reopened without upcasters, the event reads as v1', async (context) => {
      fx.requireReopen(context);
      const store = await fx.open({ upcasters: orderUpcasters() });
      const old = placedV1('1');
      await store.appendToStream('order-1', [old]);
      expect((await store.readAll())[0]?.event.dataschema).toBe(OrderPlaced.dataschema);
      const plain = await fx.reopen(store);
      const [read] = await plain.readStream('order-1');
      expect(read?.event).toEqual({ ...old, tenantid: 'default' });
    });
  });
}
