// The parameters of the append functions (schema/append-one.ts, schema/append-group.ts).
import { streamCategory } from '@tributary/core';
import type { AppendNotice, AppendUnit } from './append-call.js';

/** JSON text never holds a raw U+001E: joining beats escaping every element into an array literal. */
const RECORD_SEPARATOR = '\u001e';

function kindOf(unit: AppendUnit): [kind: string, expected: string | null] {
  const ev = unit.append.expectedVersion;
  return typeof ev === 'bigint' ? ['exact', ev.toString()] : [ev, null];
}

/** The per-event arrays of `units`, in order; `indexes` adds each event's append and offset. */
function eventColumns(units: readonly AppendUnit[], indexes: boolean) {
  const ids: string[] = [];
  const types: string[] = [];
  const schemaVersions: (number | null)[] = [];
  const data: string[] = [];
  const attributes: string[] = [];
  const topics: (string | null)[] = [];
  const appendIndexes: number[] = [];
  const offsets: number[] = [];
  units.forEach((unit, i) => {
    const stored = unit.append.stored;
    for (let k = 0; k < stored.length; k++) {
      const row = stored[k]!;
      ids.push(row.id);
      types.push(row.type);
      schemaVersions.push(row.schemaVersion);
      data.push(row.data);
      attributes.push(row.attributes);
      topics.push(unit.topics[k] ?? null);
      if (indexes) {
        appendIndexes.push(i + 1);
        offsets.push(k);
      }
    }
  });
  return {
    ids,
    types,
    schemaVersions: schemaVersions.some((v) => v !== null) ? schemaVersions : null,
    data: data.join(RECORD_SEPARATOR),
    attributes: attributes.join(RECORD_SEPARATOR),
    topics: topics.some((topic) => topic !== null) ? topics : null,
    appendIndexes,
    offsets,
  };
}

/** The parameters of `append_one` for one append. */
export function oneParameters(unit: AppendUnit, notice: AppendNotice | undefined): unknown[] {
  const [kind, expected] = kindOf(unit);
  const e = eventColumns([unit], false);
  return [
    notice?.channel ?? null,
    notice?.origin ?? null,
    unit.tenant,
    unit.append.stream,
    streamCategory(unit.append.stream),
    kind,
    expected,
    e.ids,
    e.types,
    e.schemaVersions,
    e.data,
    e.attributes,
    e.topics,
  ];
}

/** The parameters of `append_events` for several appends. */
export function groupParameters(
  units: readonly AppendUnit[],
  atomic: boolean,
  notice: AppendNotice | undefined,
): unknown[] {
  const kinds = units.map(kindOf);
  const firsts: number[] = [];
  let next = 1;
  for (const unit of units) {
    firsts.push(next);
    next += unit.append.stored.length;
  }
  const e = eventColumns(units, true);
  return [
    atomic,
    notice?.channel ?? null,
    notice?.origin ?? null,
    units.map((u) => u.tenant),
    units.map((u) => u.append.stream),
    units.map((u) => streamCategory(u.append.stream)),
    kinds.map(([kind]) => kind),
    kinds.map(([, expected]) => expected),
    firsts,
    units.map((u) => u.append.stored.length),
    e.ids,
    e.types,
    e.schemaVersions,
    e.data,
    e.attributes,
    e.topics,
    e.appendIndexes,
    e.offsets,
  ];
}
