import type { Histogram, Log, Metrics } from '@tributary/core';
import { consumerMetrics } from '@tributary/core/internal';
import * as prom from 'prom-client';
import { methodLabel, RouteLabels, statusLabel } from './http-labels.js';
import { type LogSnapshot, snapshotLogs } from './log-stats.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';

/** HTTP durations: fast reads to long polls (`waitMs`) and streams. */
export const HTTP_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** fsync durations: tens of microseconds on NVMe to a second on a struggling disk. */
export const FSYNC_BUCKETS: readonly number[] = Object.freeze([
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]);

/**
 * The log engine's instruments. Registered through the Metrics port, so a log given the same
 * `metrics` (once it takes one) records into the very same histogram.
 */
export function logMetrics(metrics: Metrics): { readonly fsync: Histogram } {
  return {
    fsync: metrics.histogram(
      'tributary_log_fsync_seconds',
      'Time of one fsync of a log partition (a group commit), in seconds.',
      [],
      FSYNC_BUCKETS,
    ),
  };
}

/** The server's metrics (see {@link createServerMetrics}). */
export interface ServerMetrics {
  readonly registry: prom.Registry;
  /** Core's Metrics port on this registry: pass it to `bus.subscribe({ metrics })` and friends. */
  readonly metricsPort: Metrics;
  /** The `Content-Type` of {@link render}'s output. */
  readonly contentType: string;
  /**
   * Records one HTTP request. `route` is the matched route pattern (`/v1/topics/:topic`, Hono's
   * `c.req.routePath`), never the raw path; `''` for a request no route matched.
   */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Counts events published (acknowledged) to `topic`. Call after the append succeeded. */
  recordPublished(topic: string, count?: number): void;
  /** Counts events delivered to HTTP consumers of `topic`; `group` undefined for plain partition reads. */
  recordConsumed(topic: string, group: string | undefined, count?: number): void;
  /** Records one fsync of the log, in seconds. */
  observeFsync(seconds: number): void;
  /**
   * Reports `log`'s sizes per topic and its groups' committed lag at every scrape. Returns a
   * function that stops reporting it.
   */
  collectLogStats(log: Log): () => void;
  /** The Prometheus text exposition of every metric (collecting log stats first). */
  render(): Promise<string>;
}

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /**
   * Also export Node.js process metrics (CPU, memory, event loop lag, GC) as `tributary_process_…`
   * and `tributary_nodejs_…`. Default: true when the registry is created here, false for a
   * registry given (its owner decides).
   */
  readonly defaultMetrics?: boolean;
}

/**
 * The Tributary server's Prometheus metrics, all named `tributary_…` in base units (seconds,
 * bytes), with bounded labels only (method, route pattern, status, topic, group, partition —
 * never tenants, keys, ids or paths):
 * - `tributary_published_events_total{topic}`, `tributary_consumed_events_total{topic, group}`
 * - the consumer metrics of subscriptions using {@link ServerMetrics.metricsPort}:
 *   `tributary_consumer_events_total`, `…_failures_total`, `…_retries_total`,
 *   `…_dead_letters_total`, `…_duplicates_skipped_total`, `tributary_consumer_processing_seconds`,
 *   `tributary_consumer_lag{group, topic, partition}`
 * - at each scrape, from the log: `tributary_log_size_bytes{topic}`,
 *   `tributary_log_retained_records{topic}`, `tributary_consumer_committed_lag{group, topic, partition}`
 * - `tributary_log_fsync_seconds`
 * - `tributary_http_requests_total{method, route, status}`,
 *   `tributary_http_request_duration_seconds{method, route, status}`
 */
export function createServerMetrics(
  registry?: prom.Registry,
  options: ServerMetricsOptions = {},
): ServerMetrics {
  const owned = registry === undefined;
  const reg = registry ?? new prom.Registry();
  if (options.defaultMetrics ?? owned) prom.collectDefaultMetrics({ register: reg, prefix: 'tributary_' });
  const port = createPrometheusMetrics(reg);

  // Registered now, so the exposition lists them (empty) before the first subscription.
  consumerMetrics(port);
  const fsync = logMetrics(port).fsync;
  const published = port.counter(
    'tributary_published_events_total',
    'Events published through the server and acknowledged.',
    ['topic'],
  );
  const consumed = port.counter(
    'tributary_consumed_events_total',
    'Events delivered to HTTP consumers (group is empty for plain partition reads).',
    ['topic', 'group'],
  );
  const httpLabels = ['method', 'route', 'status'];
  const requests = port.counter('tributary_http_requests_total', 'HTTP requests served.', httpLabels);
  const durations = port.histogram(
    'tributary_http_request_duration_seconds',
    'Time to serve an HTTP request (to the end of the response), in seconds.',
    httpLabels,
    HTTP_BUCKETS,
  );
  const routes = new RouteLabels();
  const logStats = logStatsGauges(reg);

  return {
    registry: reg,
    metricsPort: port,
    contentType: reg.contentType,
    observeHttp(method, route, status, seconds) {
      const labels = { method: methodLabel(method), route: routes.label(route), status: statusLabel(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
    recordPublished(topic, count = 1) {
      published.inc({ topic }, count);
    },
    recordConsumed(topic, group, count = 1) {
      consumed.inc({ topic, group: group ?? '' }, count);
    },
    observeFsync(seconds) {
      fsync.observe(undefined, seconds);
    },
    collectLogStats: logStats.add,
    render: () => reg.metrics(),
  };
}

/** The gauges filled from the logs at each scrape, sharing one read of them per scrape. */
function logStatsGauges(registry: prom.Registry): { add(log: Log): () => void } {
  const logs = new Set<Log>();
  let inflight: Promise<LogSnapshot> | undefined;
  const failures = new prom.Counter({
    name: 'tributary_metrics_collect_failures_total',
    help: 'Scrapes whose log statistics could not be read (the log gauges are empty for them).',
    registers: [registry],
    async collect() {
      await snapshot(); // so a failure of this scrape is counted in it
    },
  });
  // The gauges collect concurrently: the first starts the read, the others join it.
  const snapshot = (): Promise<LogSnapshot> => {
    inflight ??= snapshotLogs(logs)
      .catch((): LogSnapshot => {
        failures.inc();
        return { topics: [], lag: [] };
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  const topicGauge = (name: string, help: string, value: (t: LogSnapshot['topics'][number]) => number) =>
    new prom.Gauge({
      name,
      help,
      labelNames: ['topic'],
      registers: [registry],
      async collect() {
        const { topics } = await snapshot();
        this.reset(); // deleted topics disappear
        for (const t of topics) this.set({ topic: t.topic }, value(t));
      },
    });
  topicGauge(
    'tributary_log_size_bytes',
    'Bytes a topic occupies in the log, all partitions.',
    (t) => t.sizeBytes,
  );
  topicGauge(
    'tributary_log_retained_records',
    'Records a topic retains (latest minus earliest offset, all partitions).',
    (t) => t.records,
  );
  new prom.Gauge({
    name: 'tributary_consumer_committed_lag',
    help: "Records between a group's committed offset and the end of the partition.",
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      const { lag } = await snapshot();
      this.reset();
      for (const l of lag)
        this.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag);
    },
  });
  return {
    add(log) {
      logs.add(log);
      return () => logs.delete(log);
    },
  };
}
