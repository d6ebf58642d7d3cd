import type { CliIo } from '../context.js';
import { toJson } from '../output/json.js';
import { openTarget, type TargetChoice } from '../target/open-target.js';
import type { Position, StructuredEvent, Target } from '../target/types.js';
import { buildEvent, type EventTemplate } from './build-event.js';
import { lineBatches } from './read-lines.js';

/** Events per append when reading stdin. */
const MAX_BATCH = 500;

export interface ProduceRequest {
  readonly topic: string;
  /** One event from the command line instead of stdin. */
  readonly value?: string;
  readonly template: EventTemplate;
  /** Print `{ id, partition, offset }` per event on stdout. */
  readonly json: boolean;
}

async function send(
  target: Target,
  request: ProduceRequest,
  events: readonly StructuredEvent[],
  io: CliIo,
): Promise<void> {
  if (events.length === 0) return;
  // -k on structured events: the record key, without changing the events.
  const key = request.template.mode === 'cloudevents' ? request.template.key : undefined;
  const positions: Position[] = await target.produce(request.topic, events, key === undefined ? {} : { key });
  if (!request.json) return;
  positions.forEach((p, i) => {
    io.stdout.write(`${toJson({ id: events[i]?.id, partition: p.partition, offset: p.offset })}\n`);
  });
}

/**
 * `trib produce`: one event from `value`, or one per stdin line, sent in batches. A bad line stops
 * the command (exit 2) after the lines before it were sent, and says so.
 */
export async function runProduce(choice: TargetChoice, request: ProduceRequest, io: CliIo): Promise<void> {
  const target = await openTarget(choice);
  let produced = 0;
  try {
    if (request.value !== undefined) {
      await send(target, request, [buildEvent(request.value, 'The value', request.template)], io);
      produced = 1;
    } else {
      if (io.stdin.isTTY === true) {
        io.stderr.write('Reading events from stdin, one per line (Ctrl-D to finish).\n');
      }
      for await (const batch of lineBatches(io.stdin, MAX_BATCH)) {
        const events: StructuredEvent[] = [];
        try {
          for (const line of batch)
            events.push(buildEvent(line.text, `Line ${line.number}`, request.template));
        } catch (err) {
          await send(target, request, events, io);
          produced += events.length;
          if (err instanceof Error && produced > 0) {
            err.message += ` The ${produced} event(s) before it were produced.`;
          }
          throw err;
        }
        await send(target, request, events, io);
        produced += events.length;
      }
    }
  } finally {
    await target.close();
  }
  io.stderr.write(`Produced ${produced} event(s) to topic ${request.topic} (${target.where}).\n`);
}
