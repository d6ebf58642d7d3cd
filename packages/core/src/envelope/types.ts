/**
 * The Tributary event envelope: a CloudEvents 1.0 event
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md).
 *
 * Every event Tributary publishes, stores or delivers has this shape. On a log record it travels in
 * the Kafka binding's binary content mode (`ce_` headers, data in the value — see
 * `kafka-binary-codec.ts`); over HTTP and in files it travels as `application/cloudevents+json`
 * (see `structured-json-codec.ts`).
 *
 * Attribute values are the canonical string encodings of the CloudEvents type system, so an event
 * survives every binding and format unchanged.
 *
 * @typeParam T - the type of `data`.
 * @typeParam Type - the literal event type (`'order.placed'`), so `event.type` narrows unions.
 */
export interface CloudEvent<T = unknown, Type extends string = string> {
  /** The CloudEvents version; always `'1.0'`. */
  readonly specversion: '1.0';
  /** Identifies the event; `source` + `id` is unique per distinct event. Tributary uses UUID v7. */
  readonly id: string;
  /** URI-reference of the context the event happened in (a service, a process, a device). */
  readonly source: string;
  /** The event type, e.g. `order.placed`; the key Tributary finds the event's schema by. */
  readonly type: Type;
  /** When the occurrence happened, RFC 3339 (`2024-05-01T12:34:56.789Z`). */
  readonly time: string;
  /** What the event is about within `source` (an order id, a file name). */
  readonly subject?: string;
  /** Media type of `data` (RFC 2046). Absent means `application/json`. */
  readonly datacontenttype?: string;
  /** URI of the schema `data` adheres to; Tributary uses `urn:tributary:schema:<type>:v<version>`. */
  readonly dataschema?: string;
  /**
   * The payload. JSON-formatted content types carry any JSON value; other content types carry a
   * `Uint8Array` (or, before encoding, a string). `undefined` means "no data".
   */
  readonly data: T;

  // Tributary extension attributes (lower-case names, as the spec requires).

  /** The tenant the event belongs to, for multi-tenant isolation. */
  readonly tenantid?: string;
  /** Shared by every event of one business flow; the id of the flow's first event. */
  readonly correlationid?: string;
  /** The id of the event this one was created because of. */
  readonly causationid?: string;
  /** W3C trace context (`00-<trace-id>-<span-id>-<flags>`), linking the event to its trace. */
  readonly traceparent?: string;
  /** The partitioning key (CloudEvents Partitioning extension); used as the record key by default. */
  readonly partitionkey?: string;
  /** Ordering sequence within the source (CloudEvents Sequence extension), a string. */
  readonly sequence?: string;
  /**
   * Any other extension attributes. Names: lower-case ASCII letters and digits (the spec
   * recommends at most 20 characters); values: strings. Names of the attributes above are not
   * allowed here.
   */
  readonly extensions?: Readonly<Record<string, string>>;
}

/** The REQUIRED attributes of a Tributary event (`time` is optional in the spec, required here). */
export const REQUIRED_ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'time'] as const;

/** The OPTIONAL core attributes of the spec. */
export const OPTIONAL_ATTRIBUTES = ['subject', 'datacontenttype', 'dataschema'] as const;

/** The extension attributes Tributary names at the top level of {@link CloudEvent}. */
export const TRIBUTARY_EXTENSIONS = [
  'tenantid',
  'correlationid',
  'causationid',
  'traceparent',
  'partitionkey',
  'sequence',
] as const;

/** The only CloudEvents version Tributary reads and writes. */
export const SPEC_VERSION = '1.0';

/** The default (and defineEvent's) data content type. */
export const JSON_CONTENT_TYPE = 'application/json';
