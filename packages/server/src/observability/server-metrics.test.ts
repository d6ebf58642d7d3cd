import { createMemoryLog } from '@tributary/core';
import { consumerMetrics, waitFor } from '@tributary/core/internal';
import { describe, expect, it } from 'vitest';
// The core's memory-bus fixtures (tests only).
import { OrderPlaced, orders, testBus } from '../../../core/src/bus/test-support/fixtures.js';
import { MAX_ROUTES } from './http-labels.js';
import { createServerMetrics } from './server-metrics.js';
import { type MetricFamily, parsePrometheusText, sampleValue } from './test-support/prometheus-text.js';

const noDefaults = { defaultMetrics: false };

async function scrape(metrics: ReturnType<typeof createServerMetrics>) {
  return parsePrometheusText(await metrics.render());
}

function labelNames(families: Map<string, MetricFamily>): Set<string> {
  return new Set([...families.values()].flatMap((f) => f.samples.flatMap((s) => Object.keys(s.labels))));
}

describe('createServerMetrics', () => {
  it('exposes tributary_ metrics in base units with their types, before anything happened', async () => {
    const families = await scrape(createServerMetrics(undefined, noDefaults));
    const expected: Record<string, string> = {
      tributary_published_events_total: 'counter',
      tributary_consumed_events_total: 'counter',
      tributary_consumer_events_total: 'counter',
      tributary_consumer_failures_total: 'counter',
      tributary_consumer_dead_letters_total: 'counter',
      tributary_consumer_processing_seconds: 'histogram',
      tributary_consumer_lag: 'gauge',
      tributary_consumer_committed_lag: 'gauge',
      tributary_log_size_bytes: 'gauge',
      tributary_log_retained_records: 'gauge',
      tributary_log_fsync_seconds: 'histogram',
      tributary_http_requests_total: 'counter',
      tributary_http_request_duration_seconds: 'histogram',
    };
    for (const [name, type] of Object.entries(expected)) expect(families.get(name)?.type, name).toBe(type);
    for (const family of families.values()) {
      expect(family.name).toMatch(/^tributary_/);
      expect(family.help.length, family.name).toBeGreaterThan(0);
      // Base units only: no milliseconds, kilobytes, …
      expect(family.name).not.toMatch(/_(ms|milliseconds|kb|mb|kilobytes|megabytes)(_|$)/);
    }
  });

  it('counts HTTP requests by method, route pattern and status, with durations in seconds', async () => {
    const metrics = createServerMetrics(undefined, noDefaults);
    metrics.observeHttp('get', '/v1/topics/:topic', 200, 0.004);
    metrics.observeHttp('GET', '/v1/topics/:topic', 200, 0.02);
    metrics.observeHttp('BREW', '', 404, 0.001);
    const families = await scrape(metrics);
    const route = { method: 'GET', route: '/v1/topics/:topic', status: '200' };
    expect(sampleValue(families, 'tributary_http_requests_total', route)).toBe(2);
    expect(sampleValue(families, 'tributary_http_request_duration_seconds_count', route)).toBe(2);
    expect(sampleValue(families, 'tributary_http_request_duration_seconds_sum', route)).toBeCloseTo(0.024);
    expect(
      sampleValue(families, 'tributary_http_requests_total', {
        method: 'OTHER',
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
  });

  it('caps the number of distinct routes, so raw paths cannot create unbounded series', async () => {
    const metrics = createServerMetrics(undefined, noDefaults);
    for (let i = 0; i < MAX_ROUTES + 50; i++) metrics.observeHttp('GET', `/v1/topics/t${i}`, 200, 0.001);
    const families = await scrape(metrics);
    const routes = new Set(families.get('tributary_http_requests_total')?.samples.map((s) => s.labels.route));
    expect(routes.size).toBe(MAX_ROUTES + 1);
    expect(sampleValue(families, 'tributary_http_requests_total', { route: 'other' })).toBe(50);
  });

  it('counts published and consumed events per topic and group', async () => {
    const metrics = createServerMetrics(undefined, noDefaults);
    metrics.recordPublished('orders', 3);
    metrics.recordPublished('orders');
    metrics.recordConsumed('orders', 'billing', 2);
    metrics.recordConsumed('orders', undefined);
    metrics.observeFsync(0.0003);
    const families = await scrape(metrics);
    expect(sampleValue(families, 'tributary_published_events_total', { topic: 'orders' })).toBe(4);
    expect(
      sampleValue(families, 'tributary_consumed_events_total', { topic: 'orders', group: 'billing' }),
    ).toBe(2);
    expect(sampleValue(families, 'tributary_consumed_events_total', { topic: 'orders', group: '' })).toBe(1);
    expect(sampleValue(families, 'tributary_log_fsync_seconds_count')).toBe(1);
  });

  it('reads log sizes and committed lag at each scrape, dropping deleted topics', async () => {
    const metrics = createServerMetrics(undefined, noDefaults);
    const log = createMemoryLog();
    metrics.collectLogStats(log);
    await log.createTopic('orders', { partitions: 2 });
    await log.createTopic('old');
    await log.append(
      'orders',
      0,
      [1, 2, 3].map(() => ({ key: null, value: new Uint8Array(100) })),
    );
    await log.commitOffsets('billing', [{ topic: 'orders', partition: 0, offset: 1n }]);
    let families = await scrape(metrics);
    expect(sampleValue(families, 'tributary_log_size_bytes', { topic: 'orders' })).toBeGreaterThan(300);
    expect(sampleValue(families, 'tributary_log_retained_records', { topic: 'orders' })).toBe(3);
    expect(sampleValue(families, 'tributary_log_retained_records', { topic: 'old' })).toBe(0);
    expect(
      sampleValue(families, 'tributary_consumer_committed_lag', {
        group: 'billing',
        topic: 'orders',
        partition: '0',
      }),
    ).toBe(2);

    await log.deleteTopic('old');
    await log.append('orders', 0, [{ key: null, value: null }]);
    families = await scrape(metrics);
    expect(sampleValue(families, 'tributary_log_retained_records', { topic: 'old' })).toBeUndefined();
    expect(sampleValue(families, 'tributary_consumer_committed_lag', { group: 'billing' })).toBe(3);
  });

  it('still renders when the log cannot be read, counting the failure', async () => {
    const metrics = createServerMetrics(undefined, noDefaults);
    const log = createMemoryLog();
    await log.createTopic('orders');
    const stop = metrics.collectLogStats(log);
    await log.close();
    const families = await scrape(metrics);
    expect(sampleValue(families, 'tributary_metrics_collect_failures_total')).toBe(1);
    expect(families.get('tributary_log_size_bytes')?.samples).toEqual([]);
    stop();
    expect(sampleValue(await scrape(metrics), 'tributary_metrics_collect_failures_total')).toBe(1);
  });

  it('reports what a subscription records through its Metrics port', async () => {
    const metrics = createServerMetrics(undefined, noDefaults);
    const { bus } = testBus({ autoCreateTopics: true });
    let handled = 0;
    const subscription = await bus.subscribe({
      group: 'billing',
      events: [OrderPlaced],
      metrics: metrics.metricsPort,
      retry: { maxAttempts: 1 },
      handler: (event) => {
        handled++;
        if (event.data.n === 2) throw new Error('no payment method');
      },
    });
    await bus.publishBatch(orders(3));
    await waitFor(() => handled === 3);
    const families = await waitForSample(metrics, 'tributary_consumer_dead_letters_total', {
      group: 'billing',
    });
    await subscription.stop();
    const labels = { group: 'billing', topic: 'orders' };
    expect(sampleValue(families, 'tributary_consumer_events_total', labels)).toBe(2);
    expect(sampleValue(families, 'tributary_consumer_failures_total', labels)).toBe(1);
    expect(sampleValue(families, 'tributary_consumer_dead_letters_total', labels)).toBe(1);
    expect(sampleValue(families, 'tributary_consumer_processing_seconds_count', labels)).toBe(2);
    expect(sampleValue(families, 'tributary_consumer_lag', { ...labels, partition: '0' })).toBe(0);
  });

  it('uses only bounded label names, with process metrics included', async () => {
    const metrics = createServerMetrics();
    const log = createMemoryLog();
    await log.createTopic('orders');
    await log.commitOffsets('g', [{ topic: 'orders', partition: 0, offset: 0n }]);
    metrics.collectLogStats(log);
    metrics.observeHttp('GET', '/v1/topics/:topic', 200, 0.01);
    metrics.recordPublished('orders');
    metrics.recordConsumed('orders', 'g');
    const consumer = consumerMetrics(metrics.metricsPort);
    consumer.consumed.inc({ group: 'g', topic: 'orders' });
    consumer.processing.observe({ group: 'g', topic: 'orders' }, 0.001);
    consumer.lag.set({ group: 'g', topic: 'orders', partition: '0' }, 0);
    const families = await scrape(metrics);
    expect(families.has('tributary_process_cpu_seconds_total')).toBe(true);
    const bounded = ['method', 'route', 'status', 'topic', 'group', 'partition', 'le'];
    // prom-client's process metrics: heap space, GC kind, Node version parts.
    const processLabels = ['space', 'kind', 'version', 'major', 'minor', 'patch', 'type'];
    for (const label of labelNames(families)) expect([...bounded, ...processLabels]).toContain(label);
    for (const forbidden of ['tenant', 'tenantid', 'key', 'keyId', 'id', 'path', 'url']) {
      expect(labelNames(families).has(forbidden)).toBe(false);
    }
  });
});

/** Scrapes until `name{labels}` has a value (the dead letter is written after the handler returns). */
async function waitForSample(
  metrics: ReturnType<typeof createServerMetrics>,
  name: string,
  labels: Record<string, string>,
): Promise<Map<string, MetricFamily>> {
  let families = new Map<string, MetricFamily>();
  await waitFor(async () => {
    families = await scrape(metrics);
    return sampleValue(families, name, labels) !== undefined;
  });
  return families;
}
