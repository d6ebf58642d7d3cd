import type { DedupeOptions, DedupeStore } from '@tributary/core';
import { type StoreFixture, useStoreFixture } from '../store-fixture.js';
import type { DedupeHarness, DedupeHarnessFactory } from './harness.js';

/** The harness of the current test, and the stores opened through it (closed after the test). */
export type DedupeFixture = StoreFixture<DedupeStore, DedupeOptions, DedupeHarness>;

/** Registers hooks that give every test a fresh harness from `factory`, cleaned up afterwards. */
export function useDedupeFixture(factory: DedupeHarnessFactory): DedupeFixture {
  return useStoreFixture(factory, 'dedupe');
}
