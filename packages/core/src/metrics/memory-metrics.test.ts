import { describe, expect, it } from 'vitest';
import { thrown } from '../testing/thrown.js';
import { DEFAULT_BUCKETS } from './definitions.js';
import { createMemoryMetrics } from './memory-metrics.js';
import { noopMetrics } from './noop-metrics.js';

const HELP = 'Things counted.';

describe('createMemoryMetrics', () => {
  it('counts per label set and sums the series a partial label filter matches', () => {
    const metrics = createMemoryMetrics();
    const counter = metrics.counter('tributary_things_total', HELP, ['group', 'topic']);
    counter.inc({ group: 'g', topic: 'a' });
    counter.inc({ group: 'g', topic: 'a' }, 2);
    counter.inc({ group: 'g', topic: 'b' }, 0.5);
    counter.inc({ group: 'h', topic: 'a' });
    expect(metrics.value('tributary_things_total', { group: 'g', topic: 'a' })).toBe(3);
    expect(metrics.value('tributary_things_total', { group: 'g' })).toBe(3.5);
    expect(metrics.value('tributary_things_total')).toBe(4.5);
    expect(metrics.value('tributary_things_total', { group: 'nobody' })).toBe(0);
  });

  it('returns the same instrument when the same definition is registered again, labels in any order', () => {
    const metrics = createMemoryMetrics();
    const first = metrics.counter('tributary_things_total', HELP, ['group', 'topic']);
    const second = metrics.counter('tributary_things_total', HELP, ['topic', 'group']);
    expect(second).toBe(first);
    second.inc({ topic: 't', group: 'g' });
    expect(metrics.value('tributary_things_total')).toBe(1);
  });

  it('rejects re-registering a name with another kind, help, labels or buckets, naming the difference', () => {
    const metrics = createMemoryMetrics();
    metrics.counter('tributary_things_total', HELP, ['group']);
    metrics.histogram('tributary_wait_seconds', 'Waits.', [], [0.1, 1]);
    const kind = thrown(() => metrics.gauge('tributary_things_total', HELP, ['group']));
    expect(kind.code).toBe('INVALID_ARGUMENT');
    expect(kind.message).toContain('kind counter');
    expect(thrown(() => metrics.counter('tributary_things_total', 'Other.', ['group'])).message).toContain(
      'help "Things counted."',
    );
    const labels = thrown(() => metrics.counter('tributary_things_total', HELP, ['group', 'tenant']));
    expect(labels.message).toContain('labels group; it cannot be registered again with group, tenant');
    expect(thrown(() => metrics.histogram('tributary_wait_seconds', 'Waits.', [], [0.5])).message).toContain(
      'buckets [0.1, 1]',
    );
  });

  it('rejects an undeclared label and a missing declared label, recording nothing', () => {
    const metrics = createMemoryMetrics();
    const counter = metrics.counter('tributary_things_total', HELP, ['group', 'topic']);
    const extra = thrown(() => counter.inc({ group: 'g', topic: 't', tenant: 'acme' }));
    expect(extra.code).toBe('INVALID_ARGUMENT');
    expect(extra.message).toBe(
      'Metric tributary_things_total has no label "tenant"; its labels: group, topic.',
    );
    const missing = thrown(() => counter.inc({ group: 'g' }));
    expect(missing.message).toContain('needs label "topic"');
    expect(thrown(() => counter.inc()).message).toContain('needs label "group"');
    expect(metrics.value('tributary_things_total')).toBe(0);
  });

  it('rejects labels on an instrument declared without labels', () => {
    const metrics = createMemoryMetrics();
    const gauge = metrics.gauge('tributary_level', 'A level.');
    expect(thrown(() => gauge.set({ topic: 't' }, 1)).message).toContain('its labels: (none)');
    gauge.set(undefined, 4);
    expect(metrics.value('tributary_level')).toBe(4);
  });

  it('rejects a negative or non-finite counter increment', () => {
    const counter = createMemoryMetrics().counter('tributary_things_total', HELP);
    expect(thrown(() => counter.inc(undefined, -1)).message).toContain('a counter never goes down');
    expect(thrown(() => counter.inc(undefined, Number.NaN)).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects invalid metric names, label names, help and buckets', () => {
    const metrics = createMemoryMetrics();
    expect(thrown(() => metrics.counter('tributary-things', HELP)).message).toContain(
      'Metric name "tributary-things" is invalid',
    );
    expect(thrown(() => metrics.counter('tributary_things_total', ' ')).message).toContain(
      'needs a help text',
    );
    expect(thrown(() => metrics.counter('tributary_a_total', HELP, ['__meta'])).message).toContain(
      'Label name "__meta"',
    );
    expect(thrown(() => metrics.counter('tributary_b_total', HELP, ['g', 'g'])).message).toContain(
      'declares label "g" twice',
    );
    expect(thrown(() => metrics.histogram('tributary_c_seconds', HELP, ['le'])).message).toContain(
      'reserved for buckets',
    );
    expect(thrown(() => metrics.histogram('tributary_d_seconds', HELP, [], [1, 1])).message).toContain(
      'strictly increasing',
    );
    expect(
      thrown(() => metrics.histogram('tributary_e_seconds', HELP, [], [1, Number.POSITIVE_INFINITY])).message,
    ).toContain('+Inf is implied');
  });

  it('keeps histogram observations per series, with the default buckets when none are given', () => {
    const metrics = createMemoryMetrics();
    const histogram = metrics.histogram('tributary_wait_seconds', 'Waits.', ['outcome']);
    histogram.observe({ outcome: 'ok' }, 0.25);
    histogram.observe({ outcome: 'ok' }, 0.5);
    histogram.observe({ outcome: 'error' }, 2);
    expect(metrics.observations('tributary_wait_seconds', { outcome: 'ok' })).toEqual([0.25, 0.5]);
    expect(metrics.observations('tributary_wait_seconds').sort()).toEqual([0.25, 0.5, 2]);
    // Re-registering with the defaults spelled out is the same definition.
    expect(metrics.histogram('tributary_wait_seconds', 'Waits.', ['outcome'], DEFAULT_BUCKETS)).toBe(
      histogram,
    );
  });

  it('tells which reader to use and names registered metrics when reading an unknown name', () => {
    const metrics = createMemoryMetrics();
    metrics.histogram('tributary_wait_seconds', 'Waits.');
    metrics.counter('tributary_things_total', HELP);
    expect(thrown(() => metrics.value('tributary_wait_seconds')).message).toContain(
      'read it with observations()',
    );
    expect(thrown(() => metrics.observations('tributary_things_total')).message).toContain(
      'read it with value()',
    );
    expect(thrown(() => metrics.value('tributary_typo_total')).message).toBe(
      'No metric "tributary_typo_total" is registered; registered: tributary_wait_seconds, tributary_things_total.',
    );
    expect(thrown(() => metrics.value('tributary_things_total', { group: 'g' })).message).toContain(
      'has no label "group"',
    );
  });

  it('reads a gauge series, undefined before it is set, and refuses a filter matching several', () => {
    const metrics = createMemoryMetrics();
    const lag = metrics.gauge('tributary_lag', 'Lag.', ['topic', 'partition']);
    expect(metrics.value('tributary_lag', { topic: 't', partition: '0' })).toBeUndefined();
    lag.set({ topic: 't', partition: '0' }, 7);
    lag.set({ topic: 't', partition: '0' }, 3);
    lag.set({ topic: 't', partition: '1' }, 1);
    expect(metrics.value('tributary_lag', { topic: 't', partition: '0' })).toBe(3);
    expect(thrown(() => metrics.value('tributary_lag', { topic: 't' })).message).toContain(
      'has 2 series matching',
    );
  });
});

describe('noopMetrics', () => {
  it('hands out shared instruments that accept anything and record nothing', () => {
    const counter = noopMetrics.counter('tributary_things_total', HELP, ['group']);
    expect(noopMetrics.counter('other_total', 'x')).toBe(counter);
    expect(() => {
      counter.inc({ anything: 'goes' }, -5);
      noopMetrics.histogram('h', 'h').observe(undefined, 1);
      noopMetrics.gauge('g', 'g').set(undefined, 1);
    }).not.toThrow();
  });
});
