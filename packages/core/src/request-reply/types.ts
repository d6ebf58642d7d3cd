import type { Bus } from '../bus/bus.js';
import type { Metrics } from '../ports/metrics.js';

/** The extension attribute naming the topic a request's reply goes to. */
export const REPLY_TO_EXTENSION = 'replyto';

/** The reply topic of a {@link RequesterOptions} without `replyTopic`. */
export const DEFAULT_REPLY_TOPIC = 'tributary.replies';

/** The default time a request waits for its reply. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** What request-reply uses of a {@link Bus}. */
export type RequestReplyBus = Pick<Bus, 'publish' | 'createTopic' | 'consumer'>;

/** Options of a `Requester`. */
export interface RequesterOptions {
  /**
   * The topic replies come back on; created with 1 partition when missing. Many requesters may
   * share one: each reads all of it and keeps the replies to its own requests. Default
   * `tributary.replies`.
   */
  readonly replyTopic?: string;
  /** Prefix of the reply consumer's group, `<clientId>.replies.<random>`. Default `tributary`. */
  readonly clientId?: string;
  /**
   * Where to record `tributary_request_late_replies_total{reason}` and
   * `tributary_request_duration_seconds{outcome}`. Default: nothing recorded.
   */
  readonly metrics?: Metrics;
}

/** Options of `Requester.request`. */
export interface RequestOptions {
  /** Topic of the command; defaults to the topic of the command's event definition. */
  readonly topic?: string;
  /** Record key of the command; defaults to its `partitionkey`. */
  readonly key?: string;
  /**
   * How long to wait for the reply, in ms, counted from publishing the command (publishing
   * included; starting the reply consumer on the first request is not). Default 30000. Rejects
   * with `REQUEST_TIMEOUT` after it.
   */
  readonly timeoutMs?: number;
}
