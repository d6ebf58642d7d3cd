import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';
import { captureOutput } from './test-support/output.js';

describe('the order-fulfilment system without failures', () => {
  it('completes every order and finds no violation', async () => {
    const out = captureOutput();
    const result = await runDemo({ orders: 30, rate: 1000, failureRate: 0, seed: 1, runTag: 'happy', out });

    expect(result.violations).toEqual([]);
    expect(result.stuck).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({
      orders: 30,
      completed: 30,
      cancelled: 0,
      violations: 0,
      dead_letters: 0,
    });
    // Per order: 3 commands + 3 answers + created + complete + completed.
    expect(result.summary.events).toBe(30 * 9);
    expect(out.text()).toContain('consistency check: OK');
  });
});
