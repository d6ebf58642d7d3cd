import type { Output } from '../context.js';
import { toJson } from '../output/json.js';
import type { ConsumedRecord } from '../target/types.js';

function dataText(event: Readonly<Record<string, unknown>>): string {
  if (typeof event.data_base64 === 'string') return `<binary, base64 ${event.data_base64}>`;
  if (event.data === undefined) return '<no data>';
  return typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
}

/** One record as a readable line: `partition:offset time type [key=…] data`. */
export function formatRecord(record: ConsumedRecord): string {
  const where = `${record.partition}:${record.offset}`;
  if (record.event === undefined) return `${where} <not a CloudEvent: ${record.problem ?? 'unreadable'}>`;
  const time =
    typeof record.event.time === 'string' ? record.event.time : new Date(record.timestamp).toISOString();
  const key = record.key === null ? '' : ` key=${record.key}`;
  return `${where} ${time} ${String(record.event.type)}${key} ${dataText(record.event)}`;
}

/**
 * Prints consumed records, readable or as structured CloudEvents with `partition` and `offset`
 * members (`--json`), and counts them against `-c`.
 */
export class RecordPrinter {
  private printed = 0;

  constructor(
    private readonly stdout: Output,
    private readonly stderr: Output,
    private readonly json: boolean,
    private readonly limit: number | undefined,
  ) {}

  /** True once `-c` records were printed. */
  get done(): boolean {
    return this.limit !== undefined && this.printed >= this.limit;
  }

  get count(): number {
    return this.printed;
  }

  /** Prints `record` unless the limit was reached; false when it was not printed. */
  print(record: ConsumedRecord): boolean {
    if (this.done) return false;
    this.printed++;
    if (!this.json) {
      this.stdout.write(`${formatRecord(record)}\n`);
    } else if (record.event === undefined) {
      // Keep stdout a stream of CloudEvents: say so on stderr instead.
      this.stderr.write(
        `warning: partition ${record.partition} offset ${record.offset} is not a CloudEvent (${record.problem ?? 'unreadable'}).\n`,
      );
    } else {
      this.stdout.write(
        `${toJson({ ...record.event, partition: record.partition, offset: record.offset })}\n`,
      );
    }
    return true;
  }
}
