import { describe, expect, it } from 'vitest';
import { thrown } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { KeyedScheduler } from './keyed-scheduler.js';

/** Tasks the test finishes by hand; `started` lists task names in start order. */
function taskBoard() {
  const started: string[] = [];
  const finishers = new Map<string, { ok: () => void; fail: (error: unknown) => void }>();
  const task = (name: string) => (): Promise<void> =>
    new Promise<void>((ok, fail) => {
      started.push(name);
      finishers.set(name, { ok, fail });
    });
  const finish = (name: string): void => finishers.get(name)?.ok();
  const fail = (name: string, error: unknown): void => finishers.get(name)?.fail(error);
  return { started, task, finish, fail };
}

/** Lets every pending promise callback run (one macrotask turn, not a timed sleep). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Values as an untyped JavaScript caller could pass them. */
const looseKey = (value: unknown): string => value as string;
const looseTask = (value: unknown): (() => Promise<void>) => value as () => Promise<void>;

describe('KeyedScheduler', () => {
  it('runs tasks of one key one after another, in submission order', async () => {
    const s = new KeyedScheduler(10);
    const board = taskBoard();
    await s.submit('k', board.task('a'));
    void s.submit('k', board.task('b'));
    void s.submit('k', board.task('c'));
    await settle();
    expect(board.started).toEqual(['a']);
    expect(s.queued).toBe(2);
    board.finish('a');
    await waitFor(() => board.started.length === 2);
    expect(board.started).toEqual(['a', 'b']);
    board.finish('b');
    await waitFor(() => board.started.length === 3);
    expect(board.started).toEqual(['a', 'b', 'c']);
  });

  it('runs tasks of different keys in parallel', async () => {
    const s = new KeyedScheduler(10);
    const board = taskBoard();
    await Promise.all(['x', 'y', 'z'].map((k) => s.submit(k, board.task(k))));
    expect(board.started).toEqual(['x', 'y', 'z']);
    expect(s.inFlight).toBe(3);
  });

  it('treats the null key as its own key, apart from the string "null"', async () => {
    const s = new KeyedScheduler(10);
    const board = taskBoard();
    await s.submit(null, board.task('n1'));
    await s.submit('null', board.task('s1'));
    void s.submit(null, board.task('n2'));
    await settle();
    expect(board.started).toEqual(['n1', 's1']);
    board.finish('n1');
    await waitFor(() => board.started.includes('n2'));
  });

  it('never runs more than maxConcurrency tasks at once, and starts queued ones as slots free up', async () => {
    const s = new KeyedScheduler(2);
    const board = taskBoard();
    for (const k of ['a', 'b', 'c', 'd']) void s.submit(k, board.task(k));
    await settle();
    expect(board.started).toEqual(['a', 'b']);
    expect({ inFlight: s.inFlight, queued: s.queued }).toEqual({ inFlight: 2, queued: 2 });
    board.finish('b');
    await waitFor(() => board.started.length === 3);
    expect(board.started).toEqual(['a', 'b', 'c']);
    expect(s.inFlight).toBe(2);
  });

  it('gives other ready keys a turn before a busy key runs its next task', async () => {
    const s = new KeyedScheduler(1);
    const board = taskBoard();
    for (const [k, name] of [
      ['a', 'a1'],
      ['a', 'a2'],
      ['b', 'b1'],
    ] as const)
      void s.submit(k, board.task(name));
    await settle();
    board.finish('a1');
    await waitFor(() => board.started.length === 2);
    expect(board.started).toEqual(['a1', 'b1']);
    board.finish('b1');
    await waitFor(() => board.started.length === 3);
    expect(board.started).toEqual(['a1', 'b1', 'a2']);
  });

  it('resolves submit() only when the task starts, so callers can apply backpressure', async () => {
    const s = new KeyedScheduler(1);
    const board = taskBoard();
    await s.submit('a', board.task('a'));
    let secondStarted = false;
    const second = s.submit('b', board.task('b')).then(() => {
      secondStarted = true;
    });
    await settle();
    expect(secondStarted).toBe(false);
    expect(board.started).toEqual(['a']);
    board.finish('a');
    await second;
    expect(board.started).toEqual(['a', 'b']);
  });

  it("settles done with the task's outcome", async () => {
    const s = new KeyedScheduler(2);
    const board = taskBoard();
    const ok = await s.submit('a', board.task('a'));
    const bad = await s.submit('b', board.task('b'));
    board.finish('a');
    const error = new Error('handler failed');
    board.fail('b', error);
    await expect(ok.done).resolves.toBeUndefined();
    await expect(bad.done).rejects.toBe(error);
  });

  it("does not let a failing task block its key's next task", async () => {
    const s = new KeyedScheduler(1);
    const board = taskBoard();
    const first = await s.submit('k', board.task('first'));
    const next = s.submit('k', board.task('next'));
    board.fail('first', new Error('boom'));
    await expect(first.done).rejects.toThrow('boom');
    await next;
    expect(board.started).toEqual(['first', 'next']);
  });

  it('turns a task that throws before returning a promise into a rejected done', async () => {
    const s = new KeyedScheduler(1);
    const { done } = await s.submit('k', () => {
      throw new Error('sync throw');
    });
    await expect(done).rejects.toThrow('sync throw');
    const board = taskBoard();
    await s.submit('k', board.task('after'));
    expect(board.started).toEqual(['after']);
  });

  it('idle() resolves at once when nothing was submitted', async () => {
    await new KeyedScheduler(1).idle();
  });

  it('idle() waits for everything submitted so far, failures included, but not for later tasks', async () => {
    const s = new KeyedScheduler(2);
    const board = taskBoard();
    for (const k of ['a', 'b', 'c']) void s.submit(k, board.task(k));
    let idle = false;
    const idlePromise = s.idle().then(() => {
      idle = true;
    });
    board.finish('a');
    await waitFor(() => board.started.includes('c'));
    void s.submit('late', board.task('late'));
    board.fail('b', new Error('boom'));
    await settle();
    expect(idle).toBe(false);
    board.finish('c');
    await idlePromise;
    expect(board.started).toContain('late');
    expect(s.inFlight).toBe(1);
  });

  it('rejects a maxConcurrency that is not an integer from 1 to 1000000', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 1_000_001]) {
      const err = thrown(() => new KeyedScheduler(bad));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toBe(`maxConcurrency must be an integer from 1 to 1000000, got ${bad}`);
    }
  });

  it('rejects a key that is neither a string nor null, and a task that is not a function', () => {
    const s = new KeyedScheduler(1);
    const key = thrown(() => s.submit(looseKey(7), async () => {}));
    expect(key.code).toBe('INVALID_ARGUMENT');
    expect(key.message).toBe('scheduler key must be a string or null, got number');
    const task = thrown(() => s.submit('k', looseTask('run')));
    expect(task.message).toBe('scheduler task must be a function returning a promise, got string');
    expect(s.queued + s.inFlight).toBe(0);
  });
});
