import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Job, Queue, Worker } from 'bullmq';
import { orderJson, orderSchema } from '../events.js';
import { connectOrSkip, durabilityNote, redisUrl } from './redis.js';
import { type BenchSystem, type SystemSession, SystemUnavailable } from './types.js';

/** Jobs in a queue carry the peers' CloudEvents envelope; `data` is the order. */
interface Envelope {
  readonly data: unknown;
}

/**
 * The docs' concurrency example (docs.bullmq.io/guide/workers/concurrency): one worker running
 * up to 50 async jobs at once; with a no-op processor the time goes to Redis round trips, which
 * concurrency overlaps.
 */
export const CONCURRENCY = 50;

/** Retries as the issue asks (on), with the same small backoff as Tributary's rows. */
const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1 },
  // docs.bullmq.io "Auto-removal of jobs": production queues drop finished jobs, or Redis fills up.
  removeOnComplete: true,
} as const;

const connection = { url: redisUrl, maxRetriesPerRequest: null };
let queues = 0;

async function loadBullmq() {
  try {
    return await import('bullmq');
  } catch (err) {
    throw new SystemUnavailable(`bullmq not usable: ${(err as Error).message}`);
  }
}

/** The installed bullmq's version, from its package.json (its `exports` do not expose the file). */
function bullmqVersion(): string | undefined {
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve('bullmq'));
    for (let up = 0; up < 4; up++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const pkg: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (
        typeof pkg === 'object' &&
        pkg !== null &&
        'name' in pkg &&
        pkg.name === 'bullmq' &&
        'version' in pkg
      )
        return String(pkg.version);
    }
  } catch {
    // the version is informative only
  }
  return undefined;
}

/**
 * BullMQ on the local Redis (`TRIB_BENCH_REDIS_URL`), the library Node users pick for retries:
 * events are jobs of a fresh queue (added with `addBulk`), handled by one Worker. Only in
 * `consumer.process`: it is a job queue, not a log, so the log suites have no row for it.
 */
export const bullmq: BenchSystem = {
  name: 'bullmq',
  suites: ['consumer.process'],
  async open(): Promise<SystemSession> {
    const { Queue, Worker } = await loadBullmq();
    // Probe first: BullMQ itself retries an unreachable Redis forever.
    const probe = await connectOrSkip();
    let redisVersion: string | undefined;
    let note: string;
    try {
      redisVersion = /redis_version:(\S+)/.exec(await probe.info('server'))?.[1];
      note = await durabilityNote(probe);
    } finally {
      probe.disconnect();
    }
    const name = `bench-${process.pid}-${++queues}`;
    const queue: Queue<Envelope> = new Queue<Envelope>(name, { connection, defaultJobOptions: JOB_OPTIONS });
    await queue.obliterate({ force: true }); // a queue left by a crashed run
    let worker: Worker<Envelope> | undefined;
    const version = [`bullmq ${bullmqVersion() ?? '?'}`, redisVersion && `redis ${redisVersion}`]
      .filter(Boolean)
      .join(', ');
    return {
      version,
      note,
      async publishBatch(gen, size) {
        // The envelope as an object: BullMQ serializes it back to the same JSON for Redis.
        const jobs = new Array<{ name: string; data: Envelope }>(size);
        for (let i = 0; i < size; i++)
          jobs[i] = { name: 'order.placed', data: JSON.parse(orderJson(gen.next())) };
        await queue.addBulk(jobs);
      },
      async process({ mode, failEvery, onHandled }) {
        if (mode !== 'at-least-once') throw new Error(`BullMQ has no ${mode} mode`);
        // Validation stands in for what Tributary's subscription does before its handler runs.
        const processor = async (job: Job<Envelope>): Promise<void> => {
          orderSchema.parse(job.data.data);
          // Auto job ids count from 1 in a fresh queue: every failEvery-th job fails once.
          if (failEvery > 0 && job.attemptsMade === 0 && Number(job.id) % failEvery === 0) {
            throw new Error('fails once');
          }
        };
        worker = new Worker<Envelope>(name, processor, { connection, concurrency: CONCURRENCY });
        worker.on('completed', () => onHandled()); // the job is acknowledged (moved to completed)
        worker.on('error', () => undefined); // a worker that stops making progress ends at the row's time cap
        await worker.waitUntilReady();
        const fail = failEvery > 0 ? `1 in ${failEvery} fails once; ` : '';
        return `1 Worker, concurrency ${CONCURRENCY} (the docs' example), processor validates the data, counted on 'completed'; ${fail}attempts 3, backoff exponential 1 ms, removeOnComplete`;
      },
      async close() {
        await worker?.close();
        await queue.obliterate({ force: true });
        await queue.close();
      },
    };
  },
};
