import { testDedupeStore } from '@tributary/conformance';
import { openSqliteDedupeStore } from './sqlite-dedupe.js';
import { tempDb } from './test-support/temp-db.js';

testDedupeStore('sqlite dedupe store (temp file)', () => {
  const { file, cleanup } = tempDb();
  return {
    open: async (options) => openSqliteDedupeStore(file, options),
    reopen: async (store, options) => {
      await store.close();
      return openSqliteDedupeStore(file, options);
    },
    cleanup: async () => cleanup(),
  };
});
