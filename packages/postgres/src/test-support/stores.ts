// Stores and events for the integration tests: each test's stores live in a schema of their own.
import { type CloudEvent, uuidv7 } from '@tributary/core';
import { afterEach } from 'vitest';
import { openPostgresEventStore } from '../index.js';
import type { PostgresEventStore, PostgresEventStoreOptions } from '../options.js';
import { dropSchema, PG_URL, uniqueSchema } from './pg.js';

/** An event of `type` with a fresh UUID v7 id. */
export function event(type = 'account.credited', data: unknown = { amount: 1 }): CloudEvent {
  return { specversion: '1.0', id: uuidv7(), source: 'tests', type, time: new Date().toISOString(), data };
}

/** `count` fresh events. */
export const events = (count: number, type?: string): CloudEvent[] =>
  Array.from({ length: count }, () => event(type));

/**
 * Registers an `afterEach` that closes the stores opened through the returned function and drops
 * their schemas. Every call opens its own store (its own pool) on the test's schema, unless
 * `schema` is given.
 */
export function useStores(): {
  open(options?: Partial<PostgresEventStoreOptions>): Promise<PostgresEventStore>;
  /** The current test's schema (a new one per test). */
  schema(): string;
} {
  let stores: PostgresEventStore[] = [];
  let schemas = new Set<string>();
  let current: string | undefined;
  afterEach(async () => {
    const [opened, dropped] = [stores, schemas];
    stores = [];
    schemas = new Set();
    current = undefined;
    await Promise.all(opened.map((s) => s.close()));
    for (const schema of dropped) await dropSchema(schema);
  });
  const schema = () => {
    current ??= uniqueSchema('trib_it');
    schemas.add(current);
    return current;
  };
  return {
    schema,
    async open(options = {}) {
      const name = options.schema ?? schema();
      schemas.add(name);
      const store = await openPostgresEventStore({
        connectionString: PG_URL,
        poolSize: 4,
        ...options,
        schema: name,
      });
      stores.push(store);
      return store;
    },
  };
}
