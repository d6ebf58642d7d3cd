import type { z } from 'zod';
import type { CloudEvent } from '../envelope/types.js';

/** Options of {@link defineEvent}. */
export interface DefineEventOptions<S extends z.ZodType> {
  /** Schema version, an integer >= 1. Bump it on an incompatible change of `schema`. */
  readonly version: number;
  /** Zod v4 schema of the event's `data`; checked when an event is created and when it is consumed. */
  readonly schema: S;
  /** Default topic the bus publishes this event to (Kafka topic-name rules). */
  readonly topic?: string;
  /** Default `source` of created events; `'tributary'` when absent. */
  readonly source?: string;
  /** Human description, carried into the JSON Schema and docs. */
  readonly description?: string;
}

/** Options of {@link EventDefinition.create}. Every attribute is optional; defaults in parentheses. */
export interface CreateEventOptions {
  /** Event id (a new UUID v7). Give one to make re-publishing idempotent. */
  id?: string;
  /** Event source (the definition's `source`, else `'tributary'`). */
  source?: string;
  /** What the event is about, e.g. an order id. */
  subject?: string;
  /** When it happened (now). A `Date` or an RFC 3339 string. */
  time?: Date | string;
  /** Tenant (inherited from `causedBy`). */
  tenantid?: string;
  /** Partitioning key; the record key when publishing without an explicit key. */
  partitionkey?: string;
  /** Correlation id (from `causedBy`). Set explicitly, it wins over `causedBy`. */
  correlationid?: string;
  /** W3C trace context (inherited from `causedBy`). */
  traceparent?: string;
  /** Other extension attributes: lower-case a-z0-9 names, string values. */
  extensions?: Record<string, string>;
  /**
   * The event this one is created because of: copies its correlation id (or its id when it has
   * none) as correlationid, takes its id as causationid, and inherits tenantid and traceparent
   * unless given.
   */
  causedBy?: CloudEvent;
}

/**
 * A versioned event type with its schema, made by {@link defineEvent}. Creates events whose data
 * TypeScript checks against the schema at compile time and Zod checks at run time.
 */
export interface EventDefinition<Type extends string, S extends z.ZodType> {
  /** The CloudEvents `type` (e.g. `order.placed`). */
  readonly type: Type;
  readonly version: number;
  readonly schema: S;
  /** Default topic for the bus, if any. */
  readonly topic?: string;
  /** Default `source` of created events. */
  readonly source: string;
  readonly description?: string;
  /**
   * The `dataschema` of created events: `urn:tributary:schema:<type>:v<version>`. A URN (an
   * absolute URI, as the spec requires) rather than a URL, because it names the schema without
   * promising a server that serves it; the JSON Schema carries it as `$id`.
   */
  readonly dataschema: string;
  /**
   * A new event with validated data (the schema's output, so defaults and transforms apply).
   * Readonly data is accepted: the input is never modified.
   * @throws ValidationError `SCHEMA_MISMATCH` naming every failing field path, or
   *   `INVALID_ARGUMENT` naming every bad option.
   */
  create(data: DeepReadonly<z.input<S>>, options?: CreateEventOptions): CloudEvent<z.output<S>, Type>;
  /**
   * Validates a consumed event of this type and returns a copy with the schema's output as data.
   * The input is not modified.
   * @throws ValidationError `SCHEMA_MISMATCH` when the type differs or the data does not match.
   */
  parse(event: CloudEvent): CloudEvent<z.output<S>, Type>;
  /** True when `event.type` is this definition's type (data is not checked). */
  is(event: CloudEvent): event is CloudEvent<z.output<S>, Type>;
  /** JSON Schema (draft 2020-12) of the data, from `z.toJSONSchema`, with `$id` = `dataschema`. */
  jsonSchema(): Record<string, unknown>;
}

/** Any event definition, e.g. for registries and lists of handlers. */
export type AnyEventDefinition = EventDefinition<string, z.ZodType>;

/** The event type a definition produces: `EventOf<typeof OrderPlaced>`. */
export type EventOf<D> =
  D extends EventDefinition<infer Type, infer S> ? CloudEvent<z.output<S>, Type> : never;

/** The data type of a definition's events (the schema's output). */
export type DataOf<D> = D extends EventDefinition<string, infer S> ? z.output<S> : never;

/**
 * `T` with every object and array readonly, all the way down: what `create` accepts, since the
 * schema check never modifies its input.
 */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends Date | RegExp | Uint8Array | Map<unknown, unknown> | Set<unknown>
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;
