// Snapshots are stored as JSON: a state that JSON would silently change (a Date turning into a
// string, a Map into {}) must be caught when saving, not discovered as a wrong state when loading.

/**
 * The path and kind of the first part of `value` that does not survive a JSON round trip unchanged
 * (`state.items[0].at is a Date`), or `undefined` when it is plain JSON. Object properties that are
 * `undefined` are accepted (JSON drops them, and reading them back gives `undefined` again).
 */
export function findNonJson(value: unknown, path = 'state'): string | undefined {
  return walk(value, path, new Set());
}

function walk(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`;
    case 'object':
      return value === null ? undefined : walkObject(value, path, ancestors);
    default:
      return `${path} is a ${typeof value}`;
  }
}

function walkObject(value: object, path: string, ancestors: Set<object>): string | undefined {
  if (ancestors.has(value)) return `${path} refers back to itself`;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const problem =
          item === undefined ? `${path}[${i}] is undefined` : walk(item, `${path}[${i}]`, ancestors);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      return `${path} is a ${value.constructor?.name ?? 'class instance'}`;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const problem = walk(item, `${path}.${key}`, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}
