import { testLog } from '@tributary/conformance';
import { createMemoryLog } from './memory-log.js';

testLog('memory log', () => ({
  open: async () => createMemoryLog(),
  enforceRetention: async (log) => log.enforceRetention(),
}));
