// Schema-qualified names of everything the store creates, so SQL text never concatenates user input.

/** The store's objects inside one schema (already quoted). */
export interface Tables {
  readonly schema: string;
  readonly migrations: string;
  readonly streams: string;
  readonly events: string;
  /** The global positions, taken under the append lock (see append-function.ts). */
  readonly positions: string;
  readonly outbox: string;
  readonly snapshots: string;
  readonly checkpoints: string;
  readonly leases: string;
  /** The function appending to one stream (append-one.ts). */
  readonly appendOne: string;
  /** The function appending a group of appends, or several streams atomically (append-group.ts). */
  readonly appendGroup: string;
}

export function tablesOf(quotedSchema: string): Tables {
  const q = (name: string) => `${quotedSchema}.${name}`;
  return {
    schema: quotedSchema,
    migrations: q('schema_migrations'),
    streams: q('streams'),
    events: q('events'),
    positions: q('positions'),
    outbox: q('outbox'),
    snapshots: q('snapshots'),
    checkpoints: q('checkpoints'),
    leases: q('leases'),
    appendOne: q('append_one'),
    appendGroup: q('append_events'),
  };
}
