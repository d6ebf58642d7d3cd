import { describe, expect, it } from 'vitest';
import { compareToTributary, type ResultRow } from './results.js';

function row(over: Partial<ResultRow>): ResultRow {
  return {
    suite: 'log.publish',
    system: 'tributary',
    events_per_s: 100,
    mb_per_s: 0.025,
    p50_ms: 1,
    p99_ms: 2,
    batch: 1000,
    concurrency: 1,
    event_bytes: 250,
    ...over,
  };
}

describe('compareToTributary', () => {
  it('divides Tributary throughput by the peer row of the same suite and batch', () => {
    const rows = [
      row({}),
      row({ system: 'nats', events_per_s: 25 }),
      row({ batch: 1, events_per_s: 10 }),
      row({ system: 'nats', batch: 1, events_per_s: 20 }),
    ];
    compareToTributary(rows);
    expect(rows.map((r) => r.tributary_advantage)).toEqual([1, 4, 1, 0.5]);
  });

  it('compares e2e rows by p99 latency, lower being better', () => {
    const rows = [
      row({ suite: 'log.e2e', p99_ms: 4 }),
      row({ suite: 'log.e2e', system: 'redis', p99_ms: 10 }),
    ];
    compareToTributary(rows);
    expect(rows[1]?.tributary_advantage).toBe(2.5);
  });

  it('leaves the ratio out when Tributary or the peer row was skipped', () => {
    const rows = [
      row({ skipped: true, events_per_s: null }),
      row({ system: 'nats' }),
      row({ suite: 'log.consume' }),
      row({ suite: 'log.consume', system: 'redis', skipped: true, events_per_s: null }),
    ];
    compareToTributary(rows);
    expect(rows[1]?.tributary_advantage).toBeUndefined();
    expect(rows[3]?.tributary_advantage).toBeUndefined();
  });
});

describe('compareToTributary in consumer.process', () => {
  it('compares rows of the same mode whatever their concurrency', () => {
    const base = { suite: 'consumer.process', batch: null };
    const rows = [
      row({ ...base, mode: 'at-least-once', concurrency: 1, events_per_s: 300 }),
      row({ ...base, mode: 'exactly-once', concurrency: 1, events_per_s: 60 }),
      row({ ...base, system: 'bullmq', mode: 'at-least-once', concurrency: 50, events_per_s: 50 }),
      row({ ...base, system: 'bullmq', mode: 'at-least-once, 1% fail once', concurrency: 50 }),
    ];
    compareToTributary(rows);
    expect(rows.map((r) => r.tributary_advantage)).toEqual([1, 1, 6, undefined]);
  });
});
