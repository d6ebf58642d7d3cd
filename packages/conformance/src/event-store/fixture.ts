import type { EventStore, EventStoreOptions } from '@tributary/core';
import { type StoreFixture, useStoreFixture } from '../store-fixture.js';
import type { EventStoreHarness, EventStoreHarnessFactory } from './harness.js';

/** The harness of the current test, and the stores opened through it (closed after the test). */
export type EventStoreFixture = StoreFixture<EventStore, EventStoreOptions<unknown>, EventStoreHarness>;

/** Registers hooks that give every test a fresh harness from `factory`, cleaned up afterwards. */
export function useEventStoreFixture(factory: EventStoreHarnessFactory): EventStoreFixture {
  return useStoreFixture(factory, 'event store');
}
