import type { Log } from '@tributary/core';
import { describe } from 'vitest';
import { appendFetchFeatures } from './append-fetch.js';
import { concurrencyFeatures } from './concurrency.js';
import { durabilityFeatures } from './durability.js';
import { errorFeatures } from './errors.js';
import { fetchLimitFeatures } from './fetch-limits.js';
import { useLogFixture } from './fixture.js';
import { groupFeatures } from './groups.js';
import type { LogHarnessFactory } from './harness.js';
import { longPollFeatures } from './long-poll.js';
import { offsetFeatures } from './offsets.js';
import { retentionFeatures } from './retention.js';
import { topicFeatures } from './topics.js';

/**
 * Registers the Log contract as `describe(name, …)`: every behaviour of the port
 * (`@tributary/core`'s `Log`) that an adapter must have. Call it from the adapter's test file:
 *
 * ```ts
 * import { testLog } from '@tributary/conformance';
 * testLog('memory log', () => ({ open: async () => createMemoryLog() }));
 * ```
 *
 * The factory runs once per test and must give a fresh, empty log. Durability tests run only when
 * the harness has `reopen`, retention tests only when it has `enforceRetention`; otherwise they are
 * reported as skipped.
 */
export function testLog<L extends Log>(name: string, factory: LogHarnessFactory<L>): void {
  describe(name, () => {
    const fx = useLogFixture(factory);
    topicFeatures(fx);
    appendFetchFeatures(fx);
    fetchLimitFeatures(fx);
    longPollFeatures(fx);
    offsetFeatures(fx);
    groupFeatures(fx);
    concurrencyFeatures(fx);
    errorFeatures(fx);
    retentionFeatures(fx);
    durabilityFeatures(fx);
  });
}
