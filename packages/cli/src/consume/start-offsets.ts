import type { PartitionInfo } from '@tributary/core';
import type { Output } from '../context.js';
import type { StartOffset } from '../options/parse.js';
import type { GroupStart, Target } from '../target/types.js';

/**
 * Where `-o` starts one partition: `beginning` / `end` are its earliest / latest offsets, `-<n>`
 * the last n records, `@time` the first record at or after the time (the end when none is that
 * recent). An absolute offset outside the retained range is moved into it, with a note on stderr.
 */
export async function startOffset(
  target: Target,
  topic: string,
  info: PartitionInfo,
  start: StartOffset,
  stderr: Output,
): Promise<bigint> {
  const { earliestOffset: low, latestOffset: high } = info;
  switch (start.kind) {
    case 'beginning':
      return low;
    case 'end':
      return high;
    case 'last': {
      const from = high - start.count;
      // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
      return from < low ? low : from;
    }
    case 'time':
      return (await target.offsetForTimestamp(topic, info.partition, start.timestamp)) ?? high;
    case 'offset': {
      if (start.offset >= low && start.offset <= high) return start.offset;
      const moved = start.offset < low ? low : high;
      const why = start.offset < low ? 'no longer retained' : 'past its end';
      stderr.write(
        `note: offset ${start.offset} of partition ${info.partition} is ${why}; starting at ${moved} ` +
          `(retained: ${low}..${high}).\n`,
      );
      return moved;
    }
  }
}

/** `-o` for a group member: only beginning, end and @time make sense for every partition. */
export function groupStart(start: StartOffset): GroupStart | undefined {
  if (start.kind === 'beginning') return 'earliest';
  if (start.kind === 'end') return 'latest';
  if (start.kind === 'time') return { timestamp: start.timestamp };
  return undefined;
}
