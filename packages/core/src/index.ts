// Public API of @tributary/core. Curated: add named exports only.

export type {
  Aggregate,
  AggregateOptions,
  CommandResult,
  Decider,
  DeciderSpecificationThen,
  DeciderSpecificationWhen,
  ErrorMatcher,
  ExpectedEvent,
  HandleCommandOptions,
  LoadAggregateOptions,
  LoadedAggregate,
  SnapshotCodec,
  SnapshotErrorContext,
} from './aggregates/index.js';
export { DeciderSpecification, defineAggregate, handleCommand, loadAggregate } from './aggregates/index.js';
export type {
  Assignment,
  Assignor,
  AssignorMember,
  AssignorName,
  TopicPartition,
} from './bus/assignors/index.js';
export { rangeAssignor, roundRobinAssignor, stickyAssignor } from './bus/assignors/index.js';
export type { Bus, BusOptions } from './bus/bus.js';
export { createBus } from './bus/bus.js';
export type { Consumer } from './bus/consumer.js';
export type { GroupSnapshot, MemberSnapshot } from './bus/group-state.js';
export type {
  BatchContext,
  BatchEntry,
  ConsumerErrorContext,
  ConsumerOptions,
  EachEvent,
  EachRecord,
  EachRecordBatch,
  EventContext,
  PublishBatchOptions,
  PublishOptions,
  PublishResult,
  RunOptions,
  StartFrom,
} from './bus/types.js';
export type { ConnectTarget, ServerUrl } from './connect/connect.js';
export { connect, connectRemote } from './connect/connect.js';
export type { DeadLetter, DeadLetterFilter, FailureInfo } from './dead-letters/dead-letters.js';
export { DeadLetters } from './dead-letters/dead-letters.js';
export type { DeadLetterHeaderName } from './dead-letters/headers.js';
export { DLQ_HEADERS } from './dead-letters/headers.js';
export { deadLetterStatusTopic, deadLetterTopic } from './dead-letters/topic-names.js';
export { eventTypeOf, fromLogRecord, toLogRecord } from './envelope/kafka-binary-codec.js';
export {
  CLOUDEVENTS_JSON_CONTENT_TYPE,
  fromStructuredJson,
  toStructuredJson,
} from './envelope/structured-json-codec.js';
export type { CloudEvent } from './envelope/types.js';
export type { ErrorCode, FieldIssue, TributaryErrorOptions } from './errors/errors.js';
export {
  ConcurrencyError,
  ErrorCodes,
  EventStoreError,
  GroupError,
  isTributaryError,
  LogError,
  StorageError,
  TributaryError,
  ValidationError,
} from './errors/errors.js';
export { streamCategory } from './event-store/stream-names.js';
export type { UpcastFn } from './event-store/upcasters.js';
export { Upcasters } from './event-store/upcasters.js';
export { defineEvent } from './events/define-event.js';
export { definitionOf } from './events/definition-of.js';
export { EventRegistry } from './events/event-registry.js';
export type {
  AnyEventDefinition,
  CreateEventOptions,
  DataOf,
  DeepReadonly,
  DefineEventOptions,
  EventDefinition,
  EventOf,
} from './events/types.js';
export { uuidv7 } from './events/uuid-v7.js';
export { createMemoryDedupeStore } from './memory/memory-dedupe.js';
export { createMemoryEventStore } from './memory/memory-event-store.js';
export type { MemoryLog, MemoryLogOptions } from './memory/memory-log.js';
export { createMemoryLog } from './memory/memory-log.js';
export type { MemoryMetrics } from './metrics/memory-metrics.js';
export { createMemoryMetrics } from './metrics/memory-metrics.js';
export { noopMetrics } from './metrics/noop-metrics.js';
export type {
  OutboxRelay,
  OutboxRelayOptions,
  OutboxRelayState,
  OutboxRelayStatus,
} from './outbox/index.js';
export { OUTBOX_RELAY_LEASE, OutboxRelayError, startOutboxRelay } from './outbox/index.js';
export { murmur2, partitionForKey, toPositive } from './partitioning/murmur2.js';
export type { DedupeOptions, DedupeStore } from './ports/dedupe.js';
export { DEFAULT_DEDUPE_OPTIONS } from './ports/dedupe.js';
export type {
  AppendOptions,
  AppendResult as StoreAppendResult,
  CheckpointStore,
  DeleteStreamOptions,
  EventStore,
  EventStoreOptions,
  EventStoreTransaction,
  EventUpcaster,
  ExpectedVersion,
  InlineProjection,
  LeaseGrant,
  MultiAppendOptions,
  OutboxEntry,
  OutboxStore,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Snapshot,
  StreamAppend,
  StreamInfo,
  StreamMetadata,
  TenantOption,
} from './ports/event-store.js';
export { DEFAULT_TENANT } from './ports/event-store.js';
export type { ExactlyOnceKey, ExactlyOnceStore } from './ports/exactly-once.js';
export type {
  AppendResult,
  CommittedOffset,
  FetchOptions,
  FetchResult,
  FsyncPolicy,
  Log,
  LogFactory,
  LogRecord,
  LogRecordInput,
  PartitionInfo,
  RecordHeader,
  TopicConfig,
  TopicDescription,
} from './ports/log.js';
export { DEFAULT_TOPIC_CONFIG } from './ports/log.js';
export type { Counter, Gauge, Histogram, Labels, Metrics } from './ports/metrics.js';
export type {
  DeadLetterSink,
  ProgressReport,
  ProjectionContext,
  ProjectionDefinition,
  ProjectionErrorPolicy,
  ProjectionInput,
  ProjectionRunner,
  ProjectionState,
  ProjectionStatus,
  RebuildOptions,
  ReplayOptions,
  ReplaySelection,
  ReplayTarget,
  StartProjectionOptions,
} from './projections/index.js';
export {
  activeProjectionVersion,
  defineProjection,
  ProjectionError,
  rebuildProjection,
  replayEvents,
  startProjection,
} from './projections/index.js';
export type { CircuitBreakerOptions, CircuitState } from './reliability/circuit-breaker.js';
export { CircuitBreaker } from './reliability/circuit-breaker.js';
export type { FailureDescription } from './reliability/errors.js';
export { describeFailure, isPermanentFailure, PermanentError } from './reliability/errors.js';
export type { ScheduledTask } from './reliability/keyed-scheduler.js';
export { KeyedScheduler } from './reliability/keyed-scheduler.js';
export type { RetryOptions, RetryPolicy } from './reliability/retry-policy.js';
export { backoffDelay, resolveRetryPolicy } from './reliability/retry-policy.js';
// The remote client's types (its code loads on demand, via connect('http://…') / connectRemote).
export type { RemoteError } from './remote/http-client.js';
export type { RemoteBus } from './remote/remote-bus.js';
export type { RemoteConsumer } from './remote/remote-consumer.js';
export type {
  RemoteConsumerErrorContext,
  RemoteConsumerOptions,
  RemoteEachEvent,
  RemoteEventContext,
  RemoteOptions,
  RemoteSubscribeOptions,
} from './remote/types.js';
export { Requester } from './request-reply/requester.js';
export { sendReply } from './request-reply/send-reply.js';
export type { RequesterOptions, RequestOptions, RequestReplyBus } from './request-reply/types.js';
export { DEFAULT_REPLY_TOPIC, REPLY_TO_EXTENSION } from './request-reply/types.js';
export type {
  CompensationContext,
  CompensationRetryOptions,
  EventTypes,
  ReactBaseOptions,
  Reaction,
  ReactToDefinitions,
  ReactToTypes,
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
} from './sagas/index.js';
export {
  defineSaga,
  deterministicId,
  react,
  SagaDeadline,
  SagaDeadlineRequested,
  SagaTransitioned,
  sagaDeadlineTopic,
  startSaga,
} from './sagas/index.js';
export { retryTopic } from './subscribe/retry-topics.js';
export type { ShutdownOptions, Stoppable } from './subscribe/signals.js';
export { shutdownOnSignals } from './subscribe/signals.js';
export type {
  BatchResult,
  Delivery,
  SubscribeOptions,
  Subscription,
  SubscriptionBatchContext,
  SubscriptionBatchHandler,
  SubscriptionContext,
  SubscriptionHandler,
} from './subscribe/types.js';
export type {
  DeliverAt,
  ScheduledEvent,
  ScheduledFilter,
  ScheduleOptions,
  TimerErrorContext,
} from './timers/index.js';
export { TIMER_HEADERS, TIMERS_GROUP, TIMERS_TOPIC } from './timers/index.js';
export { formatTraceparent, parseTraceparent, TRACER_NAME } from './tracing/index.js';
