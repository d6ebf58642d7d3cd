// The row form of an event shared by every EventStore adapter: what columns hold, and back.
import { assertEnvelope, describeEvent, isJsonContentType } from '../envelope/attributes.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';

/** An event as an adapter stores it: indexed columns plus two JSON texts. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  /** The `v<n>` of a `urn:tributary:schema:<type>:v<n>` dataschema, else `null`. */
  readonly schemaVersion: number | null;
  /** `JSON.stringify(event.data)`; `'null'` for events without data. */
  readonly data: string;
  /** JSON of every attribute except specversion, id, type, tenantid and data. */
  readonly attributes: string;
}

const SCHEMA_VERSION = /^urn:tributary:schema:.+:v(\d+)$/;

/**
 * Checks `event` for storing in a stream of `tenant` and returns its row form.
 * @throws ValidationError `INVALID_ENVELOPE` for bad attributes; `INVALID_ARGUMENT` for data that
 *   is not JSON or a `tenantid` other than `tenant`.
 */
export function toStoredEvent(event: CloudEvent, tenant: string): StoredEvent {
  assertEnvelope(event, 'Cannot append the event');
  if (event.id.includes('\u0000') || event.type.includes('\u0000'))
    throw invalidArgument(
      `Cannot append ${describeEvent(event)}: its id or type holds a NUL character, which databases cannot store in text.`,
    );
  if (event.tenantid !== undefined && event.tenantid !== tenant)
    throw invalidArgument(
      `Cannot append ${describeEvent(event)}: its tenantid "${event.tenantid}" differs from the stream's tenant "${tenant}". Append it with { tenant: "${event.tenantid}" }.`,
    );
  if (event.datacontenttype !== undefined && !isJsonContentType(event.datacontenttype))
    throw invalidArgument(
      `Cannot append ${describeEvent(event)}: the event store keeps JSON data only, but datacontenttype is "${event.datacontenttype}".`,
    );
  const { specversion: _s, id, type, tenantid: _t, data, ...attributes } = event;
  let json: string | undefined;
  try {
    json = data === undefined ? 'null' : JSON.stringify(data);
  } catch (err) {
    throw invalidArgument(`Cannot append ${describeEvent(event)}: its data is not JSON (${String(err)}).`);
  }
  if (json === undefined)
    throw invalidArgument(`Cannot append ${describeEvent(event)}: its data is not JSON (a ${typeof data}).`);
  const match = event.dataschema === undefined ? null : SCHEMA_VERSION.exec(event.dataschema);
  return {
    id,
    type,
    schemaVersion: match?.[1] === undefined ? null : Number(match[1]),
    data: json,
    attributes: JSON.stringify(attributes),
  };
}

/** Rebuilds the event of a row written by {@link toStoredEvent}; `tenantid` is the stream's tenant. */
export function fromStoredEvent(
  row: { readonly id: string; readonly type: string; readonly data: string; readonly attributes: string },
  tenant: string,
): CloudEvent {
  const attributes = JSON.parse(row.attributes) as Omit<CloudEvent, 'specversion' | 'id' | 'type' | 'data'>;
  return {
    specversion: '1.0',
    id: row.id,
    type: row.type,
    ...attributes,
    tenantid: tenant,
    data: JSON.parse(row.data) as unknown,
  };
}
