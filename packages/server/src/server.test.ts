// The real server in a child process: listens on port 0, serves, and on SIGTERM ends its streams,
// closes the log and the event store cleanly and exits 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFileLog } from '@tributary/log';
import { openSqliteEventStore } from '@tributary/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudEvent } from './http/test-support/harness.js';
import { SseReader } from './http/test-support/sse-reader.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startChild(data: string): {
  child: ChildProcess;
  url: Promise<string>;
  exit: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@tributary/source',
      '--import',
      'tsx',
      MAIN,
      '--port',
      '0',
      '--data',
      data,
      '--log-level',
      'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /tributary listening on (http:\/\/\S+) \(data (.+)\)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`the server exited with ${code} before listening: ${err}`)),
    );
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exit, stderr: () => err };
}

describe('the server process', () => {
  it('serves on a random port and shuts down cleanly on SIGTERM, leaving a data dir that reopens without recovery', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'tributary-server-'));
    dirs.push(data);
    const { child, url: listening, exit, stderr } = startChild(data);
    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const created = await fetch(`${url}/v1/topics`, {
      method: 'POST',
      body: JSON.stringify({ name: 'orders' }),
    });
    expect(created.status).toBe(201);
    const produced = await fetch(`${url}/v1/topics/orders/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent({ id: 'kept' })),
    });
    expect(produced.status).toBe(201);
    const appended = await fetch(`${url}/v1/streams/order-1/events`, {
      method: 'POST',
      body: JSON.stringify({ events: [cloudEvent({ id: 'stored' })] }),
    });
    expect(appended.status).toBe(201);
    const joined = await fetch(`${url}/v1/groups/g/members`, {
      method: 'POST',
      body: JSON.stringify({ topics: ['orders'] }),
    });
    expect(joined.status).toBe(201);
    const tail = new SseReader(await fetch(`${url}/v1/topics/orders/tail`));
    await tail.until('ready');

    child.kill('SIGTERM');
    expect(await tail.next()).toBeUndefined(); // the stream ended cleanly
    expect(await exit, stderr()).toBe(0);

    const warnings: string[] = [];
    const log = await openFileLog(data, { logger: { warn: (message) => warnings.push(message) } });
    try {
      expect(log.recovery).toMatchObject({ cleanShutdown: true, truncations: [] });
      expect(warnings).toEqual([]);
      const { records } = await log.fetch('orders', 0, 0n);
      expect(records).toHaveLength(1);
    } finally {
      await log.close();
    }
    const store = await openSqliteEventStore(path.join(data, 'events.db'));
    try {
      expect((await store.readStream('order-1')).map((e) => e.event.id)).toEqual(['stored']);
    } finally {
      await store.close();
    }
  });
});
