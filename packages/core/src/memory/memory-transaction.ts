// The handle `transaction(fn)` gives its function in the in-memory event store.
import { SerialQueue } from '../bus/serial-queue.js';
import type { CloudEvent } from '../envelope/types.js';
import { TributaryError } from '../errors/errors.js';
import { checkAppend, checkAppends } from '../event-store/checks.js';
import type {
  AppendOptions,
  AppendResult,
  EventStoreTransaction,
  MultiAppendOptions,
  StreamAppend,
} from '../ports/event-store.js';
import { type AppendConfig, writeAppends } from './memory-event-append.js';
import type { MemoryEventState } from './memory-event-state.js';

/**
 * Appends inside the store's open transaction. Each append is all-or-nothing on its own (a caught
 * conflict leaves the transaction usable); the store commits or rolls back the whole.
 */
export class MemoryTransaction implements EventStoreTransaction<undefined> {
  readonly db = undefined;
  /** Whether an append of this transaction wrote events. */
  wrote = false;
  /** Appends of one transaction run one at a time too, even when `fn` does not await each. */
  private readonly appends = new SerialQueue();
  private ended = false;

  constructor(
    private readonly state: MemoryEventState,
    private readonly config: AppendConfig,
  ) {}

  /** Runs `fn`, then waits for the appends it started; the handle is unusable afterwards. */
  async run<T>(fn: (tx: EventStoreTransaction<undefined>) => Promise<T>): Promise<T> {
    try {
      return await fn(this);
    } finally {
      await this.appends.run(() => undefined);
      this.ended = true;
    }
  }

  async appendToStream(
    stream: string,
    events: readonly CloudEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.checkActive('appendToStream');
    const { tenant, append } = checkAppend(stream, events, options);
    const [result] = await this.write('appendToStream', tenant, [append]);
    if (result === undefined) throw new Error('Memory event store: an append returned no result.');
    return result;
  }

  async appendToStreams(
    appends: readonly StreamAppend[],
    options?: MultiAppendOptions,
  ): Promise<AppendResult[]> {
    this.checkActive('appendToStreams');
    const checked = checkAppends(appends, options);
    return this.write('appendToStreams', checked.tenant, checked.appends);
  }

  private async write(
    operation: string,
    tenant: string,
    appends: Parameters<typeof writeAppends>[2],
  ): Promise<AppendResult[]> {
    return this.appends.run(async () => {
      this.checkActive(operation);
      const outcome = await writeAppends(this.state, tenant, appends, this.config);
      if (outcome.wrote) this.wrote = true;
      return outcome.results;
    });
  }

  private checkActive(operation: string): void {
    if (this.ended)
      throw new TributaryError(
        'CLOSED',
        `The transaction has ended: tx.${operation} cannot run. Use the handle only inside the transaction's function.`,
      );
  }
}
