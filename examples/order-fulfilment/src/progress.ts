// Live progress on the terminal: one line rewritten in place on a TTY, a plain line every few
// seconds otherwise (CI logs, pipes).

/** What one progress line shows. */
export interface ProgressSample {
  readonly placed: number;
  readonly total: number;
  readonly pending: number;
  readonly completed: number;
  readonly cancelled: number;
  /** Events on the system's topics so far. */
  readonly events: number;
  readonly retries: number;
  readonly deadLetters: number;
  /** Records and outbox entries waiting to be handled. */
  readonly lag: number;
}

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly sample: () => Promise<ProgressSample>;
  /** Refresh interval. Default 250 ms on a TTY, 2000 ms otherwise (a new line each time). */
  readonly intervalMs?: number;
}

/** A running progress display. */
export interface Progress {
  /** Stops refreshing and prints the final line. */
  stop(): Promise<void>;
}

/** Formats one sample with the throughput since the previous one. */
export function formatProgress(sample: ProgressSample, eventsPerSec: number, ordersPerSec: number): string {
  const { placed, total, pending, completed, cancelled, retries, deadLetters, lag } = sample;
  return [
    `orders ${placed}/${total} placed`,
    `pending ${pending} · completed ${completed} · cancelled ${cancelled}`,
    `${Math.round(ordersPerSec)} orders/s · ${Math.round(eventsPerSec)} events/s`,
    `retries ${retries} · dead letters ${deadLetters} · lag ${lag}`,
  ].join(' │ ');
}

/** Starts refreshing the progress line. */
export function startProgress(options: ProgressOptions): Progress {
  const { out } = options;
  const tty = out.isTTY === true;
  const intervalMs = options.intervalMs ?? (tty ? 250 : 2000);
  const start = { at: performance.now(), events: 0, ended: 0 };
  let previous = start;
  let stopped = false;
  let busy: Promise<void> | undefined;

  // Live lines show the rates since the previous line; the final line the average of the run.
  const render = async (final: boolean) => {
    const sample = await options.sample();
    const now = performance.now();
    const since = final ? start : previous;
    const seconds = Math.max(0.001, (now - since.at) / 1000);
    const ended = sample.completed + sample.cancelled;
    const line = formatProgress(
      sample,
      (sample.events - since.events) / seconds,
      (ended - since.ended) / seconds,
    );
    previous = { at: now, events: sample.events, ended };
    // A line rewritten in place must not wrap: cut live lines to the terminal's width.
    const fitted =
      tty && !final && out.columns !== undefined && line.length >= out.columns
        ? `${line.slice(0, out.columns - 2)}…`
        : line;
    out.write(tty ? `\r\x1b[2K${fitted}${final ? '\n' : ''}` : `${line}\n`);
  };

  const timer = setInterval(() => {
    // One render at a time: a slow sample skips ticks rather than piling them up.
    if (busy !== undefined || stopped) return;
    busy = render(false)
      .catch(() => {}) // a failed sample skips one refresh; the final line reports again
      .finally(() => {
        busy = undefined;
      });
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
      await render(true);
    },
  };
}
