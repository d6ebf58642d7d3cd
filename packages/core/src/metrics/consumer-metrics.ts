import type { Counter, Gauge, Histogram, Metrics } from '../ports/metrics.js';

/**
 * The instruments a consumer group member records into. Labels are bounded: `group`, `topic` and,
 * for lag, `partition` (as a decimal string) — never event ids, keys or tenants.
 */
export interface ConsumerMetrics {
  /** `tributary_consumer_events_total{group, topic}`: events handled successfully. */
  readonly consumed: Counter;
  /** `tributary_consumer_failures_total{group, topic}`: handler attempts that failed. */
  readonly failed: Counter;
  /** `tributary_consumer_retries_total{group, topic}`: retries scheduled after a failure. */
  readonly retried: Counter;
  /** `tributary_consumer_dead_letters_total{group, topic}`: events sent to the dead-letter topic. */
  readonly deadLettered: Counter;
  /** `tributary_consumer_duplicates_skipped_total{group, topic}`: events skipped as already handled. */
  readonly duplicates: Counter;
  /** `tributary_consumer_processing_seconds{group, topic}`: time in the handler, per attempt. */
  readonly processing: Histogram;
  /** `tributary_consumer_lag{group, topic, partition}`: records behind the partition's end. */
  readonly lag: Gauge;
}

/** Handler durations are often sub-millisecond: finer low buckets than the Prometheus defaults. */
export const PROCESSING_BUCKETS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

const GROUP_TOPIC = ['group', 'topic'] as const;

/**
 * Registers the consumer's instruments in `metrics`. Calling it again with the same `metrics`
 * returns the same instruments (every consumer of a process shares them, split by labels).
 */
export function consumerMetrics(metrics: Metrics): ConsumerMetrics {
  return {
    consumed: metrics.counter(
      'tributary_consumer_events_total',
      'Events handled successfully by a consumer group.',
      GROUP_TOPIC,
    ),
    failed: metrics.counter(
      'tributary_consumer_failures_total',
      'Handler attempts that threw (every attempt counts).',
      GROUP_TOPIC,
    ),
    retried: metrics.counter(
      'tributary_consumer_retries_total',
      'Retries scheduled after a failed handler attempt.',
      GROUP_TOPIC,
    ),
    deadLettered: metrics.counter(
      'tributary_consumer_dead_letters_total',
      'Events sent to the dead-letter topic after their last attempt or a permanent failure.',
      GROUP_TOPIC,
    ),
    duplicates: metrics.counter(
      'tributary_consumer_duplicates_skipped_total',
      'Events skipped because the group had already handled their id.',
      GROUP_TOPIC,
    ),
    processing: metrics.histogram(
      'tributary_consumer_processing_seconds',
      'Time spent in the handler per attempt, in seconds.',
      GROUP_TOPIC,
      PROCESSING_BUCKETS,
    ),
    lag: metrics.gauge(
      'tributary_consumer_lag',
      'Records between the group position and the end of the partition.',
      ['group', 'topic', 'partition'],
    ),
  };
}
