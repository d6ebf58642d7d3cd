// Sagas and process managers (orchestration), and choreography helpers.

export { defineSaga, sagaDeadlineTopic } from './define-saga.js';
export { deterministicId } from './deterministic-id.js';
export type { ReactBaseOptions, Reaction, ReactToDefinitions, ReactToTypes } from './react.js';
export { react } from './react.js';
export { SagaDeadline, SagaDeadlineRequested, SagaTransitioned } from './record.js';
export { startSaga } from './start-saga.js';
export type {
  CompensationContext,
  CompensationRetryOptions,
  EventTypes,
  Saga,
  SagaApplyOutcome,
  SagaBaseDefinition,
  SagaCommands,
  SagaContext,
  SagaDefinition,
  SagaHistoryEntry,
  SagaInstance,
  SagaRunner,
  SagaRunnerStatus,
  SagaStatus,
  SagaStep,
  SagaTransition,
  StartSagaOptions,
  StateMachineContext,
  StateMachineSagaDefinition,
  StepSagaDefinition,
} from './types.js';
