import { consumeSuite } from './consume.js';
import { consumerProcessSuite } from './consumer-process.js';
import { e2eSuite } from './e2e.js';
import { httpProduceSuite } from './http-produce.js';
import { httpTailSuite } from './http-tail.js';
import { memorySuite } from './memory.js';
import { projectionCatchupSuite } from './projection-catchup.js';
import { publishSuite } from './publish.js';
import { publishSingleSuite } from './publish-single.js';
import { storeAppendSuite } from './store-append.js';
import { storeAppendSingleSuite } from './store-append-single.js';
import { storeLoadSuite } from './store-load.js';
import type { Suite } from './suite.js';

/** Every suite, in run order. */
export const SUITES: readonly Suite[] = [
  publishSuite,
  publishSingleSuite,
  e2eSuite,
  consumeSuite,
  consumerProcessSuite,
  memorySuite,
  storeAppendSuite,
  storeAppendSingleSuite,
  storeLoadSuite,
  projectionCatchupSuite,
  httpProduceSuite,
  httpTailSuite,
];
