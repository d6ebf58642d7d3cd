import { fromStructuredJson, uuidv7 } from '@tributary/core';
import { usageError } from '../exit-codes.js';
import type { StructuredEvent } from '../target/types.js';

/** How `trib produce` turns input lines into events. */
export interface EventTemplate {
  /** `type` of events that do not carry one. */
  readonly type: string;
  /** `source` of events that do not carry one. */
  readonly source: string;
  /** Attributes from `-H name=value`, set on every event. */
  readonly attributes: Readonly<Record<string, string>>;
  /** `-k`: set as `partitionkey` on data events. */
  readonly key?: string;
  /** `data`: the line is the event's JSON data; `text`: the line is text data; `cloudevents`: a structured event. */
  readonly mode: 'data' | 'text' | 'cloudevents';
}

function parseJson(text: string, where: string, hint: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usageError(`${where} is not JSON (${(err as Error).message}). ${hint}`);
  }
}

/**
 * The structured CloudEvent for one input (a line, or `--value`). Data events get a fresh UUID v7
 * id and the current time; structured events keep theirs and get the template's defaults for
 * missing `specversion`, `id`, `source`, `type` and `time`. The result is validated, so a bad line
 * fails naming its line number before it is sent.
 */
export function buildEvent(input: string, where: string, template: EventTemplate): StructuredEvent {
  const now = new Date().toISOString();
  let event: Record<string, unknown>;
  if (template.mode === 'cloudevents') {
    const parsed = parseJson(
      input,
      where,
      'With --cloudevents each line is one event in the CloudEvents JSON format ({"type":…,"data":…}).',
    );
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw usageError(
        `${where} is not a JSON object; with --cloudevents each line is one structured CloudEvent.`,
      );
    }
    event = {
      specversion: '1.0',
      id: uuidv7(),
      source: template.source,
      type: template.type,
      time: now,
      ...parsed,
      ...template.attributes,
    };
  } else {
    const data =
      template.mode === 'text'
        ? input
        : parseJson(
            input,
            where,
            'Each line is one event\'s data as JSON (quote text: "hello"), or pass --text.',
          );
    event = {
      specversion: '1.0',
      id: uuidv7(),
      source: template.source,
      type: template.type,
      time: now,
      ...(template.mode === 'text' && { datacontenttype: 'text/plain' }),
      ...(template.key !== undefined && { partitionkey: template.key }),
      ...template.attributes,
      data,
    };
  }
  try {
    fromStructuredJson(event);
  } catch (err) {
    const issues =
      err instanceof Error && 'issues' in err && Array.isArray(err.issues)
        ? err.issues.map(
            (i: { path?: unknown; message?: unknown }) => `${String(i.path)}: ${String(i.message)}`,
          )
        : [(err as Error).message];
    throw usageError(`${where} is not a valid event: ${issues.join('; ')}.`);
  }
  return event;
}
