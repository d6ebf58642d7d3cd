// Orchestration by steps: what each event or deadline does to an instance of a step saga.
import { typeSet } from './event-types.js';
import { commandList, type Decision, type MachineInput, type SagaMachine } from './machine.js';
import {
  type CompiledStep,
  type CompiledSteps,
  compensationDeadline,
  SAGA_DEADLINE,
  StepDraft,
  stepDeadline,
} from './step-draft.js';
import type { StepSagaDefinition } from './types.js';

const DEFAULT_RETRY = { initialDelayMs: 30_000, maxDelayMs: 600_000, multiplier: 2 };

/** The machine of a (checked) step saga definition. */
export function stepMachine<D>(definition: StepSagaDefinition<D>): SagaMachine {
  const steps = definition.steps.map(
    (step, index): CompiledStep<D> => ({
      step,
      index,
      completes: typeSet(step.completesOn, `step "${step.name}" completesOn`, true),
      fails: typeSet(step.failsOn, `step "${step.name}" failsOn`),
      compensatedOn: typeSet(step.compensatedOn, `step "${step.name}" compensatedOn`),
    }),
  );
  const compiled: CompiledSteps<D> = {
    definition,
    steps,
    byName: new Map(steps.map((s) => [s.step.name, s])),
    retry: { ...DEFAULT_RETRY, ...definition.compensationRetry },
  };
  const startTypes = typeSet(definition.startedBy, 'startedBy', true);
  const types = new Set(startTypes);
  for (const s of steps)
    for (const set of [s.completes, s.fails, s.compensatedOn]) for (const t of set) types.add(t);
  return { types, startTypes, decide: (input) => decide(compiled, input) };
}

function decide<D>(compiled: CompiledSteps<D>, input: MachineInput): Decision {
  const { record } = input;
  if (record === undefined) return start(compiled, input);
  const progress = record.steps ?? { completed: [], compensated: [], pending: [] };
  const draft = new StepDraft(compiled, input, {
    status: record.status,
    // The data is what `initialData`/`collect` returned earlier, read back from JSON.
    data: record.data as D,
    progress,
    ...(record.failure === undefined ? {} : { failure: record.failure }),
    compensationFailures: record.compensationFailures,
  });
  return input.deadline === undefined ? onEvent(draft) : onDeadline(draft, input.deadline);
}

function start<D>(compiled: CompiledSteps<D>, input: MachineInput): Decision {
  const { definition } = compiled;
  const data = definition.initialData === undefined ? emptyData<D>() : definition.initialData(input.event);
  const draft = new StepDraft(compiled, input, {
    status: 'running',
    data,
    progress: { completed: [], compensated: [], pending: [] },
    compensationFailures: 0,
  });
  draft.collect();
  if (definition.deadlineMs !== undefined) draft.setDeadline(SAGA_DEADLINE, definition.deadlineMs);
  const first = compiled.steps[0];
  if (first !== undefined) draft.startStep(first);
  return draft.decision(first === undefined ? 'started' : `started; ${first.step.name} invoked`);
}

function onEvent<D>(draft: StepDraft<D>): Decision {
  const type = draft.input.event.type;
  const p = draft.progress;
  const { byName, steps } = draft.compiled;
  if (draft.status === 'running') {
    const current = p.current === undefined ? undefined : byName.get(p.current);
    if (current === undefined) return ignored(draft, 'no step is in flight');
    const name = current.step.name;
    if (current.completes.has(type)) {
      draft.collect();
      draft.cancelDeadline(stepDeadline(name));
      p.completed.push(name);
      const next = steps[current.index + 1];
      if (next !== undefined) {
        draft.startStep(next);
        return draft.decision(`${name} completed; ${next.step.name} invoked`);
      }
      p.current = undefined;
      draft.status = 'completed';
      const { onCompleted } = draft.compiled.definition;
      if (onCompleted !== undefined) draft.publish(commandList(onCompleted(draft.context()), 'onCompleted'));
      return draft.decision(`${name} completed; saga completed`);
    }
    if (current.fails.has(type)) {
      draft.collect();
      p.failedStep = name;
      draft.beginCompensation(`step "${name}" failed (${type})`);
      return draft.decision(`${name} failed; ${compensationSummary(draft)}`);
    }
    return ignored(draft, `step "${name}" awaits ${[...current.completes, ...current.fails].join(', ')}`);
  }
  if (draft.status === 'compensating' && p.compensating !== undefined) {
    const name = p.compensating.step;
    if (byName.get(name)?.compensatedOn.has(type) === true) {
      draft.collect();
      draft.confirmCompensation(name);
      return draft.decision(`${name} compensated; ${compensationSummary(draft)}`);
    }
  }
  const late = p.failedStep === undefined ? undefined : byName.get(p.failedStep);
  if (
    (draft.status === 'compensating' || draft.status === 'compensated') &&
    late !== undefined &&
    late.completes.has(type) &&
    !p.completed.includes(late.step.name)
  ) {
    // The step that failed or timed out did take effect after all: undo it too, before the others.
    const name = late.step.name;
    draft.collect();
    p.completed.push(name);
    if (late.step.compensate === undefined) return draft.decision(`${name} completed late; nothing to undo`);
    p.pending.unshift(name);
    draft.status = 'compensating';
    draft.advanceCompensation();
    return draft.decision(`${name} completed late; ${compensationSummary(draft)}`);
  }
  const why =
    draft.status === 'compensating'
      ? `compensating "${p.compensating?.step ?? '?'}"`
      : `the saga is ${draft.status}`;
  return ignored(draft, why);
}

function onDeadline<D>(draft: StepDraft<D>, name: string): Decision {
  const p = draft.progress;
  const { definition } = draft.compiled;
  if (name === SAGA_DEADLINE && draft.status === 'running') {
    p.failedStep = p.current;
    draft.beginCompensation(
      `the saga did not complete within ${definition.deadlineMs} ms (step "${p.current ?? '?'}" in flight)`,
    );
    return draft.decision(`deadline passed; ${compensationSummary(draft)}`);
  }
  if (draft.status === 'running' && p.current !== undefined && name === stepDeadline(p.current)) {
    const step = p.current;
    const timeoutMs = draft.compiled.byName.get(step)?.step.timeoutMs;
    p.failedStep = step;
    draft.beginCompensation(`step "${step}" timed out after ${timeoutMs} ms`);
    return draft.decision(`${step} timed out; ${compensationSummary(draft)}`);
  }
  if (
    draft.status === 'compensating' &&
    p.compensating !== undefined &&
    name === compensationDeadline(p.compensating.step)
  ) {
    draft.retryCompensation();
    return draft.decision(`compensation retry; ${compensationSummary(draft)}`);
  }
  return ignored(draft, `deadline "${name}" no longer applies`);
}

function ignored<D>(draft: StepDraft<D>, why: string): Decision {
  return draft.decision(`ignored ${draft.input.event.type}: ${why}`);
}

function compensationSummary<D>(draft: StepDraft<D>): string {
  const waiting = draft.progress.compensating;
  if (draft.status === 'compensated') return 'compensation finished';
  return waiting === undefined ? 'compensating' : `compensating ${waiting.step}`;
}

/** The data of an instance whose saga has no `initialData`: an empty object, as documented. */
function emptyData<D>(): D {
  return {} as D;
}
