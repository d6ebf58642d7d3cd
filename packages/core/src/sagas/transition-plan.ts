// Turns a decision into what one transaction writes: the instance's transition (its whole new
// state), the commands and deadline requests through the outbox, each with an id derived from the
// instance and the event that caused it (a re-publish is deduped downstream).
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import { definitionOf } from '../events/definition-of.js';
import type { ExpectedVersion, StreamAppend } from '../ports/event-store.js';
import { deterministicId } from './deterministic-id.js';
import type { Decision } from './machine.js';
import {
  FINAL_STATUSES,
  type PendingDeadline,
  RECENT_EVENT_IDS,
  SagaDeadlineRequested,
  type SagaRecord,
  SagaTransitioned,
} from './record.js';

/** What a plan needs of the saga. */
export interface PlanSaga {
  readonly name: string;
  readonly deadlineTopic: string;
  readonly commandTopic: ((command: CloudEvent) => string | undefined) | undefined;
}

/** The stream of one instance. */
export function instanceStream(saga: string, instanceId: string): string {
  return `${saga}-${instanceId}`;
}

/** The outbox stream of an instance's events to one topic (the relay keys records by it). */
export function outgoingStream(saga: string, instanceId: string, topic: string): string {
  return `${saga}.to.${topic}/${instanceId}`;
}

export interface PlanInput {
  readonly saga: PlanSaga;
  readonly instanceId: string;
  readonly tenant: string;
  readonly stream: string;
  /** The last record and its version (`undefined`: a new instance). */
  readonly previous: { readonly record: SagaRecord; readonly version: bigint } | undefined;
  readonly event: CloudEvent;
  /** The name of the deadline that fired, when `event` is one. */
  readonly firedDeadline: string | undefined;
  readonly decision: Decision;
  readonly now: number;
}

export interface TransitionPlan {
  readonly appends: StreamAppend[];
  readonly record: SagaRecord;
  /** Pending deadlines dropped by this transition: their timers are cancelled after the commit. */
  readonly cancelled: readonly PendingDeadline[];
}

export function planTransition(input: PlanInput): TransitionPlan {
  const { saga, instanceId, tenant, stream, previous, event, decision, now } = input;
  const { deadlines, added, cancelled } = planDeadlines(input);
  const record: SagaRecord = {
    saga: saga.name,
    instanceId,
    status: decision.status,
    data: decision.data,
    ...(decision.steps === undefined ? {} : { steps: decision.steps }),
    deadlines,
    ...(decision.failure === undefined ? {} : { failure: decision.failure }),
    compensationFailures: decision.compensationFailures,
    startedAt: previous?.record.startedAt ?? new Date(now).toISOString(),
    recent: [...(previous?.record.recent ?? []), event.id].slice(-RECENT_EVENT_IDS),
    transition: decision.transition,
    cause: { id: event.id, type: event.type },
  };
  const transition = SagaTransitioned.create(record, {
    id: deterministicId(stream, 'transition', event.id),
    tenantid: tenant,
    subject: instanceId,
    causedBy: event,
  });
  const expectedVersion: ExpectedVersion = previous === undefined ? 'no_stream' : previous.version;
  const appends: StreamAppend[] = [{ stream, events: [transition], expectedVersion, outbox: false }];
  const byTopic = new Map<string, CloudEvent[]>();
  const add = (topic: string, outgoing: CloudEvent) => {
    const list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, [outgoing]);
    else list.push(outgoing);
  };
  decision.commands.forEach((command, i) => {
    add(
      topicOf(saga, command),
      withDerivedId(command, deterministicId(stream, 'command', event.id, String(i)), event),
    );
  });
  for (const deadline of added) add(saga.deadlineTopic, deadlineRequest(input, deadline));
  for (const [topic, events] of byTopic)
    appends.push({ stream: outgoingStream(saga.name, instanceId, topic), events, outbox: topic });
  return { appends, record, cancelled };
}

/**
 * The pending deadlines after the decision: the fired one and cancelled ones removed, new ones
 * added (replacing a pending one of the same name), none left once the instance is final.
 */
function planDeadlines(input: PlanInput): {
  deadlines: PendingDeadline[];
  added: PendingDeadline[];
  cancelled: PendingDeadline[];
} {
  const { previous, decision, firedDeadline, stream, event } = input;
  const pending = new Map((previous?.record.deadlines ?? []).map((d) => [d.name, d]));
  if (firedDeadline !== undefined) pending.delete(firedDeadline);
  const cancelled: PendingDeadline[] = [];
  const added = new Map<string, PendingDeadline>();
  const drop = (name: string) => {
    const existing = pending.get(name);
    if (existing === undefined) return;
    pending.delete(name);
    if (!added.has(name)) cancelled.push(existing);
    added.delete(name);
  };
  for (const name of decision.cancelDeadlines) drop(name);
  for (const { name, at } of decision.setDeadlines) {
    drop(name);
    const deadline = {
      name,
      at: new Date(at).toISOString(),
      id: deterministicId(stream, 'deadline', name, event.id),
    };
    pending.set(name, deadline);
    added.set(name, deadline);
  }
  if (FINAL_STATUSES.has(decision.status)) for (const name of [...pending.keys()]) drop(name);
  return { deadlines: [...pending.values()], added: [...added.values()], cancelled };
}

function deadlineRequest(input: PlanInput, deadline: PendingDeadline): CloudEvent {
  const { saga, instanceId, tenant, stream, event } = input;
  return SagaDeadlineRequested.create(
    {
      saga: saga.name,
      instanceId,
      name: deadline.name,
      at: deadline.at,
      deadlineId: deadline.id,
      causeId: event.id,
    },
    {
      id: deterministicId(stream, 'deadline-request', deadline.id),
      tenantid: tenant,
      // The flow's correlation carries on: commands caused by the deadline keep it.
      causedBy: event,
    },
  );
}

function topicOf(saga: PlanSaga, command: CloudEvent): string {
  const topic = saga.commandTopic?.(command) ?? definitionOf(command)?.topic;
  if (typeof topic === 'string' && topic.length > 0) return topic;
  throw invalidArgument(
    `Saga "${saga.name}" cannot publish command "${command.type}": it has no topic. Give its definition one (defineEvent(…, { topic })) or the saga a commandTopic(command) function.`,
  );
}

/** The command with its derived id, carrying causation and correlation of `cause` when it has none. */
function withDerivedId(command: CloudEvent, id: string, cause: CloudEvent): CloudEvent {
  return {
    ...command,
    id,
    causationid: command.causationid ?? cause.id,
    correlationid: command.correlationid ?? cause.correlationid ?? cause.id,
  };
}
