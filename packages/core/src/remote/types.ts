import type { CloudEvent } from '../envelope/types.js';

/** Options of `connectRemote` (and of `connect` with an `http(s)://` URL). */
export interface RemoteOptions {
  /** The API key, when the server has auth on (sent as `Authorization: Bearer <key>`). */
  readonly apiKey?: string;
  /** Names this process in group descriptions (1–100 of letters, digits, `.`, `_`, `-`). Default `tributary`. */
  readonly clientId?: string;
  /** Abort a request after this long (long polls get their wait on top). Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
}

/** What a remote handler gets with each event. */
export interface RemoteEventContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** The record's timestamp, ms since the epoch. */
  readonly timestamp: number;
  /** The record key as text (`null`: keyless). */
  readonly key: string | null;
}

/** The handler of a remote consumer: one event at a time, in offset order per partition. */
export type RemoteEachEvent = (event: CloudEvent, ctx: RemoteEventContext) => Promise<void> | void;

/** Where a remote consumer's error happened. */
export interface RemoteConsumerErrorContext {
  readonly group: string;
  readonly memberId: string | undefined;
  readonly phase: 'join' | 'fetch' | 'handler' | 'decode' | 'commit' | 'leave';
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: bigint;
}

/** Options of `remoteBus.consumer`. */
export interface RemoteConsumerOptions {
  /** The consumer group; members of one group (in any process) share the topics' partitions. */
  readonly group: string;
  readonly topics: readonly string[];
  /** Start position on partitions without a committed offset. Default `'latest'`. */
  readonly from?: 'earliest' | 'latest';
  /** Events per fetch. Default 100. */
  readonly maxRecords?: number;
  /**
   * How long one fetch waits on the server for events (ms). Default 1000. Fetching is also the
   * member's heartbeat: a member that neither fetches nor commits for the session timeout loses its
   * partitions, so keep each handler call well below it.
   */
  readonly pollWaitMs?: number;
  /** The server removes the member after this long without a fetch (1000–600 000 ms). Default: the server's. */
  readonly sessionTimeoutMs?: number;
  /** Called with each error the consumer recovers from (it retries with backoff). Default: `console.error`. */
  readonly onError?: (error: unknown, ctx: RemoteConsumerErrorContext) => void;
}

/** Options of `remoteBus.subscribe`: a consumer plus its handler. */
export interface RemoteSubscribeOptions extends RemoteConsumerOptions {
  readonly handler: RemoteEachEvent;
}
