import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The launcher, as a user runs it. */
export const TRIB_BIN = fileURLToPath(new URL('../../bin/trib.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface TribResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout split into non-empty lines. */
  readonly lines: string[];
}

export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is empty otherwise). */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** The child's environment: the test's own, without a developer's TRIB_* settings, plus `options.env`. */
function childEnv(options: RunOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TRIB_')) env[name] = value;
  return { ...env, TRIB_CLI_FROM_SOURCE: '1', ...options.env };
}

/** Runs `node packages/cli/bin/trib.js <args>` from the repository root and collects its output. */
export function runTrib(args: readonly string[], options: RunOptions = {}): Promise<TribResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TRIB_BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: childEnv(options),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') }),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** The JSON objects of a `--json` output, one per line. */
export function jsonLines(result: TribResult): Record<string, unknown>[] {
  return result.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A `trib` process left running (e.g. `trib serve`). */
export interface RunningTrib {
  /** Resolves with the first match of `pattern` on stdout. */
  waitForStdout(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the exit code and everything printed. */
  stop(signal: NodeJS.Signals): Promise<TribResult>;
}

/** Starts `node packages/cli/bin/trib.js <args>` without waiting for it to end. */
export function startTrib(args: readonly string[], options: RunOptions = {}): RunningTrib {
  const child = spawn(process.execPath, [TRIB_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    waitForStdout(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match === null) return;
          watchers.delete(check);
          resolve(match);
        };
        watchers.add(check);
        void exited.then((code) =>
          reject(new Error(`trib exited (${code}) before printing ${pattern}: ${stderr}`)),
        );
        check();
      });
    },
    async stop(signal) {
      child.kill(signal);
      const code = await exited;
      return { code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') };
    },
  };
}
