/**
 * The server's configuration: defaults < config file < environment < command-line flags, each
 * value validated with Zod and reported with where it came from.
 *
 * | setting | flag | env | config file key | default |
 * | --- | --- | --- | --- | --- |
 * | data directory | `--data` | `TRIB_DATA_DIR` | `data` | `./data` |
 * | host | `--host` | `TRIB_HOST` | `host` | `127.0.0.1` |
 * | port (0 = random) | `--port` | `TRIB_PORT` | `port` | `8080` |
 * | API keys file | `--keys-file` | `TRIB_KEYS_FILE` | `keysFile` | none (auth off) |
 * | config file | `--config` | `TRIB_CONFIG` | | `./tributary.config.json` if present |
 * | log level | `--log-level` | `TRIB_LOG_LEVEL` | `logLevel` | `info` |
 * | request body limit | `--max-body-bytes` | `TRIB_MAX_BODY_BYTES` | `maxBodyBytes` | 1 MiB |
 * | HTTP member session timeout | `--session-timeout-ms` | `TRIB_SESSION_TIMEOUT_MS` | `sessionTimeoutMs` | 30000 |
 * | shutdown drain timeout | `--shutdown-timeout-ms` | `TRIB_SHUTDOWN_TIMEOUT_MS` | `shutdownTimeoutMs` | 10000 |
 * | event store on/off | `--no-event-store` | `TRIB_EVENT_STORE` | `eventStore` | on (`<data>/events.db`) |
 * | auto-create topics | `--auto-create-topics` | `TRIB_AUTO_CREATE_TOPICS` | `autoCreateTopics` | off |
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** A configuration problem: the process should print the message and exit with {@link exitCode}. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;
}

export const CONFIG_FILE_NAME = 'tributary.config.json';

const integer = (min: number, max: number) =>
  z
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int(`expected an integer from ${min} to ${max}`)
    .min(min)
    .max(max);

/** Every setting's schema (config-file types; env and flag strings are converted first). */
const FIELDS = {
  data: z.string().min(1, 'must not be empty'),
  host: z.string().min(1, 'must not be empty'),
  port: integer(0, 65_535),
  keysFile: z.string().min(1, 'must not be empty').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  maxBodyBytes: integer(1024, 1024 * 1024 * 1024),
  sessionTimeoutMs: integer(100, 3_600_000),
  shutdownTimeoutMs: integer(0, 600_000),
  eventStore: z.boolean({ error: 'expected true or false' }),
  autoCreateTopics: z.boolean({ error: 'expected true or false' }),
} as const;

type Key = keyof typeof FIELDS;

/** The configuration schema, with defaults. */
export const ServerConfigSchema = z.object({
  data: FIELDS.data.default('./data'),
  host: FIELDS.host.default('127.0.0.1'),
  port: FIELDS.port.default(8080),
  keysFile: FIELDS.keysFile,
  logLevel: FIELDS.logLevel.default('info'),
  maxBodyBytes: FIELDS.maxBodyBytes.default(1024 * 1024),
  sessionTimeoutMs: FIELDS.sessionTimeoutMs.default(30_000),
  shutdownTimeoutMs: FIELDS.shutdownTimeoutMs.default(10_000),
  eventStore: FIELDS.eventStore.default(true),
  autoCreateTopics: FIELDS.autoCreateTopics.default(false),
});

/** The validated configuration of a server. */
export type ServerConfig = Readonly<z.output<typeof ServerConfigSchema>>;
/** A configuration to validate: every setting optional (defaults apply). */
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

/**
 * Validates a configuration given in code (e.g. by `trib serve`), applying defaults.
 * @throws ConfigError naming each bad setting (and, with `sourceOf`, where it came from).
 */
export function resolveConfig(
  input: ServerConfigInput,
  sourceOf: (key: string) => string | undefined = () => undefined,
): ServerConfig {
  const result = ServerConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '(config)');
    const from = sourceOf(key);
    const value =
      typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : input;
    return `${key}${from === undefined ? '' : ` (from ${from})`}: ${issue.message}, received ${JSON.stringify(value)}`;
  });
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}\nSee --help.`);
}

const FILE_SCHEMA = z.strictObject(
  Object.fromEntries(Object.entries(FIELDS).map(([k, s]) => [k, s.optional()])),
);

const ENV: Record<Key, string> = {
  data: 'TRIB_DATA_DIR',
  host: 'TRIB_HOST',
  port: 'TRIB_PORT',
  keysFile: 'TRIB_KEYS_FILE',
  logLevel: 'TRIB_LOG_LEVEL',
  maxBodyBytes: 'TRIB_MAX_BODY_BYTES',
  sessionTimeoutMs: 'TRIB_SESSION_TIMEOUT_MS',
  shutdownTimeoutMs: 'TRIB_SHUTDOWN_TIMEOUT_MS',
  eventStore: 'TRIB_EVENT_STORE',
  autoCreateTopics: 'TRIB_AUTO_CREATE_TOPICS',
};

const FLAGS = {
  data: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  'keys-file': { type: 'string' },
  config: { type: 'string' },
  'log-level': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'session-timeout-ms': { type: 'string' },
  'shutdown-timeout-ms': { type: 'string' },
  'no-event-store': { type: 'boolean' },
  'auto-create-topics': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FLAG_OF: Record<Key, string> = {
  data: '--data',
  host: '--host',
  port: '--port',
  keysFile: '--keys-file',
  logLevel: '--log-level',
  maxBodyBytes: '--max-body-bytes',
  sessionTimeoutMs: '--session-timeout-ms',
  shutdownTimeoutMs: '--shutdown-timeout-ms',
  eventStore: '--no-event-store',
  autoCreateTopics: '--auto-create-topics',
};

export const USAGE = `Usage: tributary-server [options]   (npm start -- [options], trib serve [options])

Options (environment variable in brackets; also "${CONFIG_FILE_NAME}" keys):
  --data <dir>                 data directory [TRIB_DATA_DIR] (default ./data)
  --host <host>                listen address [TRIB_HOST] (default 127.0.0.1)
  -p, --port <port>            port, 0 for a random one [TRIB_PORT] (default 8080)
  --keys-file <file>           API keys file; turns auth on [TRIB_KEYS_FILE]
  --config <file>              config file [TRIB_CONFIG] (default ./${CONFIG_FILE_NAME} if present)
  --log-level <level>          fatal|error|warn|info|debug|trace|silent [TRIB_LOG_LEVEL] (default info)
  --max-body-bytes <n>         largest request body [TRIB_MAX_BODY_BYTES] (default 1048576)
  --session-timeout-ms <n>     HTTP group member session timeout [TRIB_SESSION_TIMEOUT_MS] (default 30000)
  --shutdown-timeout-ms <n>    how long SIGTERM waits for requests to drain [TRIB_SHUTDOWN_TIMEOUT_MS] (default 10000)
  --no-event-store             run without the SQLite event store [TRIB_EVENT_STORE=false]
  --auto-create-topics         create unknown topics on first publish [TRIB_AUTO_CREATE_TOPICS=true]
  -h, --help                   show this help
`;

/** What {@link loadConfig} reads. */
export interface ConfigSources {
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where relative paths of the config file resolve and `tributary.config.json` is looked for. */
  readonly cwd?: string;
}

/** `{ help: true }` when `--help` was given; otherwise the validated configuration. */
export type LoadedConfig = { readonly help: true } | { readonly help: false; readonly config: ServerConfig };

/**
 * Reads and validates the configuration.
 * @throws ConfigError naming each bad setting and where it came from.
 */
export function loadConfig(sources: ConfigSources = {}): LoadedConfig {
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();
  const flags = parseFlags(sources.argv ?? []);
  if (flags.help === true) return { help: true };

  const raw = new Map<Key, { value: unknown; from: string }>();
  const file = configFile(
    flags.config ?? env.TRIB_CONFIG,
    cwd,
    flags.config === undefined ? 'TRIB_CONFIG' : '--config',
  );
  if (file !== undefined) {
    for (const [key, value] of Object.entries(file.values)) {
      if (value === undefined) continue;
      const resolved =
        (key === 'data' || key === 'keysFile') && typeof value === 'string'
          ? path.resolve(path.dirname(file.path), value)
          : value;
      raw.set(key as Key, { value: resolved, from: file.path });
    }
  }
  for (const key of Object.keys(ENV) as Key[]) {
    const text = env[ENV[key]];
    if (text !== undefined && text !== '') raw.set(key, { value: fromText(key, text), from: ENV[key] });
  }
  const flagValues: Partial<Record<Key, unknown>> = {
    data: flags.data,
    host: flags.host,
    port: flags.port,
    keysFile: flags['keys-file'],
    logLevel: flags['log-level'],
    maxBodyBytes: flags['max-body-bytes'],
    sessionTimeoutMs: flags['session-timeout-ms'],
    shutdownTimeoutMs: flags['shutdown-timeout-ms'],
    eventStore: flags['no-event-store'] === true ? false : undefined,
    autoCreateTopics: flags['auto-create-topics'],
  };
  for (const [key, value] of Object.entries(flagValues) as [Key, unknown][]) {
    if (value === undefined) continue;
    raw.set(key, { value: typeof value === 'string' ? fromText(key, value) : value, from: FLAG_OF[key] });
  }

  const input = Object.fromEntries([...raw].map(([key, { value }]) => [key, value]));
  return { help: false, config: resolveConfig(input, (key) => raw.get(key as Key)?.from) };
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  }
}

/** Env and flag values are text: numbers and booleans are converted, the rest checked as is. */
function fromText(key: Key, text: string): unknown {
  const schema = FIELDS[key];
  if (schema === FIELDS.eventStore || schema === FIELDS.autoCreateTopics) {
    if (/^(true|1|yes|on)$/i.test(text)) return true;
    if (/^(false|0|no|off)$/i.test(text)) return false;
    return text;
  }
  if (key === 'port' || key === 'maxBodyBytes' || key === 'sessionTimeoutMs' || key === 'shutdownTimeoutMs') {
    return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
  }
  return text;
}

function configFile(
  given: string | undefined,
  cwd: string,
  givenBy: string,
): { path: string; values: Record<string, unknown> } | undefined {
  const file = path.resolve(cwd, given ?? CONFIG_FILE_NAME);
  if (given === undefined && !existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(
      `Cannot read the config file ${file}${given === undefined ? '' : ` (from ${givenBy})`}: ${why}`,
    );
  }
  const result = FILE_SCHEMA.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? `unknown key(s) ${i.keys.map((k) => JSON.stringify(k)).join(', ')}; known keys: ${Object.keys(FIELDS).join(', ')}`
        : `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ConfigError(`Invalid config file ${file}:\n  ${problems.join('\n  ')}`);
  }
  return { path: file, values: result.data };
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/i;

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Secure by default: listening beyond this machine needs API keys.
 * @throws ConfigError saying how to configure keys.
 */
export function assertSecure(config: ServerConfig): void {
  if (config.keysFile !== undefined || isLoopback(config.host)) return;
  throw new ConfigError(
    [
      `Refusing to listen on ${config.host} without API keys: anyone who can reach this address could read, write and delete every topic.`,
      'Configure keys:',
      '  1. create one:   trib keys create --file ./keys.json --permission admin   (prints the key once)',
      '  2. start with:   --keys-file ./keys.json   (or TRIB_KEYS_FILE, or "keysFile" in tributary.config.json)',
      'Or listen on this machine only: --host 127.0.0.1.',
    ].join('\n'),
  );
}
