/**
 * The Tributary server (`packages/server/src/main.ts`) in a child process, for the `http.*`
 * suites: started on port 0 over a fresh data directory, so its memory is measured apart from the
 * benchmark's clients (which share this process with the other rows).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemUnavailable } from '../systems/types.js';

const MAIN = fileURLToPath(new URL('../../../packages/server/src/main.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const LISTENING = /tributary listening on (http:\/\/\S+)/;

/** A running server child: its URL, its pid, and its resident memory read from `/proc`. */
export class ServerProcess {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  /** Starts a server on a fresh temp data directory (logs at `warn`). */
  static async start(): Promise<ServerProcess> {
    if (!fs.existsSync(MAIN)) throw new SystemUnavailable(`no server at ${MAIN}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-http-'));
    const tsx = import.meta.resolve('tsx');
    const args = ['--conditions=@tributary/source', '--import', tsx, MAIN];
    // The default configuration (the SQLite event store included), quiet logs.
    args.push('--port', '0', '--data', path.join(dir, 'data'), '--log-level', 'warn');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the server did not start in ${START_TIMEOUT_MS} ms: ${output}`)),
          START_TIMEOUT_MS,
        );
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = LISTENING.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`the server exited with code ${code} before listening: ${output.trim()}`));
        });
      });
      // Keep the pipes drained (a full pipe would block the server); later output is not needed.
      child.stdout?.resume();
      child.stderr?.resume();
      return new ServerProcess(child, url, dir);
    } catch (err) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error('the server process has no pid');
    return pid;
  }

  /** Resident set size now, MB (`VmRSS`). */
  rssMb(): number {
    return this.statusKb('VmRSS') / 1024;
  }

  /** Creates a topic with one partition, fsync `always` (the default, stated for the note). */
  async createTopic(name: string): Promise<void> {
    const res = await fetch(`${this.url}/v1/topics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, partitions: 1, fsync: 'always' }),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`creating topic ${name}: HTTP ${res.status} ${text}`);
  }

  /** SIGTERM (graceful shutdown), SIGKILL if it hangs; then removes the data directory. */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
    });
    if (await Promise.race([this.exited.then(() => false), hung])) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    clearTimeout(timer);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private statusKb(field: string): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`no ${field} in /proc/${this.pid}/status`);
    return Number(match[1]);
  }
}

/** Samples a server's RSS every `everyMs` until stopped; `peakMb` is the largest sample. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly server: ServerProcess,
    everyMs = 25,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  get peakMb(): number {
    return this.peak;
  }

  /** Takes a last sample and stops. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    try {
      this.peak = Math.max(this.peak, this.server.rssMb());
    } catch {
      // The process is gone: the row fails on its own requests.
    }
  }
}
