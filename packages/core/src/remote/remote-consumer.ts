/**
 * A consumer-group member on a Tributary server, driven through the HTTP members API: join, then
 * loop fetch (also the heartbeat) → handler → commit, and leave on `stop()`. Members in other
 * processes of the same group share the partitions; the server rebalances when one joins, leaves,
 * or stops fetching for its session timeout. Delivery is at least once: events a member handled
 * but did not commit are handled again by the partition's next owner.
 */
import { fromStructuredJson } from '../envelope/structured-json-codec.js';
import { isTributaryError } from '../errors/errors.js';
import type { HttpClient } from './http-client.js';
import { RemoteError } from './http-client.js';
import type { RemoteConsumerErrorContext, RemoteConsumerOptions, RemoteEachEvent } from './types.js';

interface WireItem {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: number;
  readonly event?: Record<string, unknown>;
  readonly invalid?: string;
}

interface WireOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

interface FetchAnswer {
  readonly events: readonly WireItem[];
  readonly assignments: readonly { topic: string; partition: number }[];
  readonly nextOffsets: readonly WireOffset[];
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

/** A remote consumer-group member. Create with `remoteBus.consumer(options)`, start with `run`. */
export class RemoteConsumer {
  private member: string | undefined;
  private held: { topic: string; partition: number }[] = [];
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private failures = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly options: RemoteConsumerOptions,
    private readonly clientId: string,
    private readonly onClose: (consumer: RemoteConsumer) => void,
  ) {}

  /** The server's id of this member, once joined. */
  get memberId(): string | undefined {
    return this.member;
  }

  /** The partitions this member held at its last fetch. */
  assignment(): { topic: string; partition: number }[] {
    return [...this.held];
  }

  /**
   * Joins the group and starts the fetch loop. Resolves once joined.
   * @throws RemoteError when the first join fails (unknown topic, no permission, server unreachable).
   */
  async run(handlers: { readonly eachEvent: RemoteEachEvent }): Promise<void> {
    if (this.loop !== undefined)
      throw new RemoteError('INVALID_ARGUMENT', 'This consumer is already running.', 0, 'RUNNING');
    await this.join();
    this.loop = this.fetchLoop(handlers.eachEvent);
  }

  /** Stops fetching, waits for the handler in progress, commits it, and leaves the group. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
    const id = this.member;
    this.member = undefined;
    if (id !== undefined) {
      try {
        await this.http.request({ method: 'DELETE', path: this.memberPath(id, '') });
      } catch (err) {
        // Already gone (timed out) or unreachable: the server removes it after its session timeout.
        if (!(err instanceof RemoteError && err.status === 404)) this.report(err, { phase: 'leave' });
      }
    }
    this.onClose(this);
  }

  private async join(): Promise<void> {
    const answer = await this.http.request({
      method: 'POST',
      path: `/v1/groups/${encodeURIComponent(this.options.group)}/members`,
      json: {
        topics: this.options.topics,
        clientId: this.clientId,
        ...(this.options.from === undefined ? {} : { from: this.options.from }),
        ...(this.options.sessionTimeoutMs === undefined
          ? {}
          : { sessionTimeoutMs: this.options.sessionTimeoutMs }),
      },
      signal: this.abort.signal,
    });
    this.member = String(Reflect.get(Object(answer), 'memberId'));
  }

  private async fetchLoop(handler: RemoteEachEvent): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        if (this.member === undefined) await this.join();
        await this.fetchOnce(this.member as string, handler);
        if (this.member !== undefined) this.failures = 0;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof RemoteError && err.problemCode === 'UNKNOWN_MEMBER') {
          // Removed after a session timeout: join again (the group rebalances).
          this.member = undefined;
        }
        this.report(err, { phase: this.member === undefined ? 'join' : 'fetch' });
        await this.backoff();
      }
    }
  }

  private async fetchOnce(id: string, handler: RemoteEachEvent): Promise<void> {
    const waitMs = this.options.pollWaitMs ?? 1000;
    const answer = (await this.http.request({
      method: 'POST',
      path: this.memberPath(id, '/fetch'),
      json: { maxRecords: this.options.maxRecords ?? 100, waitMs },
      waitMs,
      signal: this.abort.signal,
    })) as FetchAnswer;
    this.held = answer.assignments.map((a) => ({ topic: a.topic, partition: a.partition }));
    const done = new Map<string, WireOffset>();
    let complete = true;
    for (const item of answer.events) {
      if (this.abort.signal.aborted) {
        complete = false;
        break;
      }
      const ok = await this.handle(item, handler);
      if (!ok) {
        // Not committed past the failed event: leave and join again so it is delivered again.
        complete = false;
        this.member = undefined;
        break;
      }
      done.set(`${item.topic}:${item.partition}`, {
        topic: item.topic,
        partition: item.partition,
        offset: (BigInt(item.offset) + 1n).toString(),
      });
    }
    // All handled: the server's offsets also cover records skipped for this key's tenant.
    const offsets = complete ? answer.nextOffsets : [...done.values()];
    await this.commit(id, offsets);
    if (this.member === undefined && !this.abort.signal.aborted) await this.rejoinAfterFailure(id);
  }

  /** Runs the handler; false when it threw (reported). A record that is not a CloudEvent is skipped. */
  private async handle(item: WireItem, handler: RemoteEachEvent): Promise<boolean> {
    const where = { topic: item.topic, partition: item.partition, offset: BigInt(item.offset) };
    let event: ReturnType<typeof fromStructuredJson>;
    try {
      if (item.event === undefined) throw new Error(item.invalid ?? 'the record carries no event');
      event = fromStructuredJson(item.event);
    } catch (err) {
      this.report(err, { phase: 'decode', ...where });
      return true;
    }
    try {
      await handler(event, { ...where, timestamp: item.timestamp, key: item.key });
      return true;
    } catch (err) {
      this.report(err, { phase: 'handler', ...where });
      return false;
    }
  }

  private async commit(id: string, offsets: readonly WireOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    try {
      await this.http.request({ method: 'POST', path: this.memberPath(id, '/commit'), json: { offsets } });
    } catch (err) {
      // Rebalanced since the fetch: the partition's next owner reads it again (at least once).
      if (err instanceof RemoteError && err.status === 409) {
        if (offsets.length > 1) for (const o of offsets) await this.commit(id, [o]);
        return;
      }
      throw err;
    }
  }

  private async rejoinAfterFailure(id: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: this.memberPath(id, '') }).catch(() => undefined);
    await this.backoff();
  }

  private backoff(): Promise<void> {
    this.failures++;
    const ms = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (this.failures - 1));
    const jittered = ms / 2 + Math.random() * (ms / 2);
    return new Promise((resolve) => {
      const timer = setTimeout(done, jittered);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }

  private memberPath(id: string, suffix: string): string {
    return `/v1/groups/${encodeURIComponent(this.options.group)}/members/${encodeURIComponent(id)}${suffix}`;
  }

  private report(error: unknown, ctx: Omit<RemoteConsumerErrorContext, 'group' | 'memberId'>): void {
    const full = { group: this.options.group, memberId: this.member, ...ctx };
    if (this.options.onError !== undefined) {
      this.options.onError(error, full);
      return;
    }
    const message = isTributaryError(error) || error instanceof Error ? error.message : String(error);
    console.error(`tributary remote consumer (group ${full.group}, ${full.phase}): ${message}`);
  }
}
