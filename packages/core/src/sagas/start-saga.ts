import type { ConsumerErrorContext } from '../bus/types.js';
import { invalidArgument, isTributaryError } from '../errors/errors.js';
import { createMemoryDedupeStore } from '../memory/memory-dedupe.js';
import { startOutboxRelay } from '../outbox/relay.js';
import type { OutboxRelay } from '../outbox/types.js';
import { DEFAULT_TENANT } from '../ports/event-store.js';
import { SagaEngine } from './engine.js';
import { listInstances, readInstance } from './instance-view.js';
import type { SagaMachine } from './machine.js';
import { stateMachine } from './state-machine.js';
import { stepMachine } from './step-machine.js';
import type { Saga, SagaRunner, SagaStatus, StartSagaOptions } from './types.js';

/** Subscription retries of a failing transition unless `retry` says otherwise. */
const DEFAULT_RETRY = { maxAttempts: 20, initialDelayMs: 50, maxDelayMs: 5000 };
/** The default in-memory dedupe of the subscription stays small: an hour, 100 000 ids. */
const OWN_DEDUPE_BOUNDS = { ttlMs: 3_600_000, maxEntriesPerGroup: 100_000 };

/**
 * Runs a saga: consumes its topics in the consumer group named after it and applies each event
 * to the instance it belongs to.
 *
 * - **State** lives in the event store, one stream per instance (`<saga>-<instanceId>`), one
 *   transition event per applied event holding the whole new state; a load reads the last one.
 * - **Atomic commands.** A transition's commands (and deadline requests) are appended in the same
 *   transaction, to outbox streams, so they are published (by the outbox relay) if and only if the
 *   state change committed, at least once, with ids derived from the instance and the event that
 *   caused them: consumers with dedupe handle a re-publish once.
 * - **One at a time.** Events of one instance are applied one after another in this process, and
 *   with optimistic concurrency across processes (a conflict reloads and decides again).
 * - **Duplicates** (an event id already applied to the instance) are applied once.
 * - **Deadlines** are durable timers (`bus.publish(…, { deliverAt })`) on `<saga>.deadlines`
 *   (created if missing), cancelled when no longer needed; a stale one that fires is ignored.
 *
 * Resolves once the subscription holds its partitions.
 * @throws ValidationError `INVALID_ARGUMENT` for bad options.
 */
export async function startSaga<D>(saga: Saga<D>, options: StartSagaOptions): Promise<SagaRunner<D>> {
  checkOptions(saga, options);
  const { bus, store } = options;
  const definition = saga.definition;
  const machine: SagaMachine =
    definition.steps !== undefined ? stepMachine(definition) : stateMachine(definition);
  const onError = options.onError ?? defaultOnError(saga.name);
  const engine = new SagaEngine(
    {
      name: saga.name,
      deadlineTopic: saga.deadlineTopic,
      commandTopic: definition.commandTopic,
      instanceIdOf: definition.instanceId,
    },
    machine,
    { bus, store, tenant: options.tenant, onError: (error) => onError(error) },
  );
  await bus.createTopic(saga.deadlineTopic).catch((error: unknown) => {
    if (!isTributaryError(error, 'TOPIC_EXISTS')) throw error;
  });
  // Only a shortcut: each instance remembers the event ids it applied, durably.
  const ownDedupe = options.dedupe === undefined ? createMemoryDedupeStore(OWN_DEDUPE_BOUNDS) : undefined;
  let relay: OutboxRelay | undefined;
  if (options.relay !== false) {
    const relayOptions = typeof options.relay === 'object' ? options.relay : {};
    relay = startOutboxRelay(store, bus, {
      ...(options.onError === undefined ? {} : { onError: (error: unknown) => onError(error) }),
      ...relayOptions,
    });
  }
  const stopOwned = async () => {
    await relay?.stop();
    await ownDedupe?.close();
  };
  let subscription: Awaited<ReturnType<typeof bus.subscribe>>;
  try {
    subscription = await bus.subscribe({
      group: saga.name,
      topics: [...new Set([...definition.topics, saga.deadlineTopic])],
      from: options.from ?? 'earliest',
      dedupe: options.dedupe ?? ownDedupe,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      handler: async (event) => {
        await engine.apply(event);
      },
      ...(options.onError === undefined
        ? {}
        : { onError: (error: unknown, ctx: ConsumerErrorContext) => onError(error, ctx) }),
    });
  } catch (error) {
    await stopOwned();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const tenantOf = (tenant: string | undefined) => tenant ?? options.tenant ?? DEFAULT_TENANT;
  return {
    saga,
    get(instanceId, getOptions) {
      if (typeof instanceId !== 'string' || instanceId.length === 0)
        return Promise.reject(
          invalidArgument(`get expects an instance id (a non-empty string); got ${String(instanceId)}.`),
        );
      return readInstance<D>(store, saga.name, instanceId, tenantOf(getOptions?.tenant));
    },
    list(filter = {}) {
      const { status } = filter;
      const statuses: ReadonlySet<SagaStatus> | undefined =
        status === undefined ? undefined : new Set(typeof status === 'string' ? [status] : status);
      return listInstances<D>(store, saga.name, { statuses, tenant: filter.tenant ?? options.tenant });
    },
    apply: (event) => engine.apply(event),
    status: () => engine.status(),
    stop() {
      stopping ??= subscription.stop().then(stopOwned);
      return stopping;
    },
  };
}

function checkOptions<D>(saga: Saga<D>, options: StartSagaOptions): void {
  if (typeof saga !== 'object' || saga === null || typeof saga.definition !== 'object')
    throw invalidArgument('startSaga expects a saga made by defineSaga(…).');
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('startSaga expects options { bus, store }.');
  if (typeof options.bus?.subscribe !== 'function' || typeof options.bus.publish !== 'function')
    throw invalidArgument('startSaga: bus must be a Bus (from connect() or createBus()).');
  if (typeof options.store?.appendToStreams !== 'function' || typeof options.store.readStream !== 'function')
    throw invalidArgument(
      'startSaga: store must be an EventStore (createMemoryEventStore, openSqliteEventStore, …).',
    );
  if (options.tenant !== undefined && (typeof options.tenant !== 'string' || options.tenant.length === 0))
    throw invalidArgument('startSaga: tenant must be a non-empty string.');
}

function defaultOnError(saga: string): (error: unknown, ctx?: ConsumerErrorContext) => void {
  return (error, ctx) => {
    const where = ctx?.topic === undefined ? '' : ` ${ctx.topic}/${ctx.partition}@${String(ctx.offset)}`;
    console.error(`tributary: saga "${saga}"${where}:`, error);
  };
}
