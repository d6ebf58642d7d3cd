import type { EventStoreHarnessFactory } from '@tributary/conformance';
import { testEventStore, testOutbox } from '@tributary/conformance';
import { tempDb } from '../test-support/temp-db.js';
import { openSqliteEventStore } from './sqlite-event-store.js';

// Each test gets its own database file; reopen closes the store and opens the same file.
const harness: EventStoreHarnessFactory = () => {
  const { file, cleanup } = tempDb('tributary-es-');
  return {
    open: async (options) => openSqliteEventStore(file, options),
    reopen: async (store, options) => {
      await store.close();
      return openSqliteEventStore(file, options);
    },
    cleanup: async () => cleanup(),
  };
};

testEventStore('sqlite event store (temp file)', harness);
testOutbox('sqlite outbox (temp file)', harness);
