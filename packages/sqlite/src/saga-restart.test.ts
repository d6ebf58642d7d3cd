import { waitFor } from '@tributary/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { OrderCreated, PaymentRefunded, ReserveStock, runSagaSystem } from './test-support/saga-system.js';
import { tempDb } from './test-support/temp-db.js';

describe('saga deadlines across a restart (file log + SQLite store)', () => {
  const temp = tempDb('tributary-saga-restart-');
  afterAll(() => temp.cleanup());

  it('fires a deadline set before the restart, after it, and compensates what ran', async () => {
    // Inventory never answers: only the saga deadline can end this order.
    const silentStock = (type: string) =>
      type === ReserveStock.type ? 'silent' : type === 'payment.refund' ? 'silent' : 'ok';
    const deadlineMs = 1500;
    const first = await runSagaSystem(temp.dir, { policy: silentStock, deadlineMs });
    await first.bus.publish(OrderCreated.create({ orderId: 'o-1', n: 0 }, { correlationid: 'o-1' }));
    await waitFor(async () => (await first.sagas.get('o-1'))?.currentStep === 'inventory', {
      timeoutMs: 10_000,
    });
    await waitFor(async () => (await first.bus.scheduled({ topic: 'fulfilment.deadlines' })).length === 1, {
      timeoutMs: 10_000,
    });
    const before = await first.sagas.get('o-1');
    const due = Date.parse(before?.pendingDeadlines.find((d) => d.name === 'saga')?.at ?? '');
    await first.stop();
    expect(Date.now()).toBeLessThan(due); // stopped with the deadline still pending

    const second = await runSagaSystem(temp.dir, { policy: silentStock, deadlineMs });
    try {
      await waitFor(async () => (await second.sagas.get('o-1'))?.status === 'compensating', {
        timeoutMs: 10_000,
      });
      const compensating = await second.sagas.get('o-1');
      expect(compensating).toMatchObject({
        currentStep: 'payment',
        failure: expect.stringMatching(/did not complete within 1500 ms/),
      });
      const fired = compensating?.history.find((e) => e.transition.startsWith('deadline passed'));
      expect(Date.parse(fired?.at ?? '')).toBeGreaterThanOrEqual(due);
      // The refund was published after the restart: confirm it.
      await second.bus.publish(PaymentRefunded.create({ orderId: 'o-1' }, { correlationid: 'o-1' }));
      await waitFor(async () => (await second.sagas.get('o-1'))?.status === 'compensated', {
        timeoutMs: 10_000,
      });
      expect((await second.sagas.get('o-1'))?.compensatedSteps).toEqual(['payment']);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
