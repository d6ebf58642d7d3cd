import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bus } from '@tributary/core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderGenerator } from '../events.js';
import { waitFor } from '../measure.js';
import { loadTributary, TOPIC } from './tributary.js';
import { processNote, startProcessing } from './tributary-process.js';

const EVENTS = 50;

describe('startProcessing', () => {
  let dir: string;
  let bus: Bus;
  let OrderPlaced: Awaited<ReturnType<typeof loadTributary>>['OrderPlaced'];

  beforeEach(async () => {
    const tributary = await loadTributary();
    OrderPlaced = tributary.OrderPlaced;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-bench-process-'));
    bus = await tributary.connect(`file:${dir}`);
    await bus.createTopic(TOPIC, { partitions: 1, fsync: 'never' });
    const gen = new OrderGenerator();
    await bus.publishBatch(gen.batch(EVENTS).map((order) => OrderPlaced.create(order)));
  });

  afterEach(async () => {
    await bus.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function handleAll(mode: 'at-least-once' | 'exactly-once', failEvery: number): Promise<number> {
    let handled = 0;
    const stops = await startProcessing(bus, OrderPlaced, TOPIC, dir, {
      mode,
      failEvery,
      onHandled: () => handled++,
    });
    try {
      await waitFor(() => handled >= EVENTS, `${EVENTS} events handled`, 10_000);
    } finally {
      for (const stop of stops) await stop();
    }
    return handled;
  }

  it('handles every event exactly once when one in ten fails once and is retried in place', async () => {
    expect(await handleAll('at-least-once', 10)).toBe(EVENTS);
  });

  it('writes one effect row per event under exactly-once', async () => {
    expect(await handleAll('exactly-once', 0)).toBe(EVENTS);
    const db = new Database(path.join(dir, 'effects.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(DISTINCT id) AS n FROM effects').get()).toEqual({ n: EVENTS });
    } finally {
      db.close();
    }
  });

  it('names the failure rate and the transaction in the row note', () => {
    const onHandled = () => {};
    expect(processNote({ mode: 'at-least-once', failEvery: 100, onHandled })).toContain(
      '1 in 100 fails once',
    );
    expect(processNote({ mode: 'exactly-once', failEvery: 0, onHandled })).toContain(
      '1 SQLite INSERT + dedupe mark + offset per event, one transaction per fetched batch',
    );
  });
});
