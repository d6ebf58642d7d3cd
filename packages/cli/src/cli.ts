import { Command, CommanderError } from 'commander';
import { registerConsume } from './commands/consume.js';
import { registerDlq } from './commands/dlq.js';
import { registerGroups } from './commands/groups.js';
import { registerKeys } from './commands/keys.js';
import { registerProduce } from './commands/produce.js';
import { registerServe } from './commands/serve.js';
import { registerTopics } from './commands/topics.js';
import { type CliIo, createContext } from './context.js';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';
import { describeError, exitCodeOf } from './report-error.js';

/** The version `trib --version` prints. */
export const VERSION = '0.1.0';

/** Builds the `trib` program (commands, global flags, help) writing to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('trib')
    .description(
      'Tributary from the command line: topics, events, consumer groups, dead letters and API keys.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .option('--url <url>', 'a Tributary server to work on (env TRIB_URL)')
    .option('--api-key <key>', 'API key for the server, sent as a bearer token (env TRIB_API_KEY)')
    .option('--data <dir>', 'a data directory to work on directly (env TRIB_DATA_DIR, default ./data)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
Target: commands work on a running server when --url (or TRIB_URL) is set, else directly on the
data directory (--data, TRIB_DATA_DIR, default ./data), which a running server locks.
${EXIT_CODES_HELP}`,
    );
  const ctx = createContext(io);
  registerServe(program, ctx);
  registerTopics(program, ctx);
  registerProduce(program, ctx);
  registerConsume(program, ctx);
  registerGroups(program, ctx);
  registerDlq(program, ctx);
  registerKeys(program, ctx);
  return program;
}

/**
 * Runs `trib` with `argv` (the arguments after the program name) and resolves with the exit code:
 * 0 ok, 1 operational failure, 2 usage error, 3 not found. Never rejects: errors are printed on
 * `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander printed the message (and help) already; help and --version exit 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    // An empty message: the failure was reported already (the server prints its own).
    if (!(err instanceof Error) || err.message !== '') {
      io.stderr.write(`${describeError(err, io.env.TRIB_DEBUG !== undefined)}\n`);
    }
    return exitCodeOf(err);
  }
}
