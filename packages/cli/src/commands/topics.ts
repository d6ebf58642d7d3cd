import type { TopicConfig, TopicDescription } from '@tributary/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { failure } from '../exit-codes.js';
import { integerAtLeast } from '../options/parse.js';
import { toJson } from '../output/json.js';
import { formatTable } from '../output/table.js';
import { withTarget } from '../target/open-target.js';

interface CreateFlags {
  readonly partitions?: number;
  readonly retentionMs?: number;
  readonly retentionBytes?: number;
  readonly segmentBytes?: number;
  readonly maxMessageBytes?: number;
  readonly fsync?: TopicConfig['fsync'];
  readonly fsyncIntervalMs?: number;
  readonly ifNotExists?: boolean;
}

function configOf(flags: CreateFlags): Partial<TopicConfig> {
  const config: { -readonly [K in keyof TopicConfig]?: TopicConfig[K] } = {};
  if (flags.partitions !== undefined) config.partitions = flags.partitions;
  if (flags.retentionMs !== undefined) config.retentionMs = flags.retentionMs;
  if (flags.retentionBytes !== undefined) config.retentionBytes = flags.retentionBytes;
  if (flags.segmentBytes !== undefined) config.segmentBytes = flags.segmentBytes;
  if (flags.maxMessageBytes !== undefined) config.maxMessageBytes = flags.maxMessageBytes;
  if (flags.fsync !== undefined) config.fsync = flags.fsync;
  if (flags.fsyncIntervalMs !== undefined) config.fsyncIntervalMs = flags.fsyncIntervalMs;
  return config;
}

function eventCount(topic: TopicDescription): bigint {
  return topic.partitions.reduce((sum, p) => sum + (p.latestOffset - p.earliestOffset), 0n);
}

/** `topics describe` as text: the config, then one row per partition. */
export function formatTopic(topic: TopicDescription): string {
  const c = topic.config;
  const header =
    `Topic: ${topic.name}  Partitions: ${topic.partitions.length}  Events: ${eventCount(topic)}\n` +
    `Config: retentionMs=${c.retentionMs} retentionBytes=${c.retentionBytes} segmentBytes=${c.segmentBytes} ` +
    `maxMessageBytes=${c.maxMessageBytes} fsync=${c.fsync} fsyncIntervalMs=${c.fsyncIntervalMs}\n`;
  const rows = topic.partitions.map((p) => [
    p.partition,
    p.earliestOffset,
    p.latestOffset,
    p.latestOffset - p.earliestOffset,
    p.sizeBytes,
  ]);
  return `${header}${formatTable(['PARTITION', 'EARLIEST-OFFSET', 'LATEST-OFFSET', 'EVENTS', 'SIZE-BYTES'], rows)}`;
}

/** `trib topics create|list|describe|delete`. */
export function registerTopics(program: Command, ctx: CommandContext): void {
  const out = ctx.io.stdout;
  const topics = program.command('topics').description('create, list, describe and delete topics');

  topics
    .command('create')
    .description('create a topic')
    .argument('<name>', 'topic name: letters, digits, ".", "_", "-"')
    .option('-p, --partitions <n>', 'number of partitions (default 1)', integerAtLeast(1))
    .option(
      '--retention-ms <ms>',
      'delete segments older than this; -1 keeps forever (default 7 days)',
      integerAtLeast(-1),
    )
    .option(
      '--retention-bytes <bytes>',
      'cap each partition at this size; -1 = unbounded (default)',
      integerAtLeast(-1),
    )
    .option(
      '--segment-bytes <bytes>',
      'roll segment files past this size (default 128 MiB)',
      integerAtLeast(1),
    )
    .option('--max-message-bytes <bytes>', 'largest accepted batch (default 1 MiB)', integerAtLeast(1))
    .addOption(
      new Option('--fsync <policy>', 'when appends reach the disk (default always)').choices([
        'always',
        'interval',
        'never',
      ]),
    )
    .option(
      '--fsync-interval-ms <ms>',
      'with --fsync interval: the longest gap between fsyncs',
      integerAtLeast(1),
    )
    .option('--if-not-exists', 'succeed without changes when the topic exists')
    .option('--json', 'print the created topic as JSON')
    .action(async (name: string, flags: CreateFlags & { json?: boolean }, command: Command) => {
      await withTarget(ctx.targetOf(command), { create: true }, async (target) => {
        let created: TopicDescription;
        try {
          created = await target.createTopic(name, configOf(flags));
        } catch (err) {
          const exists = err instanceof Error && 'code' in err && err.code === 'TOPIC_EXISTS';
          if (!exists) throw err;
          if (flags.ifNotExists !== true) {
            throw failure(`${err.message} Pass --if-not-exists to accept an existing topic.`, err);
          }
          created = await target.describeTopic(name);
          if (flags.json !== true) out.write(`Topic ${name} already exists.\n`);
          else out.write(`${toJson(created)}\n`);
          return;
        }
        if (flags.json === true) out.write(`${toJson(created)}\n`);
        else
          out.write(
            `Created topic ${name} with ${created.partitions.length} partition(s) in ${target.where}.\n`,
          );
      });
    });

  topics
    .command('list')
    .description('list topics (names, one per line)')
    .option('-l, --long', 'a table with partitions and event counts')
    .option('--json', 'print full descriptions as JSON, one per line')
    .action(async (flags: { long?: boolean; json?: boolean }, command: Command) => {
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        const list = [...(await target.listTopics())].sort((a, b) => a.name.localeCompare(b.name));
        if (flags.json === true) for (const t of list) out.write(`${toJson(t)}\n`);
        else if (flags.long === true) {
          const rows = list.map((t) => [t.name, t.partitions.length, eventCount(t), t.config.retentionMs]);
          out.write(formatTable(['TOPIC', 'PARTITIONS', 'EVENTS', 'RETENTION-MS'], rows));
        } else for (const t of list) out.write(`${t.name}\n`);
      });
    });

  topics
    .command('describe')
    .description("show a topic's config and partitions (offsets, sizes)")
    .argument('<name>', 'topic name')
    .option('--json', 'print the description as JSON')
    .action(async (name: string, flags: { json?: boolean }, command: Command) => {
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        const topic = await target.describeTopic(name);
        out.write(flags.json === true ? `${toJson(topic)}\n` : formatTopic(topic));
      });
    });

  topics
    .command('delete')
    .description('delete a topic and all its events')
    .argument('<name>', 'topic name')
    .action(async (name: string, _flags: object, command: Command) => {
      await withTarget(ctx.targetOf(command), {}, async (target) => {
        await target.deleteTopic(name);
        out.write(`Deleted topic ${name}.\n`);
      });
    });
}
