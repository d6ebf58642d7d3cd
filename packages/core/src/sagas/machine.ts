// The contract between the saga engine (loading, persisting, timers, commands) and a saga style
// (steps or state machine), which only decides.
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import type { SagaRecord, StepProgress } from './record.js';
import type { SagaCommands, SagaStatus } from './types.js';

/** What a style decides from. */
export interface MachineInput {
  /** The instance's last record; `undefined` for a new instance (the event is a starting one). */
  readonly record: SagaRecord | undefined;
  readonly event: CloudEvent;
  /** The name of the deadline firing, when `event` is one. */
  readonly deadline: string | undefined;
  readonly instanceId: string;
  readonly tenant: string;
  /** The transition's time, ms since the epoch. */
  readonly now: number;
}

/** A deadline to set (a pending one of the same name is replaced). */
export interface DeadlineToSet {
  readonly name: string;
  /** ms since the epoch. */
  readonly at: number;
}

/** The next state of an instance and what to do. */
export interface Decision {
  /** Names the transition in the history. */
  readonly transition: string;
  readonly status: SagaStatus;
  readonly data: unknown;
  readonly steps?: StepProgress;
  readonly commands: readonly CloudEvent[];
  readonly setDeadlines: readonly DeadlineToSet[];
  /** Names of pending deadlines to cancel. */
  readonly cancelDeadlines: readonly string[];
  readonly failure?: string;
  readonly compensationFailures: number;
}

/** A saga style. */
export interface SagaMachine {
  /** Event types an instance may care about (deadlines aside); `undefined`: every type. */
  readonly types: ReadonlySet<string> | undefined;
  readonly startTypes: ReadonlySet<string>;
  /** The transition for `input`, or `undefined` to ignore the event without recording it. */
  decide(input: MachineInput): Decision | undefined;
}

/**
 * The events a callback returned, as a list.
 * @throws ValidationError `INVALID_ARGUMENT` naming the callback when it returned something else.
 */
export function commandList(value: SagaCommands | undefined, where: string): CloudEvent[] {
  const list: readonly unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.map((command, i) => {
    if (!isEventLike(command))
      throw invalidArgument(
        `${where} must return a CloudEvent or an array of them (e.g. MyCommand.create(data, { causedBy: ctx.event })); item ${i} is ${command === null ? 'null' : typeof command}.`,
      );
    return command;
  });
}

function isEventLike(value: unknown): value is CloudEvent {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    'type' in value &&
    typeof value.type === 'string'
  );
}
