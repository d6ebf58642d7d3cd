import * as readline from 'node:readline';

/** One non-blank input line and its 1-based line number. */
export interface InputLine {
  readonly text: string;
  readonly number: number;
}

/**
 * The non-blank lines of `input` in batches: a batch holds every line that arrived while the
 * previous one was being sent (at most `maxBatch`), so piped input goes out in large appends and a
 * line typed at a terminal goes out at once. Reading pauses while too many lines wait.
 */
export async function* lineBatches(
  input: NodeJS.ReadableStream,
  maxBatch: number,
): AsyncGenerator<InputLine[], void, undefined> {
  const rl = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const queue: InputLine[] = [];
  let lineNumber = 0;
  let closed = false;
  let failed: unknown;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  rl.on('line', (line) => {
    lineNumber++;
    if (line.trim() !== '') queue.push({ text: line, number: lineNumber });
    if (!paused && queue.length >= maxBatch * 4) {
      paused = true;
      rl.pause();
    }
    notify();
  });
  rl.on('close', () => {
    closed = true;
    notify();
  });
  input.on('error', (err) => {
    failed = err;
    closed = true;
    notify();
  });
  try {
    for (;;) {
      if (failed !== undefined) throw failed;
      if (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        if (paused && queue.length < maxBatch) {
          paused = false;
          rl.resume();
        }
        yield batch;
      } else if (closed) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    rl.close();
  }
}
