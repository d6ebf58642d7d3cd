import { invalidArgument } from '../errors/errors.js';

/** Projection names are kept to characters that are safe in checkpoint keys, topics and table names. */
const NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** Checks a projection name; `where` prefixes the message. */
export function checkProjectionName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw invalidArgument(
      `${where}: invalid projection name ${JSON.stringify(name)}: use 1 to 200 letters, digits, ".", "_" or "-" (like "order-summary").`,
    );
}

/** Checks a projection version: an integer >= 1. */
export function checkProjectionVersion(version: unknown, where: string): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    throw invalidArgument(
      `${where}: invalid projection version ${String(version)}: expected an integer >= 1.`,
    );
}

/** The checkpoint (and lease) name of one version of a projection: `projection:<name>:v<version>`. */
export function projectionCheckpointName(name: string, version: number): string {
  return `projection:${name}:v${version}`;
}

/**
 * The reserved checkpoint name holding the active version of a projection (its value is the
 * version number, not a position). The `$` keeps it apart from every projection checkpoint.
 */
export function activeVersionName(name: string): string {
  return `$projection-active-version:${name}`;
}

/** The group (and so the dead-letter topic `projection.<name>.dlq`) of a projection's dead letters. */
export function projectionDeadLetterGroup(name: string): string {
  return `projection.${name}`;
}
