import { consumeSuite } from './consume.js';
import { consumerProcessSuite } from './consumer-process.js';
import { e2eSuite } from './e2e.js';
import { memorySuite } from './memory.js';
import { publishSuite } from './publish.js';
import { publishSingleSuite } from './publish-single.js';
import type { Suite } from './suite.js';

/** Every suite, in run order. */
export const SUITES: readonly Suite[] = [
  publishSuite,
  publishSingleSuite,
  e2eSuite,
  consumeSuite,
  consumerProcessSuite,
  memorySuite,
];
