// Public API of @tributary/postgres: PostgreSQL adapters.

export type { PgTx, PostgresEventStore, PostgresEventStoreOptions } from './options.js';
export { openPostgresEventStore } from './postgres-event-store.js';
