// Public API of @tributary/log: the embedded segmented log engine (the `file:` adapter).
export { FileLog, openFileLog } from './file-log.js';
export type { FileLogOptions, RecoveryReport } from './options.js';
