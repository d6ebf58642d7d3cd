import { describe, expect, it } from 'vitest';
import { eventsPerSecond, LatencyRecorder, megabytesPerSecond, percentile } from './stats.js';

describe('percentile', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('returns the nearest-rank sample: p50 of 1..100 is 50 and p99 is 99', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('rounds the rank up, so p99 of ten samples is the largest one', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 99)).toBe(10);
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 51)).toBe(6);
  });

  it('returns the only sample for every percentile of a single sample', () => {
    expect(percentile([7], 0.1)).toBe(7);
    expect(percentile([7], 100)).toBe(7);
  });

  it('returns NaN for no samples instead of inventing a value', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('rejects a percentile outside (0, 100] naming the value', () => {
    expect(() => percentile(hundred, 0)).toThrow('percentile must be in (0, 100], got 0');
    expect(() => percentile(hundred, 101)).toThrow('got 101');
    expect(() => percentile(hundred, Number.NaN)).toThrow('got NaN');
  });
});

describe('LatencyRecorder', () => {
  it('summarizes samples added in any order, growing past its initial capacity', () => {
    const rec = new LatencyRecorder();
    for (let i = 5000; i >= 1; i--) rec.add(i / 10); // 0.1 .. 500 ms, descending
    const s = rec.summary();
    expect(s.count).toBe(5000);
    expect(s.p50).toBe(250);
    expect(s.p99).toBe(495);
    expect(s.max).toBe(500);
  });

  it('sorts numerically, not as strings (10 ms is above 9 ms)', () => {
    const rec = new LatencyRecorder();
    for (const ms of [10, 9, 100, 1]) rec.add(ms);
    expect(rec.summary().max).toBe(100);
    expect(rec.summary().p50).toBe(9);
  });

  it('forgets warm-up samples on reset', () => {
    const rec = new LatencyRecorder();
    rec.add(1000);
    rec.reset();
    rec.add(2);
    expect(rec.summary()).toEqual({ count: 1, p50: 2, p99: 2, max: 2 });
  });

  it('reports NaN percentiles when nothing was recorded', () => {
    const s = new LatencyRecorder().summary();
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
  });
});

describe('rates', () => {
  it('converts a count over milliseconds to events and megabytes per second', () => {
    expect(eventsPerSecond(5000, 250)).toBe(20_000);
    expect(megabytesPerSecond(4000, 250, 1000)).toBe(1);
  });

  it('rejects a non-positive elapsed time', () => {
    expect(() => eventsPerSecond(1, 0)).toThrow('elapsed time must be positive, got 0 ms');
  });
});
