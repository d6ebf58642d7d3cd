import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { usageError } from '../exit-codes.js';
import { bigintArg, parseTime } from '../options/parse.js';
import { toJson } from '../output/json.js';
import { formatTable } from '../output/table.js';
import { withTarget } from '../target/open-target.js';
import type { GroupDescription, ResetResult, ResetTo } from '../target/types.js';

/** The columns of `kafka-consumer-groups --describe`. */
export const DESCRIBE_COLUMNS = [
  'GROUP',
  'TOPIC',
  'PARTITION',
  'CURRENT-OFFSET',
  'LOG-END-OFFSET',
  'LAG',
  'CONSUMER-ID',
  'HOST',
  'CLIENT-ID',
] as const;

function formatGroup(group: GroupDescription): string {
  const rows = group.partitions.map((p) => [
    group.group,
    p.topic,
    p.partition,
    p.currentOffset,
    p.logEndOffset,
    p.lag,
    p.memberId,
    p.host,
    p.clientId,
  ]);
  return `Consumer group '${group.group}' (${group.state})\n\n${formatTable(DESCRIBE_COLUMNS, rows)}`;
}

function formatReset(group: string, result: ResetResult): string {
  const rows = result.partitions.map((p) => [group, p.topic, p.partition, p.from, p.to]);
  const table = formatTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], rows);
  const note = result.executed
    ? 'Offsets reset.\n'
    : "Dry run: nothing changed. Add --execute to apply these offsets (stop the group's consumers first).\n";
  return `${table}\n${note}`;
}

interface ResetFlags {
  readonly topic: string;
  readonly toEarliest?: boolean;
  readonly toLatest?: boolean;
  readonly toDatetime?: number;
  readonly toOffset?: bigint;
  readonly shiftBy?: bigint;
  readonly execute?: boolean;
  readonly json?: boolean;
}

/** The one `--to-*` / `--shift-by` flag given, or a usage error. */
function resetTarget(flags: ResetFlags): ResetTo {
  const given: ResetTo[] = [];
  if (flags.toEarliest === true) given.push('earliest');
  if (flags.toLatest === true) given.push('latest');
  if (flags.toDatetime !== undefined) given.push({ datetime: flags.toDatetime });
  if (flags.toOffset !== undefined) given.push({ offset: flags.toOffset });
  if (flags.shiftBy !== undefined) given.push({ shiftBy: flags.shiftBy });
  const [to] = given;
  if (to === undefined || given.length > 1) {
    throw usageError(
      `Give exactly one of --to-earliest, --to-latest, --to-datetime <time>, --to-offset <n>, --shift-by <n> (got ${given.length}).`,
    );
  }
  return to;
}

/** `trib groups list|describe|reset-offsets`. */
export function registerGroups(program: Command, ctx: CommandContext): void {
  const out = ctx.io.stdout;
  const groups = program.command('groups').description('inspect consumer groups and move their offsets');

  groups
    .command('list')
    .description('list consumer groups (one per line)')
    .action(async (_flags: object, command: Command) => {
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        for (const group of [...(await target.listGroups())].sort()) out.write(`${group}\n`);
      });
    });

  groups
    .command('describe')
    .description("a group's committed offsets, end offsets and lag per partition, and its members")
    .argument('<group>', 'consumer group')
    .option('--json', 'print the description as JSON')
    .action(async (group: string, flags: { json?: boolean }, command: Command) => {
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        const description = await target.describeGroup(group);
        out.write(flags.json === true ? `${toJson(description)}\n` : formatGroup(description));
      });
    });

  groups
    .command('reset-offsets')
    .description("move a group's committed offsets on a topic (a dry run unless --execute)")
    .argument('<group>', 'consumer group')
    .requiredOption('--topic <topic>', 'the topic whose offsets move (every partition)')
    .option('--to-earliest', 'to the oldest retained event')
    .option('--to-latest', 'to the end: skip everything not consumed yet')
    .addOption(
      new Option(
        '--to-datetime <time>',
        'to the first event at or after a time (ISO 8601 or epoch ms)',
      ).argParser(parseTime),
    )
    .addOption(new Option('--to-offset <offset>', 'to this offset in every partition').argParser(bigintArg))
    .addOption(
      new Option('--shift-by <n>', 'move by n (negative: back) from the current offset').argParser(bigintArg),
    )
    .option('--execute', 'apply the new offsets (without it: show them only)')
    .option('--json', 'print the result as JSON')
    .action(async (group: string, flags: ResetFlags, command: Command) => {
      const to = resetTarget(flags);
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        const result = await target.resetOffsets(group, {
          topic: flags.topic,
          to,
          execute: flags.execute === true,
        });
        out.write(flags.json === true ? `${toJson(result)}\n` : formatReset(group, result));
      });
    });
}
