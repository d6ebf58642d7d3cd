/**
 * Log statistics gathered when Prometheus scrapes: bytes and records retained per topic, and the
 * lag of every group's committed offsets. Read from the Log port, so they cost nothing between
 * scrapes and cover every consumer (in-process subscriptions and HTTP consumers alike).
 */
import type { Log } from '@tributary/core';

/** One scrape's view of the logs. */
export interface LogSnapshot {
  readonly topics: readonly { topic: string; sizeBytes: number; records: number }[];
  readonly lag: readonly { group: string; topic: string; partition: number; lag: number }[];
}

/** Reads sizes, retained records and committed lag from `logs`. */
export async function snapshotLogs(logs: Iterable<Log>): Promise<LogSnapshot> {
  const topics: LogSnapshot['topics'][number][] = [];
  const lag: LogSnapshot['lag'][number][] = [];
  for (const log of logs) {
    const described = await log.listTopics();
    const ends = new Map<string, bigint>();
    for (const topic of described) {
      let sizeBytes = 0;
      let records = 0n;
      for (const p of topic.partitions) {
        sizeBytes += p.sizeBytes;
        records += p.latestOffset - p.earliestOffset;
        ends.set(`${topic.name}\u0000${p.partition}`, p.latestOffset);
      }
      topics.push({ topic: topic.name, sizeBytes, records: Number(records) });
    }
    for (const group of await log.listGroups()) {
      for (const committed of await log.fetchOffsets(group)) {
        const end = ends.get(`${committed.topic}\u0000${committed.partition}`);
        if (end === undefined) continue; // the topic was deleted since
        const behind = end > committed.offset ? end - committed.offset : 0n;
        lag.push({ group, topic: committed.topic, partition: committed.partition, lag: Number(behind) });
      }
    }
  }
  return { topics, lag };
}
