// The `trib` command run as a real binary (node packages/cli/bin/trib.js) on temporary data
// directories. Each spawn costs about a second or two here, so assertions are batched per spawn,
// fixtures are written in-process, and independent scenarios run concurrently.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Bus, connect, fromLogRecord, uuidv7 } from '@tributary/core';
import { writeDeadLetter } from '@tributary/core/internal';
import { startServer } from '@tributary/server';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, runTrib, startTrib } from './test-support/run-trib.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Copies of a closed data directory, so spawns that each lock one can run at once. */
function copies(dir: string, count: number): string[] {
  return Array.from({ length: count }, () => {
    const copy = tempDir();
    fs.cpSync(dir, copy, { recursive: true });
    return copy;
  });
}

/** Opens the data directory in this process, runs `work`, closes it (releasing the lock). */
async function onDataDir<T>(dir: string, work: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await connect(`file:${dir}`);
  try {
    return await work(bus);
  } finally {
    await bus.close();
  }
}

function event(type: string, data: unknown, time = new Date().toISOString()) {
  return { specversion: '1.0' as const, id: uuidv7(), source: 'test', type, time, data };
}

// Generous timeouts: a spawn takes seconds when other work loads the machine.
describe.concurrent('trib', { timeout: 120_000 }, () => {
  it('creates, lists, describes and deletes topics', async () => {
    const data = tempDir();
    const created = await runTrib([
      'topics',
      'create',
      'orders',
      '-p',
      '3',
      '--retention-ms',
      '3600000',
      '--data',
      data,
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created topic orders with 3 partition(s)');

    // Each spawn locks its directory: list and describe read copies while delete runs on the original.
    const [forList, forDescribe] = copies(data, 2) as [string, string];
    const [listed, described, deleted] = await Promise.all([
      runTrib(['topics', 'list', '-l', '--data', forList]),
      runTrib(['topics', 'describe', 'orders', '--json', '--data', forDescribe]),
      runTrib(['topics', 'delete', 'orders', '--data', data]),
    ]);
    expect(listed.code).toBe(0);
    expect(listed.lines[0]).toMatch(/^TOPIC\s+PARTITIONS\s+EVENTS\s+RETENTION-MS$/);
    expect(listed.lines[1]).toMatch(/^orders\s+3\s+0\s+3600000$/);

    expect(described.code).toBe(0);
    const description = JSON.parse(described.stdout);
    expect(description.name).toBe('orders');
    expect(description.config.retentionMs).toBe(3600000);
    expect(description.partitions.map((p: { latestOffset: string }) => p.latestOffset)).toEqual([
      '0',
      '0',
      '0',
    ]);

    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('Deleted topic orders');
    expect(await onDataDir(data, (bus) => bus.log.listTopics())).toEqual([]);
  });

  it('consumes from the beginning exactly the events produced from stdin', async () => {
    const data = tempDir();
    await onDataDir(data, (bus) => bus.createTopic('orders', { partitions: 2 }));
    const input = '{"orderId":"o-1","total":10}\n\n{"orderId":"o-2","total":20}\n"plain text as JSON"\n';
    const produced = await runTrib(
      [
        'produce',
        'orders',
        '-k',
        'customer-7',
        '-t',
        'order.placed',
        '-s',
        'shop',
        '-H',
        'region=eu',
        '--json',
      ],
      { input, env: { TRIB_DATA_DIR: data } },
    );
    expect(produced.code).toBe(0);
    expect(produced.stderr).toContain('Produced 3 event(s) to topic orders');
    const positions = jsonLines(produced);
    // One key: one partition, consecutive offsets.
    expect(new Set(positions.map((p) => p.partition)).size).toBe(1);
    expect(positions.map((p) => p.offset)).toEqual(['0', '1', '2']);

    const consumed = await runTrib(['consume', 'orders', '-o', 'beginning', '-e', '--json'], {
      env: { TRIB_DATA_DIR: data },
    });
    expect(consumed.code).toBe(0);
    const events = jsonLines(consumed);
    expect(events.map((e) => e.data)).toEqual([
      { orderId: 'o-1', total: 10 },
      { orderId: 'o-2', total: 20 },
      'plain text as JSON',
    ]);
    expect(events.map((e) => e.id)).toEqual(positions.map((p) => p.id));
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      type: 'order.placed',
      source: 'shop',
      partitionkey: 'customer-7',
      region: 'eu',
      partition: positions[0]?.partition,
      offset: '0',
    });
  });

  it('stops after -c events, starts at the last n with -o -n and at a time with -o @time', async () => {
    const data = tempDir();
    const t0 = Date.parse('2024-05-01T12:00:00.000Z');
    await onDataDir(data, async (bus) => {
      await bus.createTopic('ticks');
      for (let i = 0; i < 5; i++) {
        await bus.publish(event('tick', { i }, new Date(t0 + i * 60_000).toISOString()), { topic: 'ticks' });
      }
    });
    const [a, b, c] = copies(data, 3).map((dir) => ({ env: { TRIB_DATA_DIR: dir } }));
    const [counted, last, timed] = await Promise.all([
      runTrib(['consume', 'ticks', '-c', '2'], a),
      runTrib(['consume', 'ticks', '-o', '-2', '-e', '--json'], b),
      runTrib(['consume', 'ticks', '-o', '@2024-05-01T12:03:00Z', '-e', '--json'], c),
    ]);
    // -c exits without -e once enough were printed; the readable line names partition:offset.
    expect(counted.code).toBe(0);
    expect(counted.lines).toHaveLength(2);
    expect(counted.lines[0]).toBe('0:0 2024-05-01T12:00:00.000Z tick {"i":0}');
    expect(last.code).toBe(0);
    expect(jsonLines(last).map((e) => e.data)).toEqual([{ i: 3 }, { i: 4 }]);
    expect(timed.code).toBe(0);
    expect(jsonLines(timed).map((e) => e.offset)).toEqual(['3', '4']);
  });

  it('describes a group with the kafka-consumer-groups columns and resets offsets only with --execute', async () => {
    const data = tempDir();
    await onDataDir(data, async (bus) => {
      await bus.createTopic('orders', { partitions: 2 });
      for (let i = 0; i < 4; i++) await bus.publish(event('o', i), { topic: 'orders', partition: i % 2 });
      await bus.log.commitOffsets('billing', [
        { topic: 'orders', partition: 0, offset: 2n },
        { topic: 'orders', partition: 1, offset: 1n },
      ]);
    });
    // Each spawn locks its directory: describe and the dry run work on copies.
    const [forDescribe, forDryRun] = copies(data, 2) as [string, string];
    const reset = ['groups', 'reset-offsets', 'billing', '--topic', 'orders'];
    const [described, dryRun, executed] = await Promise.all([
      runTrib(['groups', 'describe', 'billing', '--data', forDescribe]),
      runTrib([...reset, '--to-earliest', '--data', forDryRun]),
      runTrib([...reset, '--shift-by', '-1', '--execute', '--json', '--data', data]),
    ]);

    expect(described.code).toBe(0);
    const header = described.lines.find((line) => line.startsWith('GROUP'));
    expect(header?.split(/\s+/)).toEqual([
      'GROUP',
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ]);
    const rows = described.lines.filter((line) => line.startsWith('billing '));
    expect(rows.map((row) => row.split(/\s+/))).toEqual([
      ['billing', 'orders', '0', '2', '2', '0', '-', '-', '-'],
      ['billing', 'orders', '1', '1', '2', '1', '-', '-', '-'],
    ]);
    // Columns are aligned: every row's LAG starts where the header's does.
    const lagColumn = header?.indexOf('LAG');
    for (const row of rows) expect(row.slice(lagColumn).trimStart()).toBe(row.slice(lagColumn));

    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('Dry run');
    expect(dryRun.lines[1]?.split(/\s+/)).toEqual(['billing', 'orders', '0', '2', '0']);
    const untouched = await onDataDir(forDryRun, (bus) => bus.log.fetchOffsets('billing', 'orders'));
    expect(untouched.map((c) => [c.partition, c.offset])).toEqual([
      [0, 2n],
      [1, 1n],
    ]);

    expect(executed.code).toBe(0);
    expect(JSON.parse(executed.stdout)).toMatchObject({
      executed: true,
      partitions: [
        { partition: 0, from: '2', to: '1' },
        { partition: 1, from: '1', to: '0' },
      ],
    });
    const moved = await onDataDir(data, (bus) => bus.log.fetchOffsets('billing', 'orders'));
    expect(moved.map((c) => [c.partition, c.offset])).toEqual([
      [0, 1n],
      [1, 0n],
    ]);
  });

  it('consumes as a group member, committing what it printed', async () => {
    const data = tempDir();
    await onDataDir(data, async (bus) => {
      await bus.createTopic('jobs');
      for (let i = 0; i < 3; i++) await bus.publish(event('job', i), { topic: 'jobs' });
    });
    const consumed = await runTrib(['consume', 'jobs', '-g', 'workers', '-c', '2', '--json'], {
      env: { TRIB_DATA_DIR: data },
    });
    expect(consumed.code).toBe(0);
    expect(jsonLines(consumed).map((e) => e.data)).toEqual([0, 1]);
    const committed = await onDataDir(data, (bus) => bus.log.fetchOffsets('workers'));
    expect(committed).toMatchObject([{ topic: 'jobs', partition: 0, offset: 2n }]);
  });

  it('lists, shows and re-drives dead letters', async () => {
    const data = tempDir();
    await onDataDir(data, async (bus) => {
      await bus.createTopic('payments');
      await bus.publish(
        { ...event('payment.failed', { id: 1 }), partitionkey: 'p-1' },
        { topic: 'payments' },
      );
      const [record] = (await bus.log.fetch('payments', 0, 0n)).records;
      if (record === undefined) throw new Error('fixture: no record');
      expect(fromLogRecord(record).type).toBe('payment.failed');
      const now = Date.now();
      await writeDeadLetter(bus.log, record, {
        error: { errorClass: 'Error', message: 'card declined', stack: '' },
        attempts: 3,
        firstFailureAt: now,
        lastFailureAt: now,
        topic: 'payments',
        partition: 0,
        offset: record.offset,
        group: 'billing',
      });
    });
    const env = { TRIB_DATA_DIR: data };
    const listed = await runTrib(['dlq', 'list', '-g', 'billing', '--type', 'payment.failed'], { env });
    expect(listed.code).toBe(0);
    expect(listed.lines[0]?.split(/\s+/).slice(0, 5)).toEqual(['AT', 'TYPE', 'KEY', 'FROM', 'ATTEMPTS']);
    expect(listed.lines[1]).toMatch(
      /^0:0\s+payment\.failed\s+p-1\s+payments\/0@0\s+3\s+.*Error: card declined$/,
    );

    const redriven = await runTrib(['dlq', 'redrive', '-g', 'billing', '--at', '0:0'], { env });
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toContain('Re-drove 1 dead letter(s)');
    const latest = await onDataDir(data, (bus) => bus.log.latestOffset('payments', 0));
    expect(latest).toBe(2n);
  });

  it('rejects bad usage with exit code 2 and a message saying what to do', async () => {
    const [badOffset, unknownCommand, badLine, noReset, help] = await Promise.all([
      runTrib(['consume', 'orders', '-o', 'yesterday']),
      runTrib(['topic', 'list']),
      runTrib(['produce', 'orders', '--data', tempDir()], { input: '\n{oops\n' }),
      runTrib(['groups', 'reset-offsets', 'g', '--topic', 'orders']),
      runTrib(['--help']),
    ]);
    expect(badOffset.code).toBe(2);
    expect(badOffset.stderr).toContain('Expected beginning, end, an offset (42), -<n>');
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("unknown command 'topic'");
    expect(unknownCommand.stderr).toContain('(Did you mean topics?)');
    expect(badLine.code).toBe(2);
    expect(badLine.stderr).toContain('Line 2 is not JSON');
    expect(noReset.code).toBe(2);
    expect(noReset.stderr).toContain('Give exactly one of --to-earliest');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toMatch(/3\s+not found/);
  });

  it('exits 3 for an unknown topic, partition or group, and 1 for an unreachable server', async () => {
    const data = tempDir();
    await onDataDir(data, (bus) => bus.createTopic('orders'));
    const [a, b, c] = copies(data, 3).map((dir) => ({ env: { TRIB_DATA_DIR: dir } }));
    const [topic, partition, group, server] = await Promise.all([
      runTrib(['consume', 'nope', '-e'], a),
      runTrib(['consume', 'orders', '-p', '4', '-e'], b),
      runTrib(['groups', 'describe', 'nobody'], c),
      runTrib(['topics', 'list', '--url', 'http://127.0.0.1:9']),
    ]);
    expect(topic.code).toBe(3);
    expect(topic.stderr).toContain('"nope" does not exist');
    expect(partition.code).toBe(3);
    expect(partition.stderr).toContain('has no partition 4: it has 1 (0..0)');
    expect(group.code).toBe(3);
    expect(group.stderr).toContain('Consumer group "nobody" not found');
    expect(server.code).toBe(1);
    expect(server.stderr).toContain('is the server running? Start it with `trib serve`');
  });

  it('produces and consumes through a running server with --url, and says to use it when the directory is locked', async () => {
    const data = tempDir();
    const server = await startServer({ data, port: 0, logLevel: 'silent', eventStore: false });
    try {
      const created = await runTrib(['topics', 'create', 'orders', '-p', '2', '--url', server.url]);
      expect(created.code).toBe(0);
      const [produced, locked] = await Promise.all([
        runTrib(['produce', 'orders', '-k', 'k1', '-t', 'order.placed', '--json'], {
          input: '{"n":1}\n{"n":2}\n',
          env: { TRIB_URL: server.url },
        }),
        runTrib(['topics', 'list', '--data', data]),
      ]);
      expect(produced.code).toBe(0);
      expect(jsonLines(produced).map((p) => p.offset)).toEqual(['0', '1']);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain('go through the server instead: pass --url');

      const consumed = await runTrib([
        'consume',
        'orders',
        '-o',
        'beginning',
        '-e',
        '--json',
        '--url',
        server.url,
      ]);
      expect(consumed.code).toBe(0);
      expect(jsonLines(consumed)).toMatchObject([
        {
          type: 'order.placed',
          partitionkey: 'k1',
          data: { n: 1 },
          offset: '0',
          id: jsonLines(produced)[0]?.id,
        },
        { type: 'order.placed', partitionkey: 'k1', data: { n: 2 }, offset: '1' },
      ]);
    } finally {
      await server.close();
    }
  });

  it('serves a data directory until SIGTERM, then shuts down cleanly with exit code 0', async () => {
    const data = tempDir();
    const serving = startTrib(['serve', '--port', '0', '--log-level', 'silent', '--data', data]);
    const [, url] = await serving.waitForStdout(/tributary listening on (http:\/\/\S+) \(data /);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const stopped = await serving.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('shutting down');
    // The lock is released: the directory opens again.
    await onDataDir(data, async (bus) => expect(await bus.log.listTopics()).toEqual([]));
  });
});
