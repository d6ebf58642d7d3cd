import type { Metrics } from '@tributary/core';
import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from './prometheus-metrics.js';
import { parsePrometheusText, sampleValue } from './test-support/prometheus-text.js';

async function scrape(registry: prom.Registry) {
  return parsePrometheusText(await registry.metrics());
}

describe('the Metrics port on prom-client', () => {
  it('records counters, histograms and gauges into the registry', async () => {
    const registry = new prom.Registry();
    const metrics = createPrometheusMetrics(registry);
    metrics.counter('tributary_things_total', 'Things.', ['topic']).inc({ topic: 'a' }, 2);
    metrics.histogram('tributary_wait_seconds', 'Waits.', [], [0.1, 1]).observe(undefined, 0.5);
    metrics.gauge('tributary_depth', 'Depth.', ['group']).set({ group: 'g' }, 7);
    const families = await scrape(registry);
    expect(families.get('tributary_things_total')).toMatchObject({ type: 'counter', help: 'Things.' });
    expect(sampleValue(families, 'tributary_things_total', { topic: 'a' })).toBe(2);
    expect(sampleValue(families, 'tributary_wait_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(sampleValue(families, 'tributary_wait_seconds_bucket', { le: '1' })).toBe(1);
    expect(sampleValue(families, 'tributary_wait_seconds_sum')).toBe(0.5);
    expect(sampleValue(families, 'tributary_depth', { group: 'g' })).toBe(7);
  });

  it('returns the same instrument for the same registration, also from another adapter on the registry', async () => {
    const registry = new prom.Registry();
    const first = createPrometheusMetrics(registry).counter('tributary_x_total', 'X.', ['a', 'b']);
    const again = createPrometheusMetrics(registry).counter('tributary_x_total', 'X.', ['b', 'a']);
    first.inc({ a: '1', b: '2' });
    again.inc({ a: '1', b: '2' });
    expect(sampleValue(await scrape(registry), 'tributary_x_total', { a: '1' })).toBe(2);
  });

  it.each<[string, (metrics: Metrics) => unknown]>([
    ['another kind', (m) => m.gauge('tributary_x_total', 'X.', ['a'])],
    ['another help', (m) => m.counter('tributary_x_total', 'Y.', ['a'])],
    ['other labels', (m) => m.counter('tributary_x_total', 'X.', ['b'])],
  ])('rejects registering a name again with %s', (_, registerAgain) => {
    const metrics = createPrometheusMetrics(new prom.Registry());
    metrics.counter('tributary_x_total', 'X.', ['a']);
    expect(() => registerAgain(metrics)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('already registered'),
      }),
    );
  });

  it('rejects a name registered in the registry by other code', () => {
    const registry = new prom.Registry();
    new prom.Counter({ name: 'tributary_foreign_total', help: 'F.', registers: [registry] });
    expect(() => createPrometheusMetrics(registry).counter('tributary_foreign_total', 'F.')).toThrow(
      /already registered in this Prometheus registry/,
    );
  });

  it('checks names, labels and values as the memory metrics do', () => {
    const metrics = createPrometheusMetrics(new prom.Registry());
    expect(() => metrics.counter('bad name', 'X.')).toThrow(/Metric name "bad name" is invalid/);
    expect(() => metrics.histogram('tributary_h', 'H.', ['le'])).toThrow(/reserved/);
    const counter = metrics.counter('tributary_c_total', 'C.', ['topic']);
    expect(() => counter.inc({})).toThrow(/needs label "topic"/);
    expect(() => counter.inc({ topic: 't', tenant: 'acme' })).toThrow(/has no label "tenant"/);
    expect(() => counter.inc({ topic: 't' }, -1)).toThrow(/never goes down/);
    const gauge = metrics.gauge('tributary_g', 'G.');
    expect(() => gauge.set(undefined, Number.NaN)).toThrow(/finite number/);
  });
});
