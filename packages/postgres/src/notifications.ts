// onAppended: local listeners after every commit here, and LISTEN/NOTIFY for other processes' appends.
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';

const RECONNECT_MS = 1000;

/** The NOTIFY channel of a schema (an identifier of at most 63 bytes). */
export function channelOf(schema: string): string {
  const channel = `tributary_appended_${schema}`;
  return channel.length <= 63
    ? channel
    : `tributary_appended_${createHash('sha1').update(schema).digest('hex').slice(0, 24)}`;
}

/**
 * Calls listeners after committed appends: directly for this process's appends, and through a
 * LISTEN connection (opened when the first listener subscribes) for appends of other processes
 * on the same schema. Notifications carry the sender's `origin`, so a store skips its own.
 */
export class AppendNotifier {
  readonly origin = randomUUID();
  private readonly listeners = new Set<() => void>();
  private connection: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly channel: string,
    /** How to open the LISTEN connection; `undefined` disables cross-process notifications. */
    private readonly clientConfig: pg.ClientConfig | undefined,
  ) {}

  subscribe(listener: () => void): () => void {
    // a wrapper per subscription, so the same function subscribed twice is called twice
    const entry = () => listener();
    this.listeners.add(entry);
    if (this.connection === undefined && this.reconnect === undefined) void this.listen();
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Calls every listener; one that throws does not stop the others (nor the append). */
  emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // a listener's failure is its own business: the append has committed
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    clearTimeout(this.reconnect);
    const connection = this.connection;
    this.connection = undefined;
    await connection?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (this.clientConfig === undefined || this.closed) return;
    const client = new pg.Client(this.clientConfig);
    this.connection = client;
    const retry = () => {
      if (this.connection !== client) return;
      this.connection = undefined;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.reconnect = setTimeout(() => {
        this.reconnect = undefined;
        // appends may have happened while disconnected: wake listeners once
        this.emit();
        if (this.listeners.size > 0) void this.listen();
      }, RECONNECT_MS);
      this.reconnect.unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== this.origin) this.emit();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch {
      retry();
    }
  }
}
