import { testLog } from '@tributary/conformance';
import { fileLogHarness } from './test-support/harness.js';

testLog('file log', fileLogHarness);
