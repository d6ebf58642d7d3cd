import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { usageError } from '../exit-codes.js';
import { integerAtLeast, parsePosition } from '../options/parse.js';
import { toJson } from '../output/json.js';
import { formatTable } from '../output/table.js';
import { withTarget } from '../target/open-target.js';
import type { DeadLetterPosition, DeadLetterQuery, DeadLetterView } from '../target/types.js';

interface FilterFlags {
  readonly group: string;
  readonly type?: string;
  readonly key?: string;
  readonly at?: DeadLetterPosition;
}

function queryOf(flags: FilterFlags, limit?: number): DeadLetterQuery {
  return {
    ...(flags.type !== undefined && { type: flags.type }),
    ...(flags.key !== undefined && { key: flags.key }),
    ...(flags.at !== undefined && { at: flags.at }),
    ...(limit !== undefined && { limit }),
  };
}

function oneLine(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function formatLetters(letters: readonly DeadLetterView[]): string {
  const rows = letters.map((l) => [
    `${l.at.partition}:${l.at.offset}`,
    l.type,
    l.key,
    `${l.failure.topic}/${l.failure.partition}@${l.failure.offset}`,
    l.failure.attempts,
    l.failure.lastFailureAt,
    oneLine(`${l.failure.errorClass}: ${l.failure.message}`),
  ]);
  return formatTable(['AT', 'TYPE', 'KEY', 'FROM', 'ATTEMPTS', 'LAST-FAILURE', 'ERROR'], rows);
}

/** Filter flags shared by the dlq subcommands. */
function withFilters(command: Command, at: boolean): Command {
  command
    .requiredOption('-g, --group <group>', 'the consumer group whose dead letters these are')
    .option('--type <type>', 'only events of this type')
    .option('--key <key>', 'only events with this record key');
  if (at)
    command.option(
      '--at <partition:offset>',
      'only the dead letter at this place (as list prints it)',
      parsePosition,
    );
  return command;
}

/** `trib dlq list|show|redrive|discard`. */
export function registerDlq(program: Command, ctx: CommandContext): void {
  const out = ctx.io.stdout;
  const dlq = program
    .command('dlq')
    .description("a consumer group's dead letters: list, show, re-drive to their topic, discard");

  withFilters(dlq.command('list').description('list pending dead letters, oldest first'), false)
    .option('--limit <n>', 'at most n', integerAtLeast(1))
    .option('--json', 'print each dead letter as JSON, one per line')
    .action(async (flags: FilterFlags & { limit?: number; json?: boolean }, command: Command) => {
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        const letters = await target.listDeadLetters(flags.group, queryOf(flags, flags.limit));
        if (flags.json === true) for (const l of letters) out.write(`${toJson(l)}\n`);
        else if (letters.length === 0) out.write(`No pending dead letters for group ${flags.group}.\n`);
        else out.write(formatLetters(letters));
      });
    });

  dlq
    .command('show')
    .description('one dead letter in full: the event and why it failed')
    .argument('<at>', 'its place, <partition>:<offset> as dlq list prints it', parsePosition)
    .requiredOption('-g, --group <group>', 'the consumer group whose dead letter it is')
    .action(async (at: DeadLetterPosition, flags: { group: string }, command: Command) => {
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        out.write(`${toJson(await target.showDeadLetter(flags.group, at), 2)}\n`);
      });
    });

  withFilters(
    dlq.command('redrive').description('re-publish matching dead letters to their original topic'),
    true,
  ).action(async (flags: FilterFlags, command: Command) => {
    await withTarget(ctx.targetOf(command), {}, async (target) => {
      const count = await target.redrive(flags.group, queryOf(flags));
      out.write(`Re-drove ${count} dead letter(s) of group ${flags.group}.\n`);
    });
  });

  withFilters(
    dlq.command('discard').description('drop matching dead letters (they are no longer listed)'),
    true,
  )
    .option('--all', 'discard every pending dead letter of the group (needed when no filter is given)')
    .action(async (flags: FilterFlags & { all?: boolean }, command: Command) => {
      const filtered = flags.type !== undefined || flags.key !== undefined || flags.at !== undefined;
      if (!filtered && flags.all !== true) {
        throw usageError(
          'Refusing to discard every dead letter without --all. Narrow it with --type, --key or --at, or pass --all.',
        );
      }
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        const count = await target.discard(flags.group, queryOf(flags));
        out.write(`Discarded ${count} dead letter(s) of group ${flags.group}.\n`);
      });
    });
}
