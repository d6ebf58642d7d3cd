// Public API of @tributary/server. Curated: add named exports only.

export type { CreateServerOptions, TributaryServer } from './app.js';
export { createServer } from './app.js';
export type {
  ApiKeyRecord,
  Authenticator,
  CreateApiKeyOptions,
  KeyAuthenticator,
  Permission,
  Principal,
  Scope,
} from './auth/index.js';
export {
  AUDIT_TOPIC,
  addKeyToFile,
  auditAdminAction,
  createApiKey,
  createAuthenticator,
  readKeysFile,
  removeKeyFromFile,
  writeKeysFile,
} from './auth/index.js';
export type { ConfigSources, LoadedConfig, ServerConfig, ServerConfigInput } from './config.js';
export {
  assertSecure,
  CONFIG_FILE_NAME,
  ConfigError,
  isLoopback,
  loadConfig,
  resolveConfig,
  USAGE,
} from './config.js';
export type { Problem } from './http/problem.js';
export type { MainIo } from './main.js';
export { main, runUntilStopped, serveUntilStopped } from './main.js';
export type { LoggerOptions, ServerMetrics, ServerMetricsOptions } from './observability/index.js';
export { createLogger, createServerMetrics } from './observability/index.js';
export type { RunningServer, StartOptions } from './server.js';
export { startServer } from './server.js';
