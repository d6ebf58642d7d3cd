import { emmettPostgresql } from './emmett.js';
import { pgPlain } from './pg-plain.js';
import { tributaryPostgres, tributarySqlite } from './tributary.js';
import type { StoreSystem } from './types.js';

/** Every event-store system, in table order: Tributary's adapters, then the PostgreSQL peers. */
export const STORE_SYSTEMS: readonly StoreSystem[] = [
  tributarySqlite,
  tributaryPostgres,
  pgPlain,
  emmettPostgresql,
];
