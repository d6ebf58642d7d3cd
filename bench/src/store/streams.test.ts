import { describe, expect, it } from 'vitest';
import { RandomStreams, WriterPool } from './streams.js';

describe('RandomStreams', () => {
  it('gives the same sequence of streams in every run, all within the stream count', () => {
    const a = new RandomStreams(10);
    const b = new RandomStreams(10);
    const seqA = Array.from({ length: 200 }, () => a.next());
    expect(Array.from({ length: 200 }, () => b.next())).toEqual(seqA);
    expect(new Set(seqA).size).toBe(10);
    expect(seqA.every((s) => /^order-\d$/.test(s))).toBe(true);
  });

  it('rejects a stream count below one', () => {
    expect(() => new RandomStreams(0)).toThrow(RangeError);
  });
});

describe('WriterPool', () => {
  it('appends round robin to a writer’s streams with the version the last append returned', async () => {
    const pool = new WriterPool(1, 2);
    const calls: [string, bigint][] = [];
    const append = async (stream: string, expected: bigint) => {
      calls.push([stream, expected]);
      return expected + 1n;
    };
    for (let i = 0; i < 4; i++) await pool.append(append);
    expect(calls).toEqual([
      ['writer0-0', 0n],
      ['writer0-1', 0n],
      ['writer0-0', 1n],
      ['writer0-1', 1n],
    ]);
  });

  it('gives each concurrent append its own writer, so no two race on a stream', async () => {
    const pool = new WriterPool(3, 1);
    const inFlight = new Set<string>();
    let clashes = 0;
    const append = async (stream: string, expected: bigint) => {
      if (inFlight.has(stream)) clashes++;
      inFlight.add(stream);
      await Promise.resolve();
      inFlight.delete(stream);
      return expected + 1n;
    };
    await Promise.all(Array.from({ length: 3 }, () => pool.append(append)));
    expect(clashes).toBe(0);
  });

  it('refuses more concurrent appends than writers', async () => {
    const pool = new WriterPool(1, 1);
    let release = () => {};
    const first = pool.append(() => new Promise<bigint>((resolve) => (release = () => resolve(1n))));
    await expect(pool.append(async () => 1n)).rejects.toThrow(/more concurrent appends than writers/);
    release();
    await first;
  });

  it('keeps the known version when an append fails, and frees the writer', async () => {
    const pool = new WriterPool(1, 1);
    await expect(pool.append(async () => Promise.reject(new Error('conflict')))).rejects.toThrow('conflict');
    const seen: bigint[] = [];
    await pool.append(async (_s, v) => {
      seen.push(v);
      return v + 1n;
    });
    expect(seen).toEqual([0n]);
  });
});
