// API keys, principals and the audit trail of the Tributary server.
export type { CreateApiKeyOptions } from './api-keys.js';
export { createApiKey, parseApiKey } from './api-keys.js';
export { AdminAction, AUDIT_TOPIC, auditAdminAction } from './audit.js';
export type { AuthenticatorOptions, KeyAuthenticator } from './authenticator.js';
export { createAuthenticator, presentedKey } from './authenticator.js';
export {
  addKeyToFile,
  parseKeysFile,
  readKeysFile,
  readKeysFileSync,
  removeKeyFromFile,
  writeKeysFile,
} from './keys-file.js';
export { ANONYMOUS } from './principal.js';
export { matchesTopic } from './topic-patterns.js';
export type { ApiKeyRecord, Authenticator, Permission, Principal, Scope } from './types.js';
