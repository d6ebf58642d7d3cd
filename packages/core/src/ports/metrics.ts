/**
 * The Metrics port: how Tributary reports counters, histograms and gauges without depending on a
 * metrics library. Core components take a {@link Metrics} (default: `noopMetrics`, which costs
 * next to nothing); the server plugs in a Prometheus exporter, tests plug in `createMemoryMetrics()`.
 *
 * Conventions (Prometheus, https://prometheus.io/docs/practices/naming/):
 * - names are `snake_case` with the `tributary_` prefix; counters end in `_total`; durations are in
 *   seconds and end in `_seconds`;
 * - labels have bounded values only (a group, a topic, a partition, an outcome): never event ids,
 *   keys or tenants, which would create a time series per value.
 *
 * Registration (`counter`, `histogram`, `gauge`) happens once, when a component is built; recording
 * (`inc`, `observe`, `set`) happens on hot paths and must be cheap.
 */

/**
 * Label values of one recording, by label name. Must name exactly the label names the instrument
 * was registered with; values are strings (write numbers such as partitions with `String(n)`).
 */
export type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing count (events consumed, failures). Prometheus type `counter`. */
export interface Counter {
  /**
   * Adds `value` (default 1) to the series of `labels`.
   * @param labels - every declared label; omit when the counter has no labels.
   * @param value - a finite number >= 0 (counters never go down).
   */
  inc(labels?: Labels, value?: number): void;
}

/** A distribution of observed values (durations), counted into buckets. Prometheus type `histogram`. */
export interface Histogram {
  /**
   * Records one observation in the series of `labels`.
   * @param labels - every declared label; `undefined` when the histogram has no labels.
   * @param value - a finite number, in base units (seconds for durations, bytes for sizes).
   */
  observe(labels: Labels | undefined, value: number): void;
}

/** A value that goes up and down (lag, in-flight events). Prometheus type `gauge`. */
export interface Gauge {
  /**
   * Sets the current value of the series of `labels`.
   * @param labels - every declared label; `undefined` when the gauge has no labels.
   * @param value - a finite number.
   */
  set(labels: Labels | undefined, value: number): void;
}

/**
 * A registry of instruments. Registering the same name again with the same kind, help, label
 * names (in any order) and buckets returns the same instrument, so components built twice share
 * their series; any other difference is rejected with `INVALID_ARGUMENT`.
 */
export interface Metrics {
  /**
   * Registers (or returns the existing) counter.
   * @param name - `tributary_..._total`; must match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
   * @param help - one line saying what is counted.
   * @param labelNames - label names (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`); default none.
   * @throws ValidationError `INVALID_ARGUMENT` for a bad name or label name, or a conflicting
   *   earlier registration of `name`.
   */
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
  /**
   * Registers (or returns the existing) histogram.
   * @param buckets - upper bounds, strictly increasing and finite (`+Inf` is implied); default
   *   the Prometheus defaults, 5 ms to 10 s.
   * @throws ValidationError `INVALID_ARGUMENT` as for {@link counter}, for bad buckets, or for the
   *   reserved label name `le`.
   */
  histogram(
    name: string,
    help: string,
    labelNames?: readonly string[],
    buckets?: readonly number[],
  ): Histogram;
  /**
   * Registers (or returns the existing) gauge.
   * @throws ValidationError `INVALID_ARGUMENT` as for {@link counter}.
   */
  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge;
}
