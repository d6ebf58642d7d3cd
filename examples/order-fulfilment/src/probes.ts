// Probes of a running system, over the Log port only: consumer lag, dead letters, and whether the
// system is quiet (nothing left in the outbox, every group committed up to the end of its topics,
// projections caught up), so the check compares settled state, not a system caught mid-flight.
import { type Bus, type DeadLetter, DeadLetters } from '@tributary/core';
import type { System } from './system.js';

/** Topics each consumer group reads, by group. */
export type GroupTopics = Readonly<Record<string, readonly string[]>>;

/** Records between each group's committed offsets and the end of its topics, summed. */
export async function groupLag(bus: Bus, groups: GroupTopics): Promise<number> {
  let lag = 0n;
  for (const [group, topics] of Object.entries(groups)) {
    const committed = new Map(
      (await bus.log.fetchOffsets(group)).map((c) => [`${c.topic}/${c.partition}`, c.offset]),
    );
    for (const topic of topics) {
      const { partitions } = await bus.log.describeTopic(topic);
      for (const { partition, earliestOffset } of partitions) {
        const end = await bus.log.latestOffset(topic, partition);
        const at = committed.get(`${topic}/${partition}`) ?? earliestOffset;
        if (end > at) lag += end - at;
      }
    }
  }
  return Number(lag);
}

/** The pending dead letters of every group. */
export async function deadLettersOf(bus: Bus, groups: GroupTopics): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const group of Object.keys(groups)) letters.push(...(await new DeadLetters(bus.log, group).list()));
  return letters;
}

/**
 * Resolves once the system is quiet (see above); rejects with an error naming what is still busy
 * after `timeoutMs`.
 */
export async function waitUntilQuiet(system: System, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const settled = async () =>
    (await system.store.outbox.countPending()) === 0 && (await groupLag(system.bus, system.groups)) === 0;
  let busy = '';
  while (Date.now() < deadline) {
    if (await settled()) {
      const timeoutMs = Math.max(1, deadline - Date.now());
      await Promise.all(system.projections.map((p) => p.whenCaughtUp({ timeoutMs })));
      // Catching up may have been the last thing going on: quiet if nothing moved meanwhile.
      if (await settled()) return;
    }
    const pending = await system.store.outbox.countPending();
    const lag = await groupLag(system.bus, system.groups);
    busy = `${pending} outbox entries pending, ${lag} records not yet consumed`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The system did not quieten down within ${timeoutMs} ms: ${busy}.`);
}
