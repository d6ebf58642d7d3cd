import { testDedupeStore } from '@tributary/conformance';
import { createMemoryDedupeStore } from './memory-dedupe.js';

testDedupeStore('memory dedupe store', () => ({ open: async (options) => createMemoryDedupeStore(options) }));
