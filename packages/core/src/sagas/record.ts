// What a saga stores and sends about itself: the transition event holding an instance's whole
// state (the last one is all a load needs), and the deadline request / deadline events.
import { z } from 'zod';
import type { CloudEvent } from '../envelope/types.js';
import { StorageError } from '../errors/errors.js';
import { defineEvent } from '../events/define-event.js';
import type { SagaStatus } from './types.js';

const STATUSES = [
  'running',
  'completed',
  'compensating',
  'compensated',
  'failed',
] as const satisfies readonly SagaStatus[];

/** Statuses after which nothing happens any more (a step saga may still undo a late completion). */
export const FINAL_STATUSES: ReadonlySet<SagaStatus> = new Set(['completed', 'compensated', 'failed']);

const PendingDeadline = z.object({
  name: z.string(),
  /** When it is due (RFC 3339). */
  at: z.string(),
  /** The id of the deadline event that fires it: a firing with another id is stale. */
  id: z.string(),
});
export type PendingDeadline = z.output<typeof PendingDeadline>;

const StepProgress = z.object({
  /** The step in flight while running. */
  current: z.string().optional(),
  completed: z.array(z.string()),
  compensated: z.array(z.string()),
  /** Steps still to compensate, next first. */
  pending: z.array(z.string()),
  /** The step whose compensation was published and awaits confirmation (or a retry). */
  compensating: z
    .object({
      step: z.string(),
      attempt: z.number().int().min(1),
      /** The attempt threw in `compensate` (already counted as a failure). */
      failed: z.boolean().optional(),
    })
    .optional(),
  /** The step that failed or timed out (its late completion is compensated). */
  failedStep: z.string().optional(),
  /** `onCompensated` was published. */
  notified: z.boolean().optional(),
});
export type StepProgress = z.output<typeof StepProgress>;

const SagaRecordSchema = z.object({
  saga: z.string(),
  instanceId: z.string(),
  status: z.enum(STATUSES),
  data: z.unknown(),
  steps: StepProgress.optional(),
  deadlines: z.array(PendingDeadline),
  failure: z.string().optional(),
  compensationFailures: z.number().int().min(0),
  startedAt: z.string(),
  /** Ids of the events applied most recently, oldest first: a re-delivery of one is a duplicate. */
  recent: z.array(z.string()),
  /** This transition: what happened, and the event that caused it. */
  transition: z.string(),
  cause: z.object({ id: z.string(), type: z.string() }),
});
export type SagaRecord = z.output<typeof SagaRecordSchema>;

/** How many applied event ids an instance remembers for duplicate detection. */
export const RECENT_EVENT_IDS = 100;

/** One transition of an instance: its stream holds one per applied event. */
export const SagaTransitioned = defineEvent('tributary.saga.transitioned', {
  version: 1,
  schema: SagaRecordSchema,
  source: 'tributary.saga',
});

/** Asks the saga's own subscription to schedule a deadline timer (sent through the outbox). */
export const SagaDeadlineRequested = defineEvent('tributary.saga.deadline-requested', {
  version: 1,
  schema: z.object({
    saga: z.string(),
    instanceId: z.string(),
    name: z.string(),
    at: z.string(),
    deadlineId: z.string(),
    causeId: z.string(),
  }),
  source: 'tributary.saga',
});

/** A deadline firing: delivered by a durable timer on the saga's deadline topic. */
export const SagaDeadline = defineEvent('tributary.saga.deadline', {
  version: 1,
  schema: z.object({ saga: z.string(), instanceId: z.string(), name: z.string(), at: z.string() }),
  source: 'tributary.saga',
});

/** The record stored in a transition event, checked. */
export function recordOf(event: CloudEvent, stream: string): SagaRecord {
  const parsed = SagaRecordSchema.safeParse(event.data);
  if (event.type !== SagaTransitioned.type || !parsed.success)
    throw new StorageError(
      'CORRUPT_DATA',
      `Saga stream "${stream}" ends with event ${event.id} of type "${event.type}", which is not a valid saga transition${parsed.success ? '' : ` (${parsed.error.message})`}. Another writer used the saga's stream name: rename the saga or the other stream.`,
    );
  return parsed.data;
}
