/**
 * Core's Metrics port on prom-client: what a subscription (or any core component) records through
 * `metrics` appears on the server's `/metrics`. Registrations are checked as the memory metrics
 * check them, so a mistake fails in tests the same way as in production.
 */
import type { Counter, Gauge, Histogram, Labels, Metrics } from '@tributary/core';
import {
  checkSameDefinition,
  checkValue,
  defineInstrument,
  type InstrumentDefinition,
  invalidArgument,
  labelValues,
} from '@tributary/core/internal';
import * as prom from 'prom-client';

interface Registered {
  readonly definition: InstrumentDefinition;
  readonly handle: Counter | Histogram | Gauge;
}

// Adapters over one registry share their instruments, as the port promises for one Metrics.
const instrumentsByRegistry = new WeakMap<prom.Registry, Map<string, Registered>>();

/**
 * A {@link Metrics} that registers its instruments in `registry`. Instruments registered in the
 * registry some other way cannot be registered again through it (`INVALID_ARGUMENT`).
 */
export function createPrometheusMetrics(registry: prom.Registry): Metrics {
  let instruments = instrumentsByRegistry.get(registry);
  if (instruments === undefined) {
    instruments = new Map();
    instrumentsByRegistry.set(registry, instruments);
  }
  const known = instruments;

  const register = <H extends Counter | Histogram | Gauge>(
    requested: InstrumentDefinition,
    make: (config: { name: string; help: string; labelNames: string[]; registers: prom.Registry[] }) => H,
  ): H => {
    const existing = known.get(requested.name);
    if (existing !== undefined) {
      checkSameDefinition(existing.definition, requested);
      return existing.handle as H; // same kind, so the same handle type
    }
    if (registry.getSingleMetric(requested.name) !== undefined) {
      throw invalidArgument(
        `Metric ${requested.name} is already registered in this Prometheus registry by other code; pick another name.`,
      );
    }
    const handle = make({
      name: requested.name,
      help: requested.help,
      labelNames: [...requested.labelNames],
      registers: [registry],
    });
    known.set(requested.name, { definition: requested, handle });
    return handle;
  };

  /** Checks labels (exactly the declared ones, string values) and returns them for prom-client. */
  const checked = (definition: InstrumentDefinition, labels: Labels | undefined): Labels => {
    labelValues(definition, labels);
    return labels ?? {};
  };

  return {
    counter(name, help, labelNames) {
      const definition = defineInstrument('counter', name, help, labelNames);
      return register<Counter>(definition, (config) => {
        const counter = new prom.Counter(config);
        return {
          inc(labels?: Labels, value = 1) {
            counter.inc(checked(definition, labels), checkValue(definition, value, true));
          },
        };
      });
    },
    histogram(name, help, labelNames, buckets) {
      const definition = defineInstrument('histogram', name, help, labelNames, buckets);
      return register<Histogram>(definition, (config) => {
        const histogram = new prom.Histogram({ ...config, buckets: [...definition.buckets] });
        return {
          observe(labels: Labels | undefined, value: number) {
            histogram.observe(checked(definition, labels), checkValue(definition, value, false));
          },
        };
      });
    },
    gauge(name, help, labelNames) {
      const definition = defineInstrument('gauge', name, help, labelNames);
      return register<Gauge>(definition, (config) => {
        const gauge = new prom.Gauge(config);
        return {
          set(labels: Labels | undefined, value: number) {
            gauge.set(checked(definition, labels), checkValue(definition, value, false));
          },
        };
      });
    },
  };
}
