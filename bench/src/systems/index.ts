import { bullmq } from './bullmq.js';
import { disk } from './disk.js';
import { nats } from './nats.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import { sqlite } from './sqlite.js';
import { tributary } from './tributary.js';
import type { BenchSystem } from './types.js';

/** Every system, in table order: Tributary first, the physical ceiling, then peers of one suite. */
export const SYSTEMS: readonly BenchSystem[] = [tributary, nats, redis, sqlite, postgres, disk, bullmq];
