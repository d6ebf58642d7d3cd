// Audit service: every event on every topic of the system, appended to a JSON Lines file
// (`audit.jsonl` in the data directory), one CloudEvent per line with the topic it was read from.
import { appendFile, readFile } from 'node:fs/promises';
import { type Subscription, toStructuredJson } from '@tributary/core';
import { ALL_TOPICS } from '../events.js';
import type { ServiceEnv } from './service-kit.js';

/** One line of the audit log. */
export interface AuditEntry {
  readonly topic: string;
  readonly id: string;
  readonly type: string;
  /** The event as CloudEvents structured JSON. */
  readonly event: unknown;
}

/** Starts the audit service (consumer group `audit`), writing to `path`. */
export function startAuditService(env: ServiceEnv, path: string): Promise<Subscription> {
  return env.bus.subscribe({
    group: 'audit',
    topics: ALL_TOPICS,
    from: 'earliest',
    dedupe: env.dedupe,
    retry: env.retry,
    metrics: env.metrics,
    commitIntervalMs: 200,
    // One write per fetched batch. At least once: after a crash a batch may be written twice;
    // readers key entries by event id.
    batchHandler: async (events, ctx) => {
      const lines = events.map((event) =>
        JSON.stringify({
          topic: ctx.topic,
          id: event.id,
          type: event.type,
          event: JSON.parse(toStructuredJson(event)),
        }),
      );
      await appendFile(path, `${lines.join('\n')}\n`);
    },
  });
}

/** The audit log's entries; a missing file reads as none. */
export async function readAuditLog(path: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as AuditEntry);
}
