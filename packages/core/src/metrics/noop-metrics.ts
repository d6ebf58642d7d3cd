import type { Counter, Gauge, Histogram, Metrics } from '../ports/metrics.js';

const counter: Counter = Object.freeze({ inc(): void {} });
const histogram: Histogram = Object.freeze({ observe(): void {} });
const gauge: Gauge = Object.freeze({ set(): void {} });

/**
 * Metrics that record nothing: the default wherever a component takes a {@link Metrics}. Every
 * registration returns a shared do-nothing instrument, so recording costs one empty call. It does
 * not validate names or labels (that is what `createMemoryMetrics()` in tests is for).
 */
export const noopMetrics: Metrics = Object.freeze({
  counter: (): Counter => counter,
  histogram: (): Histogram => histogram,
  gauge: (): Gauge => gauge,
});
