import { invalidArgument } from '../errors/errors.js';
import type { EventStore } from '../ports/event-store.js';
import { activeVersionName, checkProjectionName, checkProjectionVersion } from './names.js';

/**
 * The version of projection `name` that serves reads, as recorded by the last `rebuildProjection`
 * that caught up; `undefined` when no rebuild ever finished (the version you started is the one).
 * Read it at startup to pick the read-model tables to query (`orders_v${version}`). Stored in the
 * store's checkpoints under the reserved name `$projection-active-version:<name>`.
 */
export async function activeProjectionVersion(store: EventStore, name: string): Promise<number | undefined> {
  checkProjectionName(name, 'activeProjectionVersion');
  const stored = await store.checkpoints.get(activeVersionName(name));
  return stored === undefined ? undefined : Number(stored);
}

/**
 * Records `version` as the active version of `name`, unless a higher one is already recorded
 * (then it throws: a newer rebuild won). Compare-and-set, so two rebuilds finishing at once agree.
 */
export async function recordActiveVersion(store: EventStore, name: string, version: number): Promise<void> {
  checkProjectionVersion(version, 'recordActiveVersion');
  const key = activeVersionName(name);
  for (;;) {
    const current = await store.checkpoints.get(key);
    if (current !== undefined && current > BigInt(version))
      throw invalidArgument(
        `Projection "${name}" v${version} cannot become active: v${current} already is. Rebuild to a version above ${current}.`,
      );
    if (current === BigInt(version)) return;
    if (await store.checkpoints.compareAndSet(key, current, BigInt(version))) return;
  }
}
