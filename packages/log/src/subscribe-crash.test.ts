import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, defineEvent } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from './test-support/harness.js';

const SUBSCRIBER = fileURLToPath(new URL('./test-support/subscriber.ts', import.meta.url));
const Order = defineEvent('order.placed', {
  version: 1,
  schema: z.object({ n: z.number() }),
  topic: 'orders',
});

function startSubscriber(dir: string, hangOn?: string) {
  const args = [
    '--conditions=@tributary/source',
    '--import',
    'tsx',
    SUBSCRIBER,
    dir,
    ...(hangOn ? [hangOn] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const started: string[] = [];
  const done: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [what, id] = line.split(' ');
    if (what === 'start') started.push(id!);
    if (what === 'done') done.push(id!);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, started, done, exited };
}

describe('subscribe, at-least-once, across a crash', () => {
  const t = tempDir('tributary-sub-crash-');
  afterAll(() => t.cleanup());

  it('handles again an event whose handler was running when the process was killed (kill -9)', async () => {
    const bus = await connect(`file:${t.dir}`);
    await bus.createTopic('orders');
    const events = Array.from({ length: 10 }, (_, n) => Order.create({ n }));
    await bus.publishBatch(events);
    await bus.close();
    const victim = events[6]!.id;

    const first = startSubscriber(t.dir, victim);
    await waitFor(() => first.started.includes(victim), {
      timeoutMs: 20_000,
      message: 'the handler of event 6 to start',
    });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(first.done).not.toContain(victim);

    const second = startSubscriber(t.dir);
    const rest = events.slice(6).map((e) => e.id);
    await waitFor(() => rest.every((id) => second.done.includes(id)), {
      timeoutMs: 20_000,
      message: 'events 6-9 after the restart',
    });
    second.child.kill('SIGKILL');
    await second.exited;
    // The interrupted event was not lost: it was handled after the restart, in order with the rest.
    expect(second.done.filter((id) => rest.includes(id))).toEqual(rest);
  }, 60_000);
});
