import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { integerAtLeast } from '../options/parse.js';

interface ServeFlags {
  readonly host?: string;
  readonly port?: number;
  readonly keys?: string;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** `trib serve`: the Tributary server on a data directory. */
export function registerServe(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description('run the Tributary server (HTTP API, metrics) on a data directory')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1; others need --keys)')
    .option(
      '--port <port>',
      'port to listen on; 0 picks a free one (default 8080, env TRIB_PORT)',
      integerAtLeast(0),
    )
    .option(
      '--keys <file>',
      'API keys file (JSON, hashed keys): turns authentication on (env TRIB_KEYS_FILE)',
    )
    .addOption(
      new Option('--log-level <level>', 'log verbosity (default info)').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .addHelpText(
      'after',
      '\nThe data directory is --data (env TRIB_DATA_DIR, default ./data). Stop with Ctrl-C.',
    )
    .action(async (flags: ServeFlags, command: Command) => {
      const { data } = command.optsWithGlobals<{ data?: string }>();
      const { serve } = await import('../serve/run-serve.js');
      await serve(
        {
          ...(data !== undefined && { data }),
          ...(flags.host !== undefined && { host: flags.host }),
          ...(flags.port !== undefined && { port: flags.port }),
          ...(flags.keys !== undefined && { keysFile: flags.keys }),
          ...(flags.logLevel !== undefined && { logLevel: flags.logLevel }),
        },
        ctx.io,
      );
    });
}
