import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CloudEvent, connectRemote, type RemoteBus } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './server.js';

const WORKER = fileURLToPath(new URL('./test-support/worker.ts', import.meta.url));
const GROUP = 'workers';
const TOPIC = 'jobs';

/** A worker process and what it printed. */
interface Worker {
  readonly child: ChildProcess;
  readonly handled: Set<string>;
  memberId: string | undefined;
  stderr: string;
}

function startWorker(url: string): Worker {
  const child = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', WORKER, url, GROUP, TOPIC],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const worker: Worker = { child, handled: new Set(), memberId: undefined, stderr: '' };
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [what, value] = line.split(' ');
      if (what === 'handled' && value !== undefined) worker.handled.add(value);
      if (what === 'joined') worker.memberId = value;
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    worker.stderr += chunk;
  });
  return worker;
}

function job(n: number): CloudEvent {
  return {
    specversion: '1.0',
    id: `job-${n}`,
    source: '/multi-process-test',
    type: 'test.job',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { n },
  };
}

async function publishJobs(bus: RemoteBus, from: number, count: number): Promise<string[]> {
  const events = Array.from({ length: count }, (_, i) => job(from + i));
  await bus.publishBatch(
    events.map((event) => ({ event, key: event.id })),
    { topic: TOPIC },
  );
  return events.map((e) => e.id);
}

interface GroupView {
  readonly partitions: readonly { memberId: string | null }[];
  readonly totalLag: string;
}

async function describeGroup(url: string): Promise<GroupView | undefined> {
  const response = await fetch(`${url}/v1/groups/${GROUP}`);
  return response.ok ? ((await response.json()) as GroupView) : undefined;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('consumer groups across processes through a server', () => {
  let dir: string;
  let server: RunningServer;
  let bus: RemoteBus;
  const workers: Worker[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-multi-'));
    server = await startServer({
      data: dir,
      port: 0,
      sessionTimeoutMs: 1000,
      logLevel: 'silent',
      eventStore: false,
    });
    bus = await connectRemote(server.url);
    await bus.createTopic(TOPIC, { partitions: 4 });
  });

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => exited(w.child)));
    await bus?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shares partitions between two worker processes and hands a killed one’s work to the survivor', async () => {
    const first = startWorker(server.url);
    const second = startWorker(server.url);
    workers.push(first, second);
    const diagnostics = () => `worker stderr:\n${first.stderr}\n${second.stderr}`;

    // Both joined, and the four partitions are split between the two members.
    await waitFor(
      async () => {
        if (first.memberId === undefined || second.memberId === undefined) return false;
        const view = await describeGroup(server.url);
        const owners = new Set(view?.partitions.map((p) => p.memberId));
        return view?.partitions.length === 4 && owners.size === 2 && !owners.has(null);
      },
      { timeoutMs: 20_000, intervalMs: 50, message: 'both workers own partitions' },
    );

    const before = await publishJobs(bus, 0, 40);
    await waitFor(() => before.every((id) => first.handled.has(id) || second.handled.has(id)), {
      timeoutMs: 10_000,
      intervalMs: 20,
      message: 'every event of the first batch handled',
    });
    expect(first.handled.size, diagnostics()).toBeGreaterThan(0);
    expect(second.handled.size, diagnostics()).toBeGreaterThan(0);

    first.child.kill('SIGKILL');
    await exited(first.child);
    const after = await publishJobs(bus, 40, 40);

    // The survivor takes the dead member's partitions after its session timeout, reads them from
    // the committed offsets, and commits everything.
    await waitFor(
      async () => {
        if (!after.every((id) => second.handled.has(id))) return false;
        return (await describeGroup(server.url))?.totalLag === '0';
      },
      { timeoutMs: 15_000, intervalMs: 50, message: 'the survivor handled and committed everything' },
    );
    for (const id of before) expect(first.handled.has(id) || second.handled.has(id)).toBe(true);

    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(second.child.exitCode, diagnostics()).toBe(0);
  });
});
