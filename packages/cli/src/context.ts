import type { Command } from 'commander';
import { chooseTarget, type Env, type TargetChoice, type TargetFlags } from './target/open-target.js';

/** Where output goes; `write` takes whole lines. */
export interface Output {
  write(text: string): void;
}

/** The process around a CLI run (injectable, so the CLI can run inside another program). */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Env;
  /** Aborted on SIGINT/SIGTERM: long-running commands (consume, serve) stop cleanly. */
  readonly signal: AbortSignal;
}

/** What every command gets. */
export interface CommandContext {
  readonly io: CliIo;
  /** The target the global flags (`--url`, `--api-key`, `--data`) and environment choose. */
  targetOf(command: Command): TargetChoice;
}

/** Builds the context of one run. */
export function createContext(io: CliIo): CommandContext {
  return {
    io,
    targetOf(command) {
      const flags: TargetFlags = command.optsWithGlobals();
      return chooseTarget(flags, io.env);
    },
  };
}
