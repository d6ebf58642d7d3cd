import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from '../context.js';
import { usageError } from '../exit-codes.js';
import { parseHeader } from '../options/parse.js';

/** Attributes `-H` may not set: the CloudEvents version and the payload. */
const RESERVED = new Set(['specversion', 'data', 'data_base64']);

function addHeader(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const [name, text] = parseHeader(value);
  if (!/^[a-z0-9]+$/.test(name) || RESERVED.has(name)) {
    throw new InvalidArgumentError(
      `"${name}" cannot be an attribute: CloudEvents attribute names are lower-case letters and digits ` +
        '(e.g. -H region=eu, -H subject=order-1), and specversion and data are reserved.',
    );
  }
  return { ...previous, [name]: text };
}

interface ProduceFlags {
  readonly value?: string;
  readonly key?: string;
  readonly header?: Record<string, string>;
  readonly type: string;
  readonly source: string;
  readonly cloudevents?: boolean;
  readonly text?: boolean;
  readonly json?: boolean;
}

/** `trib produce <topic>`. */
export function registerProduce(program: Command, ctx: CommandContext): void {
  program
    .command('produce')
    .description('publish events: one per stdin line (its JSON is the event data), or one from --value')
    .argument('<topic>', 'topic to publish to')
    .argument('[value]', "one event's data as JSON, instead of reading stdin")
    .option('--value <json>', "one event's data as JSON, instead of reading stdin")
    .option('-k, --key <key>', "record key (the event's partitionkey): events with one key keep their order")
    .option('-H, --header <name=value>', 'set a CloudEvents attribute or extension (repeatable)', addHeader)
    .option('-t, --type <type>', 'event type', 'trib.message')
    .option('-s, --source <source>', 'event source (a URI reference)', 'trib-cli')
    .option('--cloudevents', 'each line is a whole structured CloudEvent (application/cloudevents+json)')
    .option('--text', 'each line is text data (text/plain), not JSON')
    .option('--json', 'print { id, partition, offset } of each event, one per line')
    .addHelpText(
      'after',
      `
Examples:
  echo '{"orderId":"o-1"}' | trib produce orders -k o-1 -t order.placed
  trib produce orders '{"orderId":"o-2"}' -H subject=o-2 -H region=eu
  trib produce orders --cloudevents < events.jsonl`,
    )
    .action(async (topic: string, valueArg: string | undefined, flags: ProduceFlags, command: Command) => {
      if (valueArg !== undefined && flags.value !== undefined) {
        throw usageError('Give the value either as an argument or with --value, not both.');
      }
      if (flags.cloudevents === true && flags.text === true) {
        throw usageError(
          '--cloudevents and --text exclude each other: structured events carry their own data.',
        );
      }
      const value = valueArg ?? flags.value;
      const { runProduce } = await import('../produce/run-produce.js');
      await runProduce(
        ctx.targetOf(command),
        {
          topic,
          ...(value !== undefined && { value }),
          json: flags.json === true,
          template: {
            type: flags.type,
            source: flags.source,
            attributes: flags.header ?? {},
            ...(flags.key !== undefined && { key: flags.key }),
            mode: flags.cloudevents === true ? 'cloudevents' : flags.text === true ? 'text' : 'data',
          },
        },
        ctx.io,
      );
    });
}
