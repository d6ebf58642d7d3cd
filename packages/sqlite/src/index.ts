// Public API of @tributary/sqlite: embedded SQLite adapters. Curated: add named exports only.

export type { SqliteEventStore, SqliteEventStoreOptions } from './event-store/index.js';
export { openSqliteEventStore } from './event-store/index.js';
export type { ApplyResult, SqliteExactlyOnceKey } from './exactly-once.js';
export { SqliteExactlyOnce } from './exactly-once.js';
export { openSqliteDedupeStore } from './sqlite-dedupe.js';
export type { SqliteTx } from './sqlite-tx.js';
