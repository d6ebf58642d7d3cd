import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CloudEvent, connectRemote, type RemoteBus } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './server.js';

function event(id: string): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source: '/remote-client-test',
    type: 'test.thing',
    time: new Date().toISOString(),
    data: { id },
  };
}

describe('the remote client against a server', () => {
  let dir: string;
  let server: RunningServer;
  let bus: RemoteBus;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-remote-'));
    server = await startServer({ data: dir, port: 0, logLevel: 'silent', eventStore: false });
    bus = await connectRemote(server.url);
  });
  afterAll(async () => {
    await bus?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes an event and answers its partition and offset as a bigint', async () => {
    await bus.createTopic('things', { partitions: 2 });
    const result = await bus.publish(event('a'), { topic: 'things', partition: 1 });
    expect(result).toEqual({ topic: 'things', partition: 1, offset: 0n });
    await expect(bus.createTopic('things')).rejects.toMatchObject({ code: 'TOPIC_EXISTS', status: 409 });
    await expect(bus.publish(event('b'), { topic: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
  });

  it("reports the file log's group-commit fsyncs on /metrics", async () => {
    await bus.createTopic('metered');
    await bus.publish(event('m'), { topic: 'metered' });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const count = /^tributary_log_fsync_seconds_count (\d+)/m.exec(text)?.[1];
    expect(Number(count)).toBeGreaterThan(0);
  });

  it('delivers an event again when the handler throws, then commits it', async () => {
    await bus.createTopic('retried');
    await bus.publish(event('once'), { topic: 'retried' });
    const seen: string[] = [];
    const errors: string[] = [];
    const consumer = await bus.subscribe({
      group: 'retrying',
      topics: ['retried'],
      from: 'earliest',
      pollWaitMs: 100,
      handler: (e) => {
        seen.push(e.id);
        if (seen.length === 1) throw new Error('first attempt fails');
      },
      onError: (_err, ctx) => errors.push(ctx.phase),
    });
    await waitFor(() => seen.length >= 2, { timeoutMs: 10_000, message: 'the event delivered again' });
    expect(seen.slice(0, 2)).toEqual(['once', 'once']);
    expect(errors[0]).toBe('handler');
    await waitFor(async () => {
      const response = await fetch(`${server.url}/v1/groups/retrying`);
      return ((await response.json()) as { totalLag: string }).totalLag === '0';
    });
    await consumer.stop();
    await expect(bus.subscribe({ group: 'g', topics: ['nope'], handler: () => {} })).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
  });
});
