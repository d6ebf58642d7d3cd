/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it throws on any line
 * a Prometheus server would reject, and returns the metric families.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/;

function parseValue(text: string, where: string): number {
  // Special values are case-insensitive, as Go's ParseFloat (Prometheus's parser) reads them.
  const special = text.toLowerCase();
  if (special === '+inf' || special === 'inf') return Number.POSITIVE_INFINITY;
  if (special === '-inf') return Number.NEGATIVE_INFINITY;
  if (special === 'nan') return Number.NaN;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value))
    throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return value;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL.exec(rest);
    if (match === null) throw new Error(`${where}: bad labels ${JSON.stringify(text)}`);
    const [all, label = '', raw = ''] = match;
    if (label in labels) throw new Error(`${where}: label ${label} repeated`);
    labels[label] = raw.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(all.length);
  }
  return labels;
}

/** The family a sample belongs to (histogram and summary samples carry suffixes). */
function familyOf(families: Map<string, MetricFamily>, sample: string): MetricFamily | undefined {
  const exact = families.get(sample);
  if (exact !== undefined) return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const family = families.get(sample.slice(0, -suffix.length));
    if (family !== undefined && (family.type === 'histogram' || family.type === 'summary')) return family;
  }
  return undefined;
}

/** Parses an exposition; throws naming the first bad line. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const help = new Map<string, string>();
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const where = `line ${i + 1}`;
      if (line === '') return;
      if (line.startsWith('#')) {
        const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`).exec(line);
        if (meta === null) return; // a comment
        const [, kind, name = '', rest = ''] = meta;
        if (kind === 'HELP') {
          help.set(name, rest);
          return;
        }
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${JSON.stringify(rest)}`);
        if (families.has(name)) throw new Error(`${where}: TYPE of ${name} given twice`);
        families.set(name, { name, type: rest, help: help.get(name) ?? '', samples: [] });
        return;
      }
      const match = SAMPLE.exec(line);
      if (match === null) throw new Error(`${where}: not a sample: ${JSON.stringify(line)}`);
      const [, name = '', labels = '', value = ''] = match;
      const family = familyOf(families, name);
      if (family === undefined) throw new Error(`${where}: sample ${name} before its TYPE line`);
      family.samples.push({ name, labels: parseLabels(labels, where), value: parseValue(value, where) });
    });
  return families;
}

/** The value of the sample `name` whose labels include `labels` (undefined when none). */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const family = familyOf(families, name);
  const sample = family?.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return sample?.value;
}
