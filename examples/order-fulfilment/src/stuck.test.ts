import { describe, expect, it } from 'vitest';
import { FaultPlan } from './faults.js';
import { orderIds } from './load-generator.js';
import { runDemo } from './run-demo.js';
import { captureOutput } from './test-support/output.js';

describe('a run where an order cannot end in time', () => {
  it('names the stuck order and where its saga stands, reports it, and exits non-zero', async () => {
    const [lost] = orderIds('stuck', 5) as [string];
    const out = captureOutput();
    const result = await runDemo({
      orders: 5,
      rate: 1000,
      failureRate: 0,
      seed: 4,
      runTag: 'stuck',
      // The carrier never answers and the saga's deadline is far away: only the run's timeout ends it.
      faults: new FaultPlan().set(lost, { kind: 'shipment-lost' }),
      sagaDeadlineMs: 600_000,
      timeoutMs: 1500,
      out,
    });

    expect(result.exitCode).toBe(1);
    expect(result.stuck).toEqual([lost]);
    expect(out.text()).toContain(
      `1 orders did not end in time:\n  ${lost}: saga running, step shipping, done [payment, inventory]`,
    );
    // It also shows up in the counts: its payment is captured without a completed order.
    expect(result.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'not-terminal', orderId: lost }),
        expect.objectContaining({ code: 'count-mismatch' }),
      ]),
    );
    expect(result.summary).toMatchObject({ orders: 5, completed: 4, cancelled: 0 });
  });
});
