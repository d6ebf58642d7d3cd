import { invalidArgument } from '../errors/errors.js';
import { validateGroupName, validateTopicName } from '../topics/topic-config.js';
import { typeSet } from './event-types.js';
import type {
  Saga,
  SagaBaseDefinition,
  SagaDefinition,
  StateMachineSagaDefinition,
  StepSagaDefinition,
} from './types.js';

/** The topic a saga's deadlines are delivered on. */
export function sagaDeadlineTopic(name: string): string {
  return `${name}.deadlines`;
}

/**
 * Defines a saga, orchestrated by steps or as a state machine (process manager):
 *
 * ```ts
 * const OrderSaga = defineSaga({
 *   name: 'fulfilment',
 *   topics: ['orders', 'payments'],
 *   startedBy: OrderCreated,
 *   instanceId: (event) => event.correlationid ?? event.id,
 *   steps: [{
 *     name: 'payment',
 *     invoke: (ctx) => ProcessPayment.create({ … }, { causedBy: ctx.event }),
 *     completesOn: PaymentProcessed,
 *     failsOn: PaymentFailed,
 *     compensate: (ctx) => RefundPayment.create({ … }, { causedBy: ctx.event }),
 *   }],
 * });
 * ```
 *
 * A step saga publishes each step's command(s) and waits for its completion or failure; a failure,
 * a step timeout or the saga deadline compensates the completed steps in reverse order. A state
 * machine gets `handle(state, event, ctx)` and returns the new state, commands and deadlines.
 * Run it with `startSaga`.
 *
 * @throws ValidationError `INVALID_ARGUMENT` naming what is wrong; `LogError` `INVALID_TOPIC_NAME`
 *   for a bad topic (or a name that makes a bad deadline topic).
 */
export function defineSaga<D = Record<string, unknown>>(definition: StepSagaDefinition<D>): Saga<D>;
export function defineSaga<S>(definition: StateMachineSagaDefinition<S>): Saga<S>;
export function defineSaga<D>(definition: SagaDefinition<D>): Saga<D> {
  if (typeof definition !== 'object' || definition === null)
    throw invalidArgument('defineSaga expects { name, topics, startedBy, instanceId, steps | handle }.');
  checkBase(definition);
  const hasSteps = definition.steps !== undefined;
  const hasHandle = definition.handle !== undefined;
  if (hasSteps === hasHandle)
    throw invalidArgument(
      `Saga "${definition.name}" needs exactly one of steps (orchestration) and handle (state machine).`,
    );
  if (definition.steps !== undefined) checkSteps(definition);
  else checkStateMachine(definition);
  return Object.freeze({
    name: definition.name,
    kind: hasSteps ? 'steps' : 'state-machine',
    deadlineTopic: sagaDeadlineTopic(definition.name),
    definition,
  });
}

function checkBase(definition: SagaBaseDefinition): void {
  const { name, topics, instanceId, commandTopic } = definition;
  validateGroupName(name);
  validateTopicName(sagaDeadlineTopic(name));
  // Instances live in streams `<name>-<id>`, whose category is the part before the first `-`.
  if (name.includes('-'))
    throw invalidArgument(
      `Saga name "${name}" contains "-": its instance streams "${name}-<id>" would fall in stream category "${name.slice(0, name.indexOf('-'))}". Use "." or "_" instead (e.g. "${name.replaceAll('-', '_')}").`,
    );
  const where = `Saga "${name}"`;
  if (!Array.isArray(topics) || topics.length === 0)
    throw invalidArgument(`${where}: topics must be a non-empty array of the topics it consumes.`);
  for (const topic of topics) validateTopicName(topic);
  typeSet(definition.startedBy, `${where}: startedBy`, true);
  if (typeof instanceId !== 'function')
    throw invalidArgument(
      `${where}: instanceId must be a function (event) => string | undefined, e.g. (e) => e.correlationid ?? e.id.`,
    );
  if (commandTopic !== undefined && typeof commandTopic !== 'function')
    throw invalidArgument(`${where}: commandTopic must be a function (command) => topic | undefined.`);
}

function checkSteps<D>(definition: StepSagaDefinition<D>): void {
  const where = `Saga "${definition.name}"`;
  const { steps, deadlineMs, compensationRetry } = definition;
  if (!Array.isArray(steps) || steps.length === 0)
    throw invalidArgument(`${where}: steps must be a non-empty array of { name, invoke, completesOn, … }.`);
  checkDuration(deadlineMs, `${where}: deadlineMs`);
  const names = new Set<string>();
  for (const [i, step] of steps.entries()) {
    if (typeof step !== 'object' || step === null || typeof step.name !== 'string' || step.name.length === 0)
      throw invalidArgument(`${where}: steps[${i}] needs a non-empty name.`);
    const at = `${where}, step "${step.name}"`;
    if (names.has(step.name)) throw invalidArgument(`${where}: two steps are named "${step.name}".`);
    names.add(step.name);
    if (typeof step.invoke !== 'function')
      throw invalidArgument(`${at}: invoke must be a function (ctx) => command(s).`);
    const completes = typeSet(step.completesOn, `${at}: completesOn`, true);
    for (const type of typeSet(step.failsOn, `${at}: failsOn`))
      if (completes.has(type)) throw invalidArgument(`${at}: "${type}" is both in completesOn and failsOn.`);
    if (step.compensate !== undefined && typeof step.compensate !== 'function')
      throw invalidArgument(`${at}: compensate must be a function (ctx) => command(s).`);
    if (step.compensatedOn !== undefined && step.compensate === undefined)
      throw invalidArgument(`${at}: compensatedOn needs a compensate function.`);
    typeSet(step.compensatedOn, `${at}: compensatedOn`);
    checkDuration(step.timeoutMs, `${at}: timeoutMs`);
  }
  for (const key of ['initialData', 'collect', 'onCompleted', 'onCompensated'] as const) {
    const value = definition[key];
    if (value !== undefined && typeof value !== 'function')
      throw invalidArgument(`${where}: ${key} must be a function.`);
  }
  if (compensationRetry !== undefined) {
    if (typeof compensationRetry !== 'object' || compensationRetry === null)
      throw invalidArgument(
        `${where}: compensationRetry must be { initialDelayMs, maxDelayMs, multiplier }.`,
      );
    checkDuration(compensationRetry.initialDelayMs, `${where}: compensationRetry.initialDelayMs`);
    checkDuration(compensationRetry.maxDelayMs, `${where}: compensationRetry.maxDelayMs`);
    const { multiplier } = compensationRetry;
    if (
      multiplier !== undefined &&
      (typeof multiplier !== 'number' || !(multiplier >= 1 && multiplier <= 100))
    )
      throw invalidArgument(`${where}: compensationRetry.multiplier must be a number from 1 to 100.`);
  }
}

function checkStateMachine<S>(definition: StateMachineSagaDefinition<S>): void {
  const where = `Saga "${definition.name}"`;
  if (typeof definition.handle !== 'function')
    throw invalidArgument(`${where}: handle must be a function (state, event, ctx) => { state, … }.`);
  if (typeof definition.initialState !== 'function')
    throw invalidArgument(`${where}: initialState must be a function returning the state of a new instance.`);
  typeSet(definition.handles, `${where}: handles`);
}

function checkDuration(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 8.64e15)
    throw invalidArgument(`${where} must be a positive number of milliseconds; got ${String(value)}.`);
}
