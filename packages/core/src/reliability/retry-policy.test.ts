import { describe, expect, it } from 'vitest';
import { issuePaths, thrown } from '../testing/thrown.js';
import { backoffDelay, type RetryOptions, resolveRetryPolicy } from './retry-policy.js';

const delays = (options: RetryOptions, random: () => number, attempts = 8): number[] => {
  const policy = resolveRetryPolicy(options);
  return Array.from({ length: attempts }, (_, i) => backoffDelay(policy, i + 1, random));
};
const half = (): number => 0.5;
/** Options as an untyped JavaScript caller could pass them. */
const loose = (value: unknown): RetryOptions => value as RetryOptions;

describe('resolveRetryPolicy', () => {
  it('fills the defaults: 5 attempts, 100 ms doubling to a 30 s cap, full jitter', () => {
    expect(resolveRetryPolicy()).toEqual({
      maxAttempts: 5,
      initialDelayMs: 100,
      maxDelayMs: 30_000,
      multiplier: 2,
      jitter: 'full',
    });
    expect(resolveRetryPolicy({})).toEqual(resolveRetryPolicy());
  });

  it('turns retries off for false (a single attempt)', () => {
    expect(resolveRetryPolicy(false)).toMatchObject({ maxAttempts: 1 });
  });

  it('keeps given values and the isRetryable hook, and freezes the result', () => {
    const isRetryable = (): boolean => true;
    const policy = resolveRetryPolicy({ maxAttempts: 3, initialDelayMs: 0, jitter: 'none', isRetryable });
    expect(policy).toMatchObject({ maxAttempts: 3, initialDelayMs: 0, jitter: 'none' });
    expect(policy.isRetryable).toBe(isRetryable);
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it('raises the default cap to initialDelayMs when the initial delay is above 30 s', () => {
    expect(resolveRetryPolicy({ initialDelayMs: 60_000 }).maxDelayMs).toBe(60_000);
  });

  const invalid: [string, RetryOptions, string][] = [
    [
      'maxAttempts 0',
      { maxAttempts: 0 },
      'retry option maxAttempts must be an integer from 1 to 1000, got 0',
    ],
    ['maxAttempts 2.5', { maxAttempts: 2.5 }, 'maxAttempts must be an integer from 1 to 1000, got 2.5'],
    ['maxAttempts 1001', { maxAttempts: 1001 }, 'maxAttempts must be an integer from 1 to 1000, got 1001'],
    [
      'a negative initialDelayMs',
      { initialDelayMs: -1 },
      'initialDelayMs must be a number from 0 to 86400000 ms, got -1',
    ],
    [
      'an infinite initialDelayMs',
      { initialDelayMs: Number.POSITIVE_INFINITY },
      'initialDelayMs must be a number from 0',
    ],
    [
      'a maxDelayMs below initialDelayMs',
      { initialDelayMs: 500, maxDelayMs: 100 },
      'maxDelayMs must be a number from 500 to 86400000 ms (at least initialDelayMs), got 100',
    ],
    [
      'a maxDelayMs over a day',
      { maxDelayMs: 86_400_001 },
      'maxDelayMs must be a number from 100 to 86400000',
    ],
    ['a multiplier below 1', { multiplier: 0.5 }, 'multiplier must be a number from 1 to 100, got 0.5'],
    ['a NaN multiplier', { multiplier: Number.NaN }, 'multiplier must be a number from 1 to 100, got NaN'],
  ];
  it.each(invalid)(
    'rejects %s with INVALID_ARGUMENT naming the field and range',
    (_name, options, message) => {
      const err = thrown(() => resolveRetryPolicy(options));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toContain(message);
      expect(issuePaths(err)).toEqual([Object.keys(options).at(-1)]);
    },
  );

  it('rejects an unknown jitter, a non-function isRetryable and a non-number field (plain JS callers)', () => {
    const jitter = thrown(() => resolveRetryPolicy(loose({ jitter: 'random' })));
    expect(jitter.message).toBe("retry option jitter must be 'full', 'equal' or 'none', got 'random'");
    const hook = thrown(() => resolveRetryPolicy(loose({ isRetryable: true })));
    expect(hook.message).toBe('retry option isRetryable must be a function (error) => boolean, got true');
    const text = thrown(() => resolveRetryPolicy(loose({ initialDelayMs: '100' })));
    expect(text.message).toContain("initialDelayMs must be a number from 0 to 86400000 ms, got '100'");
  });

  it('rejects a misspelt option, listing the known ones', () => {
    const err = thrown(() => resolveRetryPolicy(loose({ maxRetries: 3 })));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe(
      'unknown retry option maxRetries; known options: maxAttempts, initialDelayMs, maxDelayMs, multiplier, jitter, isRetryable',
    );
  });

  it('rejects options that are neither an object nor false', () => {
    const err = thrown(() => resolveRetryPolicy(loose(true)));
    expect(err.message).toBe('retry options must be an object or false, got true');
  });
});

describe('backoffDelay', () => {
  it("without jitter doubles from the initial delay and stops at the cap ('none')", () => {
    expect(delays({ jitter: 'none', initialDelayMs: 100, maxDelayMs: 5000 }, half)).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  it("with full jitter scales the capped delay by random() ('full', the default)", () => {
    expect(delays({ initialDelayMs: 100, maxDelayMs: 5000 }, half)).toEqual([
      50, 100, 200, 400, 800, 1600, 2500, 2500,
    ]);
    expect(delays({ initialDelayMs: 100, maxDelayMs: 5000 }, () => 0, 3)).toEqual([0, 0, 0]);
    expect(delays({ initialDelayMs: 100, maxDelayMs: 5000 }, () => 0.999999, 8).at(-1)).toBe(5000);
  });

  it("with equal jitter keeps half the capped delay and randomises the other half ('equal')", () => {
    expect(delays({ jitter: 'equal', initialDelayMs: 100, maxDelayMs: 5000 }, half)).toEqual([
      75, 150, 300, 600, 1200, 2400, 3750, 3750,
    ]);
    expect(delays({ jitter: 'equal', initialDelayMs: 100, maxDelayMs: 5000 }, () => 0, 2)).toEqual([50, 100]);
  });

  it('follows the multiplier, with 1 giving a constant delay', () => {
    expect(delays({ jitter: 'none', multiplier: 3, initialDelayMs: 10 }, half, 4)).toEqual([10, 30, 90, 270]);
    expect(delays({ jitter: 'none', multiplier: 1, initialDelayMs: 10 }, half, 3)).toEqual([10, 10, 10]);
  });

  it('stays at the cap for huge attempt numbers and at 0 for a zero initial delay', () => {
    const policy = resolveRetryPolicy({ jitter: 'none', multiplier: 100 });
    expect(backoffDelay(policy, 1000)).toBe(30_000);
    expect(
      backoffDelay(resolveRetryPolicy({ jitter: 'none', initialDelayMs: 0, multiplier: 100 }), 1000),
    ).toBe(0);
  });

  it('keeps the delay inside [0, cap] when random() misbehaves', () => {
    const policy = resolveRetryPolicy({ initialDelayMs: 100, maxDelayMs: 100 });
    expect(backoffDelay(policy, 1, () => 7)).toBe(100);
    expect(backoffDelay(policy, 1, () => -3)).toBe(0);
  });

  it('rejects an attempt that is not an integer of at least 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      const err = thrown(() => backoffDelay(resolveRetryPolicy(), bad));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toContain('attempt must be an integer of at least 1');
    }
  });
});
