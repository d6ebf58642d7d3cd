// Process managers: the user's `handle(state, event, ctx)` decides everything.
import { invalidArgument } from '../errors/errors.js';
import { typeSet } from './event-types.js';
import { commandList, type Decision, type MachineInput, type SagaMachine } from './machine.js';
import { FINAL_STATUSES } from './record.js';
import type { SagaTransition, StateMachineSagaDefinition } from './types.js';

const RESULT_STATUSES: ReadonlySet<string> = new Set(['running', 'completed', 'failed']);

/** The machine of a (checked) state-machine saga definition. */
export function stateMachine<S>(definition: StateMachineSagaDefinition<S>): SagaMachine {
  const startTypes = typeSet(definition.startedBy, 'startedBy', true);
  const handles = definition.handles === undefined ? undefined : typeSet(definition.handles, 'handles');
  const types = handles === undefined ? undefined : new Set([...startTypes, ...handles]);
  return { types, startTypes, decide: (input) => decide(definition, input) };
}

function decide<S>(definition: StateMachineSagaDefinition<S>, input: MachineInput): Decision | undefined {
  const { record, event, deadline, instanceId, tenant, now } = input;
  // A finished process manager handles nothing more.
  if (record !== undefined && FINAL_STATUSES.has(record.status)) return undefined;
  // The state is what `initialState`/`handle` returned earlier, read back from JSON.
  const state = record === undefined ? definition.initialState(event) : (record.data as S);
  const ctx = { instanceId, tenant, now: new Date(now), ...(deadline === undefined ? {} : { deadline }) };
  const result = definition.handle(state, event, ctx);
  if (result === undefined) return undefined;
  checkResult(result, definition.name);
  const status = result.status ?? 'running';
  const label =
    result.transition ??
    (record === undefined ? 'started' : deadline === undefined ? event.type : `deadline ${deadline}`);
  return {
    transition: label,
    status,
    data: result.state,
    commands: commandList(result.commands, `saga "${definition.name}" handle: commands`),
    setDeadlines: (result.deadlines ?? []).map(({ name, at }) => ({ name, at: at.getTime() })),
    cancelDeadlines: result.cancelDeadlines ?? [],
    ...(record?.failure === undefined ? {} : { failure: record.failure }),
    ...(status === 'failed' && record?.failure === undefined ? { failure: label } : {}),
    compensationFailures: record?.compensationFailures ?? 0,
  };
}

function checkResult<S>(result: SagaTransition<S>, saga: string): void {
  const where = `saga "${saga}" handle`;
  if (typeof result !== 'object' || result === null || !('state' in result))
    throw invalidArgument(`${where} must return { state, commands?, deadlines?, … } or undefined.`);
  if (result.status !== undefined && !RESULT_STATUSES.has(result.status))
    throw invalidArgument(
      `${where} returned status ${JSON.stringify(result.status)}: use 'running', 'completed' or 'failed'.`,
    );
  for (const d of result.deadlines ?? []) {
    if (
      typeof d?.name !== 'string' ||
      d.name.length === 0 ||
      !(d.at instanceof Date) ||
      Number.isNaN(d.at.getTime())
    )
      throw invalidArgument(`${where} returned a bad deadline: expected { name: string, at: Date }.`);
  }
  for (const name of result.cancelDeadlines ?? [])
    if (typeof name !== 'string') throw invalidArgument(`${where}: cancelDeadlines must be deadline names.`);
}
