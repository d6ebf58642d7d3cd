import { describe, expect, it } from 'vitest';
import { issuePaths, thrown } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';

const options: CircuitBreakerOptions = { failureThreshold: 3, windowMs: 1000, cooldownMs: 5000 };

/** A breaker on a fake clock the test moves by hand. */
function breakerAt(start = 0, opts = options) {
  const clock = { t: start };
  const breaker = new CircuitBreaker(opts, () => clock.t);
  const failTimes = (...times: number[]): void => {
    for (const t of times) {
      clock.t = t;
      breaker.onFailure();
    }
  };
  return { clock, breaker, failTimes };
}

/** A sleep that only moves the fake clock, recording each requested wait. */
function clockSleep(clock: { t: number }) {
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    waits.push(ms);
    clock.t += ms;
  };
  return { waits, sleep };
}

/** A sleep that returns only when its signal aborts (the wait was cut short by a state change). */
function abortOnlySleep() {
  const waits: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    waits.push(ms);
    return new Promise((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
  };
  return { waits, sleep };
}

describe('CircuitBreaker', () => {
  it('starts closed and lets calls through', () => {
    const { breaker } = breakerAt();
    expect(breaker.state).toBe('closed');
    expect(breaker.waitMs()).toBe(0);
  });

  it('opens when failureThreshold failures fall inside windowMs', () => {
    const { breaker, failTimes } = breakerAt();
    failTimes(0, 400);
    expect(breaker.state).toBe('closed');
    failTimes(999);
    expect(breaker.state).toBe('open');
    expect(breaker.waitMs()).toBe(5000);
  });

  it('stays closed when the same number of failures spreads wider than windowMs', () => {
    const { breaker, failTimes } = breakerAt();
    failTimes(0, 500, 1000, 1500, 2100, 2600);
    expect(breaker.state).toBe('closed');
    expect(breaker.waitMs()).toBe(0);
  });

  it('ignores successes while closed: failures in the window still add up', () => {
    const { breaker, failTimes } = breakerAt();
    failTimes(0, 1);
    breaker.onSuccess();
    failTimes(2);
    expect(breaker.state).toBe('open');
  });

  it('counts down the cool-down and moves to half-open once it has passed', () => {
    const { clock, breaker, failTimes } = breakerAt();
    failTimes(0, 0, 0);
    clock.t = 3000;
    expect(breaker.waitMs()).toBe(2000);
    expect(breaker.state).toBe('open');
    clock.t = 5000;
    expect(breaker.waitMs()).toBe(0);
    expect(breaker.state).toBe('half-open');
  });

  it('lets only one trial call through while half-open', () => {
    const { clock, breaker, failTimes } = breakerAt();
    failTimes(0, 0, 0);
    clock.t = 5000;
    expect(breaker.waitMs()).toBe(0);
    expect(breaker.waitMs()).toBeGreaterThan(0);
    clock.t = 6000;
    expect(breaker.waitMs()).toBeGreaterThan(0);
  });

  it('closes with a clean failure history when the trial succeeds', () => {
    const { clock, breaker, failTimes } = breakerAt();
    failTimes(0, 0, 0);
    clock.t = 5000;
    breaker.waitMs();
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.waitMs()).toBe(0);
    failTimes(5001, 5002);
    expect(breaker.state).toBe('closed');
  });

  it('re-opens with a new cool-down when the trial fails', () => {
    const { clock, breaker, failTimes } = breakerAt();
    failTimes(0, 0, 0);
    clock.t = 5000;
    breaker.waitMs();
    failTimes(5200);
    expect(breaker.state).toBe('open');
    expect(breaker.waitMs()).toBe(5000);
    clock.t = 10_200;
    expect(breaker.waitMs()).toBe(0);
    expect(breaker.state).toBe('half-open');
  });

  it('does not extend the cool-down for late failures of calls started before it opened', () => {
    const { clock, breaker, failTimes } = breakerAt();
    failTimes(0, 0, 0, 4000);
    clock.t = 4000;
    expect(breaker.waitMs()).toBe(1000);
  });

  it('reclaims the trial slot after another cool-down when the trial is never reported', () => {
    const { clock, breaker, failTimes } = breakerAt();
    failTimes(0, 0, 0);
    clock.t = 5000;
    breaker.waitMs();
    clock.t = 9999;
    expect(breaker.waitMs()).toBe(1);
    clock.t = 10_000;
    expect(breaker.waitMs()).toBe(0);
    expect(breaker.state).toBe('half-open');
  });

  describe('admit', () => {
    it('resolves at once while closed, without sleeping', async () => {
      const { clock, breaker } = breakerAt();
      const { waits, sleep } = clockSleep(clock);
      await breaker.admit(sleep);
      expect(waits).toEqual([]);
    });

    it('waits out the cool-down, then lets the trial through', async () => {
      const { clock, breaker, failTimes } = breakerAt();
      failTimes(0, 0, 0);
      clock.t = 1500;
      const { waits, sleep } = clockSleep(clock);
      await breaker.admit(sleep);
      expect(waits).toEqual([3500]);
      expect(clock.t).toBe(5000);
      expect(breaker.state).toBe('half-open');
    });

    it('holds a second caller during the trial and releases it when the trial succeeds', async () => {
      const { clock, breaker, failTimes } = breakerAt();
      failTimes(0, 0, 0);
      clock.t = 5000;
      await breaker.admit(clockSleep(clock).sleep);
      const { waits, sleep } = abortOnlySleep();
      let admitted = false;
      const second = breaker.admit(sleep).then(() => {
        admitted = true;
      });
      await waitFor(() => waits.length === 1);
      expect(admitted).toBe(false);
      breaker.onSuccess();
      await second;
      expect(breaker.state).toBe('closed');
    });

    it('sends a waiting caller back to sleep for the new cool-down when the trial fails', async () => {
      const { clock, breaker, failTimes } = breakerAt();
      failTimes(0, 0, 0);
      clock.t = 5000;
      await breaker.admit(clockSleep(clock).sleep);
      const { waits, sleep } = abortOnlySleep();
      const controller = new AbortController();
      const second = breaker.admit(sleep, controller.signal);
      await waitFor(() => waits.length === 1);
      clock.t = 6000;
      breaker.onFailure();
      await waitFor(() => waits.length === 2);
      expect(waits).toEqual([5000, 5000]);
      breaker.onSuccess(); // a late success while open changes nothing
      expect(breaker.state).toBe('open');
      controller.abort(new Error('done'));
      await expect(second).rejects.toThrow('done');
    });

    it('rejects with the abort reason when the signal aborts during the wait', async () => {
      const { breaker, failTimes } = breakerAt();
      failTimes(0, 0, 0);
      const { waits, sleep } = abortOnlySleep();
      const controller = new AbortController();
      const pending = breaker.admit(sleep, controller.signal);
      await waitFor(() => waits.length === 1);
      const reason = new Error('stopping');
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
    });

    it('rejects at once for a signal that has already aborted, even when closed', async () => {
      const { clock, breaker } = breakerAt();
      const controller = new AbortController();
      controller.abort(new Error('stopped'));
      await expect(breaker.admit(clockSleep(clock).sleep, controller.signal)).rejects.toThrow('stopped');
    });
  });

  describe('options', () => {
    const invalid: [string, Partial<CircuitBreakerOptions>, string][] = [
      [
        'failureThreshold 0',
        { failureThreshold: 0 },
        'circuit breaker failureThreshold must be an integer from 1 to 1000000, got 0',
      ],
      [
        'a fractional failureThreshold',
        { failureThreshold: 2.5 },
        'failureThreshold must be an integer from 1 to 1000000, got 2.5',
      ],
      [
        'windowMs 0',
        { windowMs: 0 },
        'circuit breaker windowMs must be a number over 0 and at most 86400000 ms, got 0',
      ],
      [
        'an infinite windowMs',
        { windowMs: Number.POSITIVE_INFINITY },
        'windowMs must be a number over 0 and at most 86400000 ms, got Infinity',
      ],
      [
        'a negative cooldownMs',
        { cooldownMs: -5 },
        'circuit breaker cooldownMs must be a number over 0 and at most 86400000 ms, got -5',
      ],
      [
        'a cooldownMs over a day',
        { cooldownMs: 86_400_001 },
        'cooldownMs must be a number over 0 and at most 86400000 ms',
      ],
    ];
    it.each(invalid)(
      'rejects %s with INVALID_ARGUMENT naming the option and range',
      (_name, patch, message) => {
        const err = thrown(() => new CircuitBreaker({ ...options, ...patch }));
        expect(err.code).toBe('INVALID_ARGUMENT');
        expect(err.message).toContain(message);
        expect(issuePaths(err)).toEqual(Object.keys(patch));
      },
    );
  });
});
