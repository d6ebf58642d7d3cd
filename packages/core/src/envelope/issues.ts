import { type FieldIssue, ValidationError } from '../errors/errors.js';

/** `a: why; b.c: why` — the one-line form every Tributary validation message uses. */
export function formatIssues(issues: readonly FieldIssue[]): string {
  let out = '';
  for (let i = 0; i < issues.length; i++) {
    const issue = issues[i]!;
    out += `${i === 0 ? '' : '; '}${issue.path}: ${issue.message}`;
  }
  return out;
}

/** Appends an issue, creating the list on first use (the happy path allocates nothing). */
export function addIssue(issues: FieldIssue[] | undefined, path: string, message: string): FieldIssue[] {
  const list = issues ?? [];
  list.push({ path, message });
  return list;
}

/** What a value is, for "expected X, received Y" messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'Uint8Array';
  return typeof value;
}

/** An `INVALID_ENVELOPE` error whose message names every bad attribute. */
export function invalidEnvelope(
  context: string,
  issues: readonly FieldIssue[],
  cause?: unknown,
): ValidationError {
  return new ValidationError('INVALID_ENVELOPE', `${context}: ${formatIssues(issues)}`, issues, { cause });
}
