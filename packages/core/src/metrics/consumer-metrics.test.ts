import { describe, expect, it } from 'vitest';
import { thrown } from '../testing/thrown.js';
import { consumerMetrics } from './consumer-metrics.js';
import { createMemoryMetrics } from './memory-metrics.js';

describe('consumerMetrics', () => {
  it('registers the consumer instruments under their Prometheus names and labels', () => {
    const metrics = createMemoryMetrics();
    const m = consumerMetrics(metrics);
    const at = { group: 'billing', topic: 'orders' };
    m.consumed.inc(at);
    m.failed.inc(at, 2);
    m.retried.inc(at);
    m.deadLettered.inc(at);
    m.duplicates.inc(at);
    m.processing.observe(at, 0.002);
    m.lag.set({ ...at, partition: '3' }, 42);
    expect(metrics.value('tributary_consumer_events_total', at)).toBe(1);
    expect(metrics.value('tributary_consumer_failures_total', at)).toBe(2);
    expect(metrics.value('tributary_consumer_retries_total', at)).toBe(1);
    expect(metrics.value('tributary_consumer_dead_letters_total', at)).toBe(1);
    expect(metrics.value('tributary_consumer_duplicates_skipped_total', at)).toBe(1);
    expect(metrics.observations('tributary_consumer_processing_seconds', at)).toEqual([0.002]);
    expect(metrics.value('tributary_consumer_lag', { ...at, partition: '3' })).toBe(42);
  });

  it('shares instruments between consumers of one registry', () => {
    const metrics = createMemoryMetrics();
    const a = consumerMetrics(metrics);
    const b = consumerMetrics(metrics);
    expect(b.consumed).toBe(a.consumed);
    expect(b.processing).toBe(a.processing);
    a.consumed.inc({ group: 'g1', topic: 't' });
    b.consumed.inc({ group: 'g2', topic: 't' });
    expect(metrics.value('tributary_consumer_events_total', { topic: 't' })).toBe(2);
  });

  it('refuses unbounded labels such as an event id', () => {
    const m = consumerMetrics(createMemoryMetrics());
    const err = thrown(() => m.consumed.inc({ group: 'g', topic: 't', eventid: '0190-abc' }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('has no label "eventid"');
  });
});
