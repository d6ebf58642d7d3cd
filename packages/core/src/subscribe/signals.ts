/** Something that shuts down gracefully: a subscription, a consumer, a bus. */
export interface Stoppable {
  stop?(options?: { timeoutMs?: number }): Promise<void>;
  close?(): Promise<void>;
}

export interface ShutdownOptions {
  /** Default `['SIGTERM', 'SIGINT']`. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Passed to each `stop`. Default 30 s. */
  readonly timeoutMs?: number;
  /** Exit the process when done (code 0, or 1 when a stop failed). Default true. */
  readonly exit?: boolean;
  /** Called with each failure of a stop. Default: stderr. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Wires SIGTERM/SIGINT to a graceful shutdown: on the first signal every target is stopped in
 * order (subscriptions first, then the bus: list them that way), then the process exits. A second
 * signal while stopping exits at once. Returns a function that removes the handlers.
 */
export function shutdownOnSignals(targets: readonly Stoppable[], options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const onError = options.onError ?? ((err: unknown) => console.error('tributary: shutdown:', err));
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals) => {
    if (shuttingDown) process.exit(signal === 'SIGINT' ? 130 : 143);
    shuttingDown = true;
    void (async () => {
      let failed = false;
      for (const target of targets) {
        try {
          if (target.stop) await target.stop({ timeoutMs: options.timeoutMs ?? 30_000 });
          else await target.close?.();
        } catch (err) {
          failed = true;
          onError(err);
        }
      }
      if (options.exit ?? true) process.exit(failed ? 1 : 0);
    })();
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
