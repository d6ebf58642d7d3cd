import { z } from 'zod';
import { formatIssues } from '../envelope/issues.js';
import { type CloudEvent, JSON_CONTENT_TYPE, SPEC_VERSION } from '../envelope/types.js';
import { type FieldIssue, invalidArgument, ValidationError } from '../errors/errors.js';
import { validateTopicName } from '../topics/topic-config.js';
import { checkCreateOptions, nowIso } from './create-options.js';
import { linkedPrototype } from './definition-of.js';
import { toFieldIssues } from './schema-issues.js';
import type { CreateEventOptions, DeepReadonly, DefineEventOptions, EventDefinition } from './types.js';
import { uuidv7 } from './uuid-v7.js';

/** Event types: a letter or digit, then letters, digits, `.`, `_`, `-` (e.g. `com.acme.order.placed`). */
const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_TYPE_LENGTH = 200;
const DEFAULT_SOURCE = 'tributary';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function isZodSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    '_zod' in value &&
    'safeParse' in value &&
    typeof value.safeParse === 'function'
  );
}

function checkDefinition(type: unknown, options: unknown): void {
  const issues: FieldIssue[] = [];
  if (typeof type !== 'string' || type.length === 0) {
    issues.push({ path: 'type', message: 'expected a non-empty string' });
  } else if (type.length > MAX_TYPE_LENGTH) {
    issues.push({ path: 'type', message: `is ${type.length} characters, the limit is ${MAX_TYPE_LENGTH}` });
  } else if (!EVENT_TYPE.test(type)) {
    issues.push({
      path: 'type',
      message: 'use ASCII letters, digits, ".", "_" and "-", starting with a letter or digit',
    });
  }
  if (typeof options !== 'object' || options === null) {
    issues.push({ path: 'options', message: 'expected { version, schema }' });
  } else {
    const { version, schema, source, description } = options as Partial<DefineEventOptions<z.ZodType>>;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      issues.push({ path: 'version', message: `expected an integer >= 1, received ${String(version)}` });
    }
    if (!isZodSchema(schema))
      issues.push({ path: 'schema', message: 'expected a Zod v4 schema (z.object({...}) etc.)' });
    if (source !== undefined && (typeof source !== 'string' || source.length === 0)) {
      issues.push({ path: 'source', message: 'expected a non-empty string' });
    }
    if (description !== undefined && typeof description !== 'string') {
      issues.push({ path: 'description', message: 'expected a string' });
    }
  }
  if (issues.length > 0) {
    throw invalidArgument(`defineEvent(${JSON.stringify(type)}): ${formatIssues(issues)}`, issues);
  }
}

/**
 * Defines a versioned event type whose data is described by a Zod v4 schema.
 *
 * ```ts
 * const OrderPlaced = defineEvent('order.placed', {
 *   version: 1,
 *   schema: z.object({ orderId: z.string(), total: z.number() }),
 *   topic: 'orders',
 * });
 * const event = OrderPlaced.create({ orderId: 'o-1', total: 12.5 }, { partitionkey: 'o-1' });
 * ```
 *
 * @throws ValidationError `INVALID_ARGUMENT` naming every bad argument (empty or malformed type,
 *   version not an integer >= 1, schema not a Zod schema); `LogError` `INVALID_TOPIC_NAME` for a bad
 *   default topic.
 */
export function defineEvent<Type extends string, S extends z.ZodType>(
  type: Type,
  options: DefineEventOptions<S>,
): EventDefinition<Type, S> {
  checkDefinition(type, options);
  const { version, schema, topic, description } = options;
  if (topic !== undefined) validateTopicName(topic);
  const source = options.source ?? DEFAULT_SOURCE;
  const dataschema = `urn:tributary:schema:${type}:v${version}`;
  const label = `Event "${type}" v${version}`;

  function validate(data: unknown, eventId?: string): z.output<S> {
    let result: z.ZodSafeParseResult<z.output<S>>;
    try {
      result = schema.safeParse(data);
    } catch (err) {
      // Zod throws (rather than reporting) when a schema needs async parsing.
      throw invalidArgument(
        `${label}: its schema could not check the data synchronously (${(err as Error).message}); event schemas must not use async refinements or transforms.`,
      );
    }
    if (result.success) return result.data;
    const issues = toFieldIssues(result.error.issues);
    const which = eventId === undefined ? '' : ` (event ${eventId})`;
    throw new ValidationError(
      'SCHEMA_MISMATCH',
      `${label} data does not match its schema${which}: ${formatIssues(issues)}`,
      issues,
      { cause: result.error },
    );
  }

  const definition: EventDefinition<Type, S> = {
    type,
    version,
    schema,
    topic,
    source,
    description,
    dataschema,

    create(
      data: DeepReadonly<z.input<S>>,
      createOptions?: CreateEventOptions,
    ): CloudEvent<z.output<S>, Type> {
      const valid = validate(data);
      if (createOptions === undefined) return newEvent(uuidv7(), source, nowIso(), valid);
      checkCreateOptions(createOptions, label);
      return withOptions(valid, createOptions);
    },

    parse(event: CloudEvent): CloudEvent<z.output<S>, Type> {
      if (event.type !== type) {
        const issues = [
          {
            path: 'type',
            message: `expected ${JSON.stringify(type)}, received ${JSON.stringify(event.type)}`,
          },
        ];
        throw new ValidationError(
          'SCHEMA_MISMATCH',
          `${label} cannot parse event ${event.id}: ${formatIssues(issues)}`,
          issues,
        );
      }
      const data = validate(event.data, event.id);
      return Object.assign(newEvent(event.id, event.source, event.time, data), event, { type, data });
    },

    is(event: CloudEvent): event is CloudEvent<z.output<S>, Type> {
      return event.type === type;
    },

    jsonSchema(): Record<string, unknown> {
      // `any` for what JSON cannot express (dates, transforms) instead of throwing.
      const json: Record<string, unknown> = { ...z.toJSONSchema(schema, { unrepresentable: 'any' }) };
      json.$id = dataschema;
      if (description !== undefined && json.description === undefined) json.description = description;
      return json;
    },
  };

  /** A new event object linked to this definition (fields set in one order: one hidden class). */
  function newEvent(id: string, eventSource: string, time: string, data: z.output<S>) {
    const event: Mutable<CloudEvent<z.output<S>, Type>> = Object.create(prototype);
    event.specversion = SPEC_VERSION;
    event.id = id;
    event.source = eventSource;
    event.type = type;
    event.time = time;
    event.datacontenttype = JSON_CONTENT_TYPE;
    event.dataschema = dataschema;
    event.data = data;
    return event;
  }

  function withOptions(data: z.output<S>, o: CreateEventOptions): CloudEvent<z.output<S>, Type> {
    const cause = o.causedBy;
    const time = o.time === undefined ? nowIso() : typeof o.time === 'string' ? o.time : o.time.toISOString();
    const event = newEvent(o.id ?? uuidv7(), o.source ?? source, time, data);
    if (o.subject !== undefined) event.subject = o.subject;
    const tenantid = o.tenantid ?? cause?.tenantid;
    if (tenantid !== undefined) event.tenantid = tenantid;
    const correlationid =
      o.correlationid ?? (cause === undefined ? undefined : (cause.correlationid ?? cause.id));
    if (correlationid !== undefined) event.correlationid = correlationid;
    if (cause !== undefined) event.causationid = cause.id;
    const traceparent = o.traceparent ?? cause?.traceparent;
    if (traceparent !== undefined) event.traceparent = traceparent;
    if (o.partitionkey !== undefined) event.partitionkey = o.partitionkey;
    // A copy, so changing the options object later cannot change the event.
    if (o.extensions !== undefined && Object.keys(o.extensions).length > 0)
      event.extensions = { ...o.extensions };
    return event;
  }

  const prototype = linkedPrototype(definition);
  return Object.freeze(definition);
}
