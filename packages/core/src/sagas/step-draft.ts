// The working copy of a step saga's transition: the building blocks (start a step, compensate the
// completed ones in reverse order, re-publish an unconfirmed compensation) the step machine composes.
import type { CloudEvent } from '../envelope/types.js';
import type { DeadlineToSet, Decision, MachineInput } from './machine.js';
import { commandList } from './machine.js';
import type { StepProgress } from './record.js';
import type { CompensationContext, SagaContext, SagaStatus, SagaStep, StepSagaDefinition } from './types.js';

/** A step with its event types resolved. */
export interface CompiledStep<D> {
  readonly step: SagaStep<D>;
  readonly index: number;
  readonly completes: ReadonlySet<string>;
  readonly fails: ReadonlySet<string>;
  readonly compensatedOn: ReadonlySet<string>;
}

/** A step saga definition with its types and options resolved. */
export interface CompiledSteps<D> {
  readonly definition: StepSagaDefinition<D>;
  readonly steps: readonly CompiledStep<D>[];
  readonly byName: ReadonlyMap<string, CompiledStep<D>>;
  readonly retry: {
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
    readonly multiplier: number;
  };
}

/** Deadline names of step sagas. */
export const SAGA_DEADLINE = 'saga';
export const stepDeadline = (step: string): string => `step:${step}`;
export const compensationDeadline = (step: string): string => `compensation:${step}`;

type MutableProgress = {
  current?: string | undefined;
  completed: string[];
  compensated: string[];
  pending: string[];
  compensating?: { step: string; attempt: number; failed?: boolean | undefined } | undefined;
  failedStep?: string | undefined;
  notified?: boolean | undefined;
};

export class StepDraft<D> {
  status: SagaStatus;
  data: D;
  failure: string | undefined;
  compensationFailures: number;
  readonly progress: MutableProgress;
  private readonly commands: CloudEvent[] = [];
  private readonly setDeadlines: DeadlineToSet[] = [];
  private readonly cancelDeadlines: string[] = [];
  /** Extra facts for the history label (e.g. a compensation that threw). */
  private readonly notes: string[] = [];

  constructor(
    readonly compiled: CompiledSteps<D>,
    readonly input: MachineInput,
    start: {
      status: SagaStatus;
      data: D;
      progress: StepProgress;
      failure?: string;
      compensationFailures: number;
    },
  ) {
    this.status = start.status;
    this.data = start.data;
    this.failure = start.failure;
    this.compensationFailures = start.compensationFailures;
    const p = start.progress;
    this.progress = {
      ...p,
      completed: [...p.completed],
      compensated: [...p.compensated],
      pending: [...p.pending],
      compensating: p.compensating === undefined ? undefined : { ...p.compensating },
    };
  }

  context(): SagaContext<D> {
    const { instanceId, event, tenant } = this.input;
    return { instanceId, event, data: this.data, tenant };
  }

  /** Folds the event into the data with `collect`. */
  collect(): void {
    const { collect } = this.compiled.definition;
    if (collect !== undefined) this.data = collect(this.data, this.input.event);
  }

  publish(commands: readonly CloudEvent[]): void {
    this.commands.push(...commands);
  }

  setDeadline(name: string, delayMs: number): void {
    this.setDeadlines.push({ name, at: this.input.now + delayMs });
  }

  cancelDeadline(name: string): void {
    this.cancelDeadlines.push(name);
  }

  /** Publishes the step's command(s) and arms its timeout. */
  startStep(step: CompiledStep<D>): void {
    this.progress.current = step.step.name;
    this.publish(commandList(step.step.invoke(this.context()), `step "${step.step.name}" invoke`));
    if (step.step.timeoutMs !== undefined)
      this.setDeadline(stepDeadline(step.step.name), step.step.timeoutMs);
  }

  /** Stops the forward path and compensates the completed steps, last first. */
  beginCompensation(failure: string): void {
    const p = this.progress;
    this.failure = failure;
    this.status = 'compensating';
    this.cancelDeadline(SAGA_DEADLINE);
    if (p.current !== undefined) this.cancelDeadline(stepDeadline(p.current));
    p.current = undefined;
    p.pending = [...p.completed]
      .reverse()
      .filter((name) => this.compiled.byName.get(name)?.step.compensate !== undefined)
      .filter((name) => !p.compensated.includes(name));
    this.advanceCompensation();
  }

  /**
   * Publishes the next compensations until one awaits a confirmation; when none is left, the saga
   * is compensated (and `onCompensated` published, once).
   */
  advanceCompensation(): void {
    const p = this.progress;
    while (p.compensating === undefined) {
      const next = p.pending.shift();
      if (next === undefined) {
        this.status = 'compensated';
        if (p.notified !== true) {
          const { onCompensated } = this.compiled.definition;
          if (onCompensated !== undefined)
            this.publish(commandList(onCompensated(this.context()), 'onCompensated'));
          p.notified = true;
        }
        return;
      }
      this.publishCompensation(next, 1);
    }
  }

  /** The compensation of `name` was confirmed: on to the next one. */
  confirmCompensation(name: string): void {
    const p = this.progress;
    p.compensated.push(name);
    p.compensating = undefined;
    this.cancelDeadline(compensationDeadline(name));
    this.advanceCompensation();
  }

  /** The compensation in flight was not confirmed in time (or threw): publish it again. */
  retryCompensation(): void {
    const p = this.progress;
    const current = p.compensating;
    if (current === undefined) return;
    // A throwing attempt was counted when it threw.
    if (current.failed !== true) this.compensationFailures += 1;
    this.note(
      `compensation of "${current.step}" not confirmed within ${this.retryDelay(current.attempt)} ms (attempt ${current.attempt}); re-published`,
    );
    p.compensating = undefined;
    this.publishCompensation(current.step, current.attempt + 1);
    this.advanceCompensation();
  }

  note(text: string): void {
    this.notes.push(text);
  }

  decision(transition: string): Decision {
    const p = this.progress;
    const steps: StepProgress = {
      ...(p.current === undefined ? {} : { current: p.current }),
      completed: p.completed,
      compensated: p.compensated,
      pending: p.pending,
      ...(p.compensating === undefined ? {} : { compensating: p.compensating }),
      ...(p.failedStep === undefined ? {} : { failedStep: p.failedStep }),
      ...(p.notified === undefined ? {} : { notified: p.notified }),
    };
    return {
      transition: [transition, ...this.notes].join('; '),
      status: this.status,
      data: this.data,
      steps,
      commands: this.commands,
      setDeadlines: this.setDeadlines,
      cancelDeadlines: this.cancelDeadlines,
      ...(this.failure === undefined ? {} : { failure: this.failure }),
      compensationFailures: this.compensationFailures,
    };
  }

  private publishCompensation(name: string, attempt: number): void {
    const p = this.progress;
    const compiled = this.compiled.byName.get(name);
    const compensate = compiled?.step.compensate;
    if (compiled === undefined || compensate === undefined) {
      p.compensated.push(name);
      return;
    }
    const ctx: CompensationContext<D> = { ...this.context(), attempt };
    let commands: CloudEvent[];
    try {
      commands = commandList(compensate(ctx), `step "${name}" compensate`);
    } catch (error) {
      // A compensation must eventually succeed: count the failure, try again after the backoff.
      this.compensationFailures += 1;
      this.note(`compensation of "${name}" failed (attempt ${attempt}): ${messageOf(error)}; retrying`);
      p.compensating = { step: name, attempt, failed: true };
      this.setDeadline(compensationDeadline(name), this.retryDelay(attempt));
      return;
    }
    this.publish(commands);
    if (compiled.compensatedOn.size === 0) {
      p.compensated.push(name);
      return;
    }
    p.compensating = { step: name, attempt };
    this.setDeadline(compensationDeadline(name), this.retryDelay(attempt));
  }

  private retryDelay(attempt: number): number {
    const { initialDelayMs, maxDelayMs, multiplier } = this.compiled.retry;
    return Math.min(maxDelayMs, Math.round(initialDelayMs * multiplier ** (attempt - 1)));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
