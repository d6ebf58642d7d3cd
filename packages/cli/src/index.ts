// Public API of @tributary/cli. Curated: add named exports only.
export { buildProgram, runCli, VERSION } from './cli.js';
export type { CliIo, Output } from './context.js';
export type { ExitCode } from './exit-codes.js';
export { CliError, EXIT } from './exit-codes.js';
