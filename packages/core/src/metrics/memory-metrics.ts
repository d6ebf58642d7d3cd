import { invalidArgument } from '../errors/errors.js';
import type { Counter, Gauge, Histogram, Labels, Metrics } from '../ports/metrics.js';
import {
  checkSameDefinition,
  checkValue,
  defineInstrument,
  type InstrumentDefinition,
  type InstrumentKind,
  labelValues,
} from './definitions.js';

/**
 * {@link Metrics} kept in memory, with readers, for tests. It validates everything a real exporter
 * would reject (names, conflicting registrations, undeclared or missing labels, negative counter
 * increments), so a test using it catches what production would.
 */
export interface MemoryMetrics extends Metrics {
  /**
   * The value of a counter or gauge. `labels` may name some of the instrument's labels: a counter
   * returns the sum over the matching series (0 when none); a gauge returns its matching series'
   * value (`undefined` when none was set) and rejects a filter matching several series.
   * @throws ValidationError `INVALID_ARGUMENT` for an unregistered name, a histogram, or a label
   *   the instrument does not declare.
   */
  value(name: string, labels?: Labels): number | undefined;
  /**
   * Every value observed by a histogram in the series matching `labels` (some or all of its
   * labels; none = every series), in observation order per series.
   * @throws ValidationError `INVALID_ARGUMENT` for an unregistered name, a non-histogram, or a
   *   label the instrument does not declare.
   */
  observations(name: string, labels?: Labels): number[];
}

interface Series {
  readonly labels: Labels;
  value: number | undefined;
  readonly observations: number[];
}

interface Instrument {
  readonly definition: InstrumentDefinition;
  readonly series: Map<string, Series>;
  readonly handle: Counter | Histogram | Gauge;
}

/** A fresh, empty {@link MemoryMetrics}. */
export function createMemoryMetrics(): MemoryMetrics {
  const instruments = new Map<string, Instrument>();

  const seriesOf = (
    definition: InstrumentDefinition,
    all: Map<string, Series>,
    labels: Labels | undefined,
  ): Series => {
    const values = labelValues(definition, labels);
    const key = JSON.stringify(values);
    let series = all.get(key);
    if (series === undefined) {
      const copy: Record<string, string> = {};
      definition.labelNames.forEach((label, i) => {
        copy[label] = values[i] as string;
      });
      series = { labels: copy, value: undefined, observations: [] };
      all.set(key, series);
    }
    return series;
  };

  /** The existing instrument of that name (same definition), else a new one made by `make`. */
  const register = <H extends Counter | Histogram | Gauge>(
    requested: InstrumentDefinition,
    make: (series: (labels: Labels | undefined) => Series) => H,
  ): H => {
    const existing = instruments.get(requested.name);
    if (existing !== undefined) {
      checkSameDefinition(existing.definition, requested);
      // Same kind, so the same handle type.
      return existing.handle as H;
    }
    const series = new Map<string, Series>();
    const handle = make((labels) => seriesOf(requested, series, labels));
    instruments.set(requested.name, { definition: requested, series, handle });
    return handle;
  };

  const lookup = (name: string, kinds: readonly InstrumentKind[]): Instrument => {
    const instrument = instruments.get(name);
    if (instrument === undefined) {
      throw invalidArgument(
        `No metric ${JSON.stringify(name)} is registered; registered: ${[...instruments.keys()].join(', ') || '(none)'}.`,
      );
    }
    if (!kinds.includes(instrument.definition.kind)) {
      throw invalidArgument(
        `Metric ${name} is a ${instrument.definition.kind}; read it with ${instrument.definition.kind === 'histogram' ? 'observations()' : 'value()'}.`,
      );
    }
    return instrument;
  };

  const matching = (instrument: Instrument, filter: Labels | undefined): Series[] => {
    const wanted = Object.entries(filter ?? {});
    for (const [label] of wanted) {
      if (!instrument.definition.labelNames.includes(label)) {
        throw invalidArgument(
          `Metric ${instrument.definition.name} has no label "${label}"; its labels: ${instrument.definition.labelNames.join(', ') || '(none)'}.`,
        );
      }
    }
    return [...instrument.series.values()].filter((s) => wanted.every(([k, v]) => s.labels[k] === v));
  };

  return {
    counter(name, help, labelNames) {
      const definition = defineInstrument('counter', name, help, labelNames);
      return register<Counter>(definition, (series) => ({
        inc(labels?: Labels, value = 1): void {
          const amount = checkValue(definition, value, true);
          const s = series(labels);
          s.value = (s.value ?? 0) + amount;
        },
      }));
    },
    histogram(name, help, labelNames, buckets) {
      const definition = defineInstrument('histogram', name, help, labelNames, buckets);
      return register<Histogram>(definition, (series) => ({
        observe(labels: Labels | undefined, value: number): void {
          series(labels).observations.push(checkValue(definition, value, false));
        },
      }));
    },
    gauge(name, help, labelNames) {
      const definition = defineInstrument('gauge', name, help, labelNames);
      return register<Gauge>(definition, (series) => ({
        set(labels: Labels | undefined, value: number): void {
          series(labels).value = checkValue(definition, value, false);
        },
      }));
    },
    value(name, labels) {
      const instrument = lookup(name, ['counter', 'gauge']);
      const series = matching(instrument, labels);
      if (instrument.definition.kind === 'counter') {
        return series.reduce((sum, s) => sum + (s.value ?? 0), 0);
      }
      if (series.length > 1) {
        throw invalidArgument(
          `Gauge ${name} has ${series.length} series matching ${JSON.stringify(labels ?? {})}: name more labels to pick one.`,
        );
      }
      return series[0]?.value;
    },
    observations(name, labels) {
      return matching(lookup(name, ['histogram']), labels).flatMap((s) => s.observations);
    },
  };
}
