import { describe, expect, it } from 'vitest';
import { compareToTributary, type ResultRow, tributaryReference } from './results.js';

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

describe('compareToTributary in the event-store suites', () => {
  it('compares PostgreSQL peers with Tributary on PostgreSQL, not with Tributary on SQLite', () => {
    const base = { suite: 'store.append', batch: 100 };
    const rows = [
      row({ ...base, system: 'tributary-sqlite', events_per_s: 1000 }),
      row({ ...base, system: 'tributary-postgres', events_per_s: 600 }),
      row({ ...base, system: 'pg-plain', events_per_s: 100 }),
      row({ ...base, system: 'emmett-postgresql', events_per_s: 200 }),
    ];
    compareToTributary(rows);
    expect(rows.map((r) => r.tributary_advantage)).toEqual([1, 1, 6, 3]);
  });

  it('compares store.load rows of the same mode by median load time, lower being better', () => {
    const base = { suite: 'store.load', batch: null, events_per_s: null };
    const rows = [
      row({ ...base, system: 'tributary-postgres', mode: 'full stream', p50_ms: 20 }),
      row({ ...base, system: 'tributary-postgres', mode: 'snapshot + tail', p50_ms: 1 }),
      row({ ...base, system: 'pg-plain', mode: 'full stream', p50_ms: 50 }),
    ];
    compareToTributary(rows);
    expect(rows.map((r) => r.tributary_advantage)).toEqual([1, 1, 2.5]);
  });

  it('gives no ratio to a peer whose Tributary adapter row was skipped', () => {
    const base = { suite: 'store.append', batch: 100 };
    const rows = [
      row({ ...base, system: 'tributary-postgres', skipped: true, events_per_s: null }),
      row({ ...base, system: 'pg-plain', events_per_s: 100 }),
    ];
    compareToTributary(rows);
    expect(rows[1]?.tributary_advantage).toBeUndefined();
  });

  it('maps log systems to the tributary row', () => {
    expect(tributaryReference('nats')).toBe('tributary');
    expect(tributaryReference('emmett-postgresql')).toBe('tributary-postgres');
  });
});
