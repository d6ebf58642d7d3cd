// Queries: an instance's status, step, data, history and pending deadlines, read from its stream.
import { streamCategory } from '../event-store/stream-names.js';
import type { EventStore, RecordedEvent } from '../ports/event-store.js';
import { recordOf, type SagaRecord, SagaTransitioned } from './record.js';
import { instanceStream } from './transition-plan.js';
import type { SagaInstance, SagaStatus } from './types.js';

const PAGE = 1000;

/** The instance `instanceId` of saga `saga`, or `undefined` when it does not exist. */
export async function readInstance<D>(
  store: EventStore,
  saga: string,
  instanceId: string,
  tenant: string,
): Promise<SagaInstance<D> | undefined> {
  const stream = instanceStream(saga, instanceId);
  const recorded = await store.readStream(stream, { tenant });
  const transitions = recorded.map((r) => transitionOf(r));
  const view = viewOf<D>(transitions, tenant);
  return view?.saga === saga ? view : undefined;
}

/**
 * Every instance of `saga` (in `tenant`, or every tenant), optionally only those in `statuses`:
 * one pass over the store's transition events (an admin query, not a hot path).
 */
export async function* listInstances<D>(
  store: EventStore,
  saga: string,
  filter: { readonly statuses: ReadonlySet<SagaStatus> | undefined; readonly tenant: string | undefined },
): AsyncGenerator<SagaInstance<D>> {
  const byInstance = new Map<string, { tenant: string; transitions: Transition[] }>();
  const category = streamCategory(instanceStream(saga, 'x'));
  for (let after = 0n; ; ) {
    const page = await store.readAll({
      after,
      maxCount: PAGE,
      types: [SagaTransitioned.type],
      categories: [category],
      ...(filter.tenant === undefined ? {} : { tenant: filter.tenant }),
    });
    for (const recorded of page) {
      const transition = transitionOf(recorded);
      if (transition.record.saga !== saga) continue;
      const key = `${recorded.tenant}\u0000${recorded.stream}`;
      const entry = byInstance.get(key);
      if (entry === undefined) byInstance.set(key, { tenant: recorded.tenant, transitions: [transition] });
      else entry.transitions.push(transition);
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < PAGE) break;
    after = last.position;
  }
  for (const { tenant, transitions } of byInstance.values()) {
    const view = viewOf<D>(transitions, tenant);
    if (view !== undefined && (filter.statuses === undefined || filter.statuses.has(view.status))) yield view;
  }
}

interface Transition {
  readonly record: SagaRecord;
  readonly at: string;
  readonly version: bigint;
}

function transitionOf(recorded: RecordedEvent): Transition {
  return {
    record: recordOf(recorded.event, recorded.stream),
    at: recorded.recordedAt.toISOString(),
    version: recorded.version,
  };
}

function viewOf<D>(transitions: readonly Transition[], tenant: string): SagaInstance<D> | undefined {
  const last = transitions[transitions.length - 1];
  if (last === undefined) return undefined;
  const { record } = last;
  const steps = record.steps;
  const currentStep =
    record.status === 'running'
      ? steps?.current
      : record.status === 'compensating'
        ? steps?.compensating?.step
        : undefined;
  return {
    id: record.instanceId,
    saga: record.saga,
    tenant,
    status: record.status,
    ...(currentStep === undefined ? {} : { currentStep }),
    completedSteps: steps?.completed ?? [],
    compensatedSteps: steps?.compensated ?? [],
    // The data the saga's callbacks produced, read back from JSON.
    data: record.data as D,
    history: transitions.map((t) => ({
      at: t.at,
      event: t.record.cause.type,
      eventId: t.record.cause.id,
      transition: t.record.transition,
    })),
    pendingDeadlines: record.deadlines.map(({ name, at }) => ({ name, at })),
    ...(record.failure === undefined ? {} : { failure: record.failure }),
    compensationFailures: record.compensationFailures,
    version: last.version,
  };
}
