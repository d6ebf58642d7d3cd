import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { integerAtLeast, parseStartOffset, type StartOffset } from '../options/parse.js';

interface ConsumeFlags {
  readonly offset: StartOffset;
  readonly partition?: number;
  readonly group?: string;
  readonly exit?: boolean;
  readonly count?: number;
  readonly json?: boolean;
}

/** `trib consume <topic>`. */
export function registerConsume(program: Command, ctx: CommandContext): void {
  program
    .command('consume')
    .description('print the events of a topic, following new ones until Ctrl-C (or -e, -c)')
    .argument('<topic>', 'topic to read')
    .option(
      '-o, --offset <where>',
      'start at: beginning | end | <offset> | -<n> (the last n of each partition) | @<time> (ISO 8601 or epoch ms)',
      parseStartOffset,
      { kind: 'beginning' },
    )
    .option('-p, --partition <n>', 'read only this partition', integerAtLeast(0))
    .option('-g, --group <group>', 'consume as a member of this consumer group, committing offsets')
    .option('-e, --exit', 'exit once every partition was read to its end')
    .option('-c, --count <n>', 'exit after printing n events', integerAtLeast(1))
    .option(
      '--json',
      'print each event as a structured CloudEvent (JSON) with partition and offset, one per line',
    )
    .addHelpText(
      'after',
      `
Output: "<partition>:<offset> <time> <type> [key=<key>] <data>" per event, or with --json one
CloudEvent per line with "partition" and "offset" members (offsets are decimal strings).

Examples:
  trib consume orders -o beginning -e --json
  trib consume orders -o -10 -p 0
  trib consume orders -o @2024-05-01T12:00:00Z -c 5
  trib consume orders -g billing`,
    )
    .action(async (topic: string, flags: ConsumeFlags, command: Command) => {
      const { runConsume } = await import('../consume/run-consume.js');
      await runConsume(
        ctx.targetOf(command),
        {
          topic,
          start: flags.offset,
          ...(flags.partition !== undefined && { partition: flags.partition }),
          ...(flags.group !== undefined && { group: flags.group }),
          exitAtEnd: flags.exit === true,
          ...(flags.count !== undefined && { count: flags.count }),
          json: flags.json === true,
        },
        ctx.io,
      );
    });
}
