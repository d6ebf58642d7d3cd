import type { PublishResult } from '../bus/types.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, ValidationError } from '../errors/errors.js';
import { REPLY_TO_EXTENSION, type RequestReplyBus } from './types.js';

function isEvent(value: unknown): value is CloudEvent {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'id' in value;
}

/**
 * Publishes `reply` as the answer to `request`, on the topic named by the request's `replyto`
 * extension. The published reply gets `causationid` = the request's id (what the requester matches
 * on) and `correlationid` = the request's `correlationid ?? id`; like `causedBy` in
 * `defineEvent().create`, it inherits the request's `tenantid` and `traceparent` unless it has its
 * own. Its record key is its `partitionkey`, as for any publish.
 *
 * @throws ValidationError `INVALID_ARGUMENT` when `request` has no `replyto` (it was not sent with
 *   `Requester.request`), `INVALID_ENVELOPE` when `reply` is not an event; otherwise rejects as
 *   `bus.publish` does.
 */
export async function sendReply(
  bus: RequestReplyBus,
  request: CloudEvent,
  reply: CloudEvent,
): Promise<PublishResult> {
  if (!isEvent(request)) throw invalidArgument('sendReply expects the request event as its second argument.');
  const replyTo = request.extensions?.[REPLY_TO_EXTENSION];
  if (replyTo === undefined || replyTo === '') {
    throw invalidArgument(
      `Event ${JSON.stringify(request.type)} (id ${request.id}) has no "${REPLY_TO_EXTENSION}" extension, so there is no topic to reply on: send requests with requester.request().`,
    );
  }
  if (!isEvent(reply)) {
    throw new ValidationError(
      'INVALID_ENVELOPE',
      `sendReply expects the reply as a CloudEvent (create one from an event definition); got ${reply === null ? 'null' : typeof reply}.`,
    );
  }
  const outgoing: CloudEvent = {
    ...reply,
    correlationid: request.correlationid ?? request.id,
    causationid: request.id,
    ...(reply.tenantid === undefined && request.tenantid !== undefined ? { tenantid: request.tenantid } : {}),
    ...(reply.traceparent === undefined && request.traceparent !== undefined
      ? { traceparent: request.traceparent }
      : {}),
  };
  // The spread drops the definition link, so name the topic explicitly.
  return bus.publish(outgoing, { topic: replyTo });
}
