// Public API of @tributary/conformance: contract suites that every adapter of a port must pass.

export type { DedupeHarness, DedupeHarnessFactory } from './dedupe/harness.js';
export { testDedupeStore } from './dedupe/test-dedupe-store.js';
export type { EventStoreHarness, EventStoreHarnessFactory } from './event-store/harness.js';
export { testEventStore } from './event-store/test-event-store.js';
export type { LogHarness, LogHarnessFactory } from './log/harness.js';
export { testLog } from './log/test-log.js';
export { testOutbox } from './outbox/test-outbox.js';
