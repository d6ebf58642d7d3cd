/**
 * Validation shared by Metrics implementations (the memory one here, the Prometheus exporter in the
 * server): instrument definitions, conflicting re-registrations, label sets and recorded values.
 */
import { invalidArgument } from '../errors/errors.js';
import type { Labels } from '../ports/metrics.js';

export type InstrumentKind = 'counter' | 'histogram' | 'gauge';

/** A checked instrument registration. */
export interface InstrumentDefinition {
  readonly kind: InstrumentKind;
  readonly name: string;
  readonly help: string;
  /** In registration order. */
  readonly labelNames: readonly string[];
  /** Histogram bucket upper bounds (without `+Inf`); empty for other kinds. */
  readonly buckets: readonly number[];
}

/** The Prometheus client defaults, in seconds: 5 ms to 10 s. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a registration and returns it normalized (copied arrays, default buckets). */
export function defineInstrument(
  kind: InstrumentKind,
  name: unknown,
  help: unknown,
  labelNames: unknown = [],
  buckets?: unknown,
): InstrumentDefinition {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw invalidArgument(
      `Metric name ${JSON.stringify(name)} is invalid: use letters, digits, "_" and ":" (not starting with a digit), e.g. tributary_consumer_events_total.`,
    );
  }
  if (typeof help !== 'string' || help.trim() === '') {
    throw invalidArgument(`Metric ${name} needs a help text saying what it measures.`);
  }
  if (!Array.isArray(labelNames)) {
    throw invalidArgument(`Label names of metric ${name} must be an array of strings.`);
  }
  const names: string[] = [];
  for (const label of labelNames) {
    if (typeof label !== 'string' || !LABEL_NAME.test(label) || label.startsWith('__')) {
      throw invalidArgument(
        `Label name ${JSON.stringify(label)} of metric ${name} is invalid: use letters, digits and "_" (not starting with a digit or "__").`,
      );
    }
    if (names.includes(label)) throw invalidArgument(`Metric ${name} declares label "${label}" twice.`);
    if (kind === 'histogram' && label === 'le') {
      throw invalidArgument(`Histogram ${name} cannot have a label "le": it is reserved for buckets.`);
    }
    names.push(label);
  }
  return {
    kind,
    name,
    help,
    labelNames: names,
    buckets: kind === 'histogram' ? checkBuckets(name, buckets) : [],
  };
}

function checkBuckets(name: string, buckets: unknown): readonly number[] {
  if (buckets === undefined) return DEFAULT_BUCKETS;
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw invalidArgument(`Buckets of histogram ${name} must be a non-empty array of numbers.`);
  }
  const bounds: number[] = [];
  for (const bound of buckets) {
    const previous = bounds[bounds.length - 1];
    if (
      typeof bound !== 'number' ||
      !Number.isFinite(bound) ||
      (previous !== undefined && bound <= previous)
    ) {
      throw invalidArgument(
        `Buckets of histogram ${name} must be finite and strictly increasing (+Inf is implied); got [${buckets.map(String).join(', ')}].`,
      );
    }
    bounds.push(bound);
  }
  return bounds;
}

/**
 * Throws `INVALID_ARGUMENT` unless `requested` registers the same instrument as `existing` (label
 * names compared as a set), saying what differs.
 */
export function checkSameDefinition(existing: InstrumentDefinition, requested: InstrumentDefinition): void {
  const differs = (what: string, was: string, now: string): never => {
    throw invalidArgument(
      `Metric ${existing.name} is already registered with ${what} ${was}; it cannot be registered again with ${now}.`,
    );
  };
  if (existing.kind !== requested.kind) differs('kind', existing.kind, requested.kind);
  if (existing.help !== requested.help) {
    differs('help', JSON.stringify(existing.help), JSON.stringify(requested.help));
  }
  const sorted = (names: readonly string[]): string => [...names].sort().join(', ') || '(none)';
  if (sorted(existing.labelNames) !== sorted(requested.labelNames)) {
    differs('labels', sorted(existing.labelNames), sorted(requested.labelNames));
  }
  if (existing.buckets.join() !== requested.buckets.join()) {
    differs('buckets', `[${existing.buckets.join(', ')}]`, `[${requested.buckets.join(', ')}]`);
  }
}

/**
 * Checks that `labels` names exactly the instrument's label names with string values, and returns
 * the values in declaration order.
 */
export function labelValues(definition: InstrumentDefinition, labels: Labels | undefined): string[] {
  const given = labels ?? {};
  if (typeof given !== 'object' || given === null) {
    throw invalidArgument(`Labels of metric ${definition.name} must be an object of strings.`);
  }
  for (const [label, value] of Object.entries(given)) {
    if (!definition.labelNames.includes(label)) {
      throw invalidArgument(
        `Metric ${definition.name} has no label "${label}"; its labels: ${definition.labelNames.join(', ') || '(none)'}.`,
      );
    }
    if (typeof value !== 'string') {
      throw invalidArgument(
        `Label "${label}" of metric ${definition.name} must be a string; got ${typeof value}.`,
      );
    }
  }
  return definition.labelNames.map((label) => {
    const value = given[label];
    if (value === undefined) {
      throw invalidArgument(
        `Metric ${definition.name} needs label "${label}" (its labels: ${definition.labelNames.join(', ')}); got ${Object.keys(given).join(', ') || 'none'}.`,
      );
    }
    return value;
  });
}

/** Throws `INVALID_ARGUMENT` unless `value` is a finite number (and >= 0 when `nonNegative`). */
export function checkValue(definition: InstrumentDefinition, value: unknown, nonNegative: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (nonNegative && value < 0)) {
    throw invalidArgument(
      `Metric ${definition.name} takes a finite number${nonNegative ? ' >= 0 (a counter never goes down)' : ''}; got ${String(value)}.`,
    );
  }
  return value;
}
