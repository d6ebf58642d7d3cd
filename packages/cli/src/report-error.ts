import { CliError, EXIT, type ExitCode } from './exit-codes.js';

/** Tributary error codes that mean "the input was wrong" (exit 2). */
const USAGE_CODES = new Set([
  'INVALID_ARGUMENT',
  'SCHEMA_MISMATCH',
  'UNKNOWN_EVENT_TYPE',
  'INVALID_ENVELOPE',
  'INVALID_TOPIC_NAME',
  'INVALID_TOPIC_CONFIG',
  'OFFSET_OUT_OF_RANGE',
  'RECORD_TOO_LARGE',
]);

/** Tributary error codes that mean "what you named does not exist" (exit 3). */
const NOT_FOUND_CODES = new Set(['UNKNOWN_TOPIC', 'PARTITION_OUT_OF_RANGE']);

interface CodedError {
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly { path: string; message: string }[];
}

function isCoded(err: unknown): err is CodedError {
  return err instanceof Error && 'code' in err && typeof err.code === 'string';
}

/** The exit code for an error a command threw. */
export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (isCoded(err)) {
    if (USAGE_CODES.has(err.code)) return EXIT.USAGE;
    if (NOT_FOUND_CODES.has(err.code)) return EXIT.NOT_FOUND;
  }
  return EXIT.FAILURE;
}

/**
 * The lines printed on stderr for an error: `error: <message>`, then one line per field issue of a
 * validation error. Unexpected errors (not Tributary's, not the CLI's) keep their stack when
 * `TRIB_DEBUG` is set.
 */
export function describeError(err: unknown, debug = false): string {
  if (!(err instanceof Error)) return `error: ${String(err)}`;
  const lines = [`error: ${err.message}`];
  const issues = 'issues' in err && Array.isArray(err.issues) ? err.issues : [];
  const lead = err.message.trimEnd();
  for (const issue of issues) {
    if (typeof issue !== 'object' || issue === null) continue;
    const path = 'path' in issue ? String(issue.path) : '';
    const message = 'message' in issue ? String(issue.message) : '';
    // Validation messages often already name their issues; do not repeat them.
    if (message !== '' && !lead.includes(message))
      lines.push(`  - ${path === '' ? '' : `${path}: `}${message}`);
  }
  if (debug && !(err instanceof CliError) && !isCoded(err) && err.stack !== undefined) lines.push(err.stack);
  return lines.join('\n');
}
