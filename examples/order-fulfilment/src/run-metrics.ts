// A Metrics port implementation that keeps only what the demo shows: totals per counter name
// (retries across every service). Histograms and gauges are accepted and dropped.
import type { Counter, Gauge, Histogram, Labels, Metrics } from '@tributary/core';

/** The counter names the subscriptions record into (`consumerMetrics` in core). */
export const METRIC = {
  /** Retries scheduled after a failed handler attempt. */
  retries: 'tributary_consumer_retries_total',
} as const;

/** {@link Metrics} summed over labels, read by the progress display and the summary. */
export interface RunMetrics extends Metrics {
  /** The sum of a counter over every label set (0 when never incremented). */
  total(counter: string): number;
}

/** A fresh {@link RunMetrics}. */
export function createRunMetrics(): RunMetrics {
  const totals = new Map<string, number>();
  const dropHistogram: Histogram = { observe: () => {} };
  const dropGauge: Gauge = { set: () => {} };
  return {
    counter(name: string): Counter {
      return {
        inc(_labels?: Labels, value = 1) {
          totals.set(name, (totals.get(name) ?? 0) + value);
        },
      };
    },
    histogram: () => dropHistogram,
    gauge: () => dropGauge,
    total: (counter) => totals.get(counter) ?? 0,
  };
}
