// The SQLite event store's public entry points.
export type { SqliteEventStore, SqliteEventStoreOptions } from './sqlite-event-store.js';
export { openSqliteEventStore } from './sqlite-event-store.js';
