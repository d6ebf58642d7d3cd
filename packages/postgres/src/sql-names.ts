// Names the store puts into SQL text: the schema is the only one that comes from the user.
import { invalidArgument } from '@tributary/core/internal';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name and returns it quoted for SQL. Only lower-case letters, digits and `_`
 * (at most 63 characters, PostgreSQL's limit), so it never needs escaping and folds the same way
 * quoted or not.
 */
export function quoteSchema(schema: unknown): string {
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema))
    throw invalidArgument(
      `Invalid schema ${JSON.stringify(schema)}: expected a PostgreSQL identifier of lower-case letters, digits and _ (like "tributary").`,
    );
  return `"${schema}"`;
}
