/** Turns Zod issues into Tributary's field issues: dotted paths and short, specific messages. */
import type { z } from 'zod';
import type { FieldIssue } from '../errors/errors.js';

/** `items.0.price`, or `(root)` for the data itself. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

const INVALID_INPUT = 'Invalid input: ';

function issueMessage(issue: z.core.$ZodIssue): string {
  const message = issue.message;
  if (issue.code === 'invalid_type' && message.endsWith(', received undefined')) return 'required';
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Name the alternatives rather than Zod's bare "Invalid input".
    const branches = issue.errors.map((branch) =>
      branch
        .map((inner) =>
          inner.path.length === 0 ? issueMessage(inner) : `${issuePath(inner.path)}: ${issueMessage(inner)}`,
        )
        .join(', '),
    );
    return `matches none of the alternatives (${branches.join(' | ')})`;
  }
  return message.startsWith(INVALID_INPUT) ? message.slice(INVALID_INPUT.length) : message;
}

/** One field issue per Zod issue, in schema order. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => ({ path: issuePath(issue.path), message: issueMessage(issue) }));
}
