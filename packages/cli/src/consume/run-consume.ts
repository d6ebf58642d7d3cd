import type { CliIo } from '../context.js';
import { notFound, usageError } from '../exit-codes.js';
import type { StartOffset } from '../options/parse.js';
import { openTarget, type TargetChoice } from '../target/open-target.js';
import type { GroupStart, Target } from '../target/types.js';
import { RecordPrinter } from './printer.js';
import { groupStart, startOffset } from './start-offsets.js';

export interface ConsumeRequest {
  readonly topic: string;
  readonly start: StartOffset;
  readonly partition?: number;
  readonly group?: string;
  readonly exitAtEnd: boolean;
  readonly count?: number;
  readonly json: boolean;
}

/** Records per fetch. */
const PAGE = 500;
/** How long a following fetch waits for new records before asking again. */
const FOLLOW_WAIT_MS = 1000;

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && err.name === 'AbortError');
}

/** Reads partitions directly (no group): one loop per partition, each in offset order. */
async function consumePartitions(
  target: Target,
  request: ConsumeRequest,
  printer: RecordPrinter,
  stop: AbortController,
  io: CliIo,
): Promise<void> {
  const description = await target.describeTopic(request.topic);
  let partitions = description.partitions;
  if (request.partition !== undefined) {
    const chosen = partitions[request.partition];
    if (chosen === undefined) {
      throw notFound(
        `Topic ${request.topic} has no partition ${request.partition}: it has ${partitions.length} (0..${partitions.length - 1}).`,
      );
    }
    partitions = [chosen];
  }
  const starts = await Promise.all(
    partitions.map((p) => startOffset(target, request.topic, p, request.start, io.stderr)),
  );
  const readPartition = async (info: (typeof partitions)[number], first: bigint) => {
    let offset = first;
    while (!stop.signal.aborted && !printer.done) {
      let page: Awaited<ReturnType<Target['read']>>;
      try {
        page = await target.read(request.topic, info.partition, offset, {
          maxRecords: PAGE,
          waitMs: request.exitAtEnd ? 0 : FOLLOW_WAIT_MS,
          signal: stop.signal,
        });
      } catch (err) {
        if (isAbort(err, stop.signal)) return;
        throw err;
      }
      for (const record of page.records) {
        if (!printer.print(record)) break;
      }
      if (printer.done) stop.abort();
      offset = page.nextOffset;
      if (request.exitAtEnd && page.records.length === 0) return;
    }
  };
  const results = await Promise.allSettled(
    partitions.map((info, i) =>
      readPartition(info, starts[i] as bigint).catch((err: unknown) => {
        stop.abort(); // one partition failed: stop the others before the target closes
        throw err;
      }),
    ),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** Consumes as a member of `request.group`, committing what was printed. */
async function consumeInGroup(
  target: Target,
  request: ConsumeRequest & { group: string },
  start: GroupStart,
  printer: RecordPrinter,
  stop: AbortController,
): Promise<void> {
  const session = await target.joinGroup(request.group, request.topic, start);
  try {
    while (!stop.signal.aborted && !printer.done) {
      let fetched: Awaited<ReturnType<typeof session.fetch>>;
      try {
        fetched = await session.fetch({
          maxRecords: PAGE,
          // With -e a short wait still lets a new member receive its partitions.
          waitMs: request.exitAtEnd ? 100 : FOLLOW_WAIT_MS,
          signal: stop.signal,
        });
      } catch (err) {
        if (isAbort(err, stop.signal)) return;
        throw err;
      }
      const next = new Map<string, { topic: string; partition: number; offset: bigint }>();
      for (const record of fetched.records) {
        if (!printer.print(record)) break;
        next.set(`${record.topic}\u0000${record.partition}`, {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset + 1n,
        });
      }
      await session.commit([...next.values()]);
      if (request.exitAtEnd && fetched.caughtUp) return;
    }
  } finally {
    await session.close();
  }
}

/**
 * `trib consume`: prints records until stopped (Ctrl-C), until `-c` records were printed, or with
 * `-e` once every partition was read to its end.
 */
export async function runConsume(choice: TargetChoice, request: ConsumeRequest, io: CliIo): Promise<void> {
  let start: GroupStart | undefined;
  if (request.group !== undefined) {
    if (request.partition !== undefined) {
      throw usageError('-p and -g exclude each other: a group member gets its partitions from the group.');
    }
    start = groupStart(request.start);
    if (start === undefined) {
      throw usageError(
        'With -g, -o takes beginning, end or @<time> (where the group starts without a committed offset).',
      );
    }
    if (choice.kind === 'http' && typeof start === 'object') {
      throw usageError(
        'With -g against a server, -o takes beginning or end (the members API has no start time).',
      );
    }
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  io.signal.addEventListener('abort', onSignal, { once: true });
  const printer = new RecordPrinter(io.stdout, io.stderr, request.json, request.count);
  const target = await openTarget(choice);
  try {
    if (request.group !== undefined && start !== undefined) {
      await consumeInGroup(target, { ...request, group: request.group }, start, printer, stop);
    } else {
      await consumePartitions(target, request, printer, stop, io);
    }
  } finally {
    io.signal.removeEventListener('abort', onSignal);
    await target.close();
  }
}
