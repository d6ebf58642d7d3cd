import { existsSync } from 'node:fs';
import { notFound, usageError } from '../exit-codes.js';
import type { Target } from './types.js';

/** The global flags that choose the target. */
export interface TargetFlags {
  readonly url?: string;
  readonly apiKey?: string;
  readonly data?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The data directory when neither --data nor TRIB_DATA_DIR names one. */
export const DEFAULT_DATA_DIR = './data';

/** Where a command goes: a server URL, or a data directory. */
export type TargetChoice =
  | { readonly kind: 'http'; readonly url: string; readonly apiKey?: string }
  | { readonly kind: 'local'; readonly dir: string };

/**
 * Picks the target: `--url` or `--data` when given (not both), else `TRIB_URL`, else
 * `TRIB_DATA_DIR`, else `./data`.
 */
export function chooseTarget(flags: TargetFlags, env: Env): TargetChoice {
  if (flags.url !== undefined && flags.data !== undefined) {
    throw usageError('Pass either --url (a server) or --data (a data directory), not both.');
  }
  const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
  const url = flags.url ?? (flags.data === undefined ? nonEmpty(env.TRIB_URL) : undefined);
  if (url !== undefined) {
    const apiKey = flags.apiKey ?? nonEmpty(env.TRIB_API_KEY);
    return { kind: 'http', url, ...(apiKey !== undefined && { apiKey }) };
  }
  return { kind: 'local', dir: flags.data ?? nonEmpty(env.TRIB_DATA_DIR) ?? DEFAULT_DATA_DIR };
}

/**
 * Opens the chosen target. Implementations are imported on demand, so `--help` and usage errors
 * never load the storage engine. `create`: a missing data directory is created (`topics create`).
 */
export async function openTarget(choice: TargetChoice, options: { create?: boolean } = {}): Promise<Target> {
  if (choice.kind === 'http') {
    const { HttpTarget } = await import('./http/http-target.js');
    return new HttpTarget({ url: choice.url, ...(choice.apiKey !== undefined && { apiKey: choice.apiKey }) });
  }
  if (options.create !== true && !existsSync(choice.dir)) {
    // Checked before loading the storage engine: a typo in --data fails fast.
    throw notFound(
      `There is no data directory at ${choice.dir}. Create a topic there first (trib topics create <name>), ` +
        'point at another directory with --data (or TRIB_DATA_DIR), or at a server with --url (or TRIB_URL).',
    );
  }
  const { LocalTarget } = await import('./local/local-target.js');
  return LocalTarget.open(choice.dir);
}

/** Runs `work` on the target and closes it afterwards, whatever happens. */
export async function withTarget<T>(
  choice: TargetChoice,
  options: { create?: boolean },
  work: (target: Target) => Promise<T>,
): Promise<T> {
  const target = await openTarget(choice, options);
  try {
    return await work(target);
  } finally {
    await target.close();
  }
}
