import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Consumer } from '../bus/consumer.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, isTributaryError, TributaryError, ValidationError } from '../errors/errors.js';
import { definitionOf } from '../events/definition-of.js';
import type { Counter, Histogram } from '../ports/metrics.js';
import { type ResolvedRequesterOptions, resolveRequesterOptions, resolveRequestOptions } from './options.js';
import {
  REPLY_TO_EXTENSION,
  type RequesterOptions,
  type RequestOptions,
  type RequestReplyBus,
} from './types.js';

/** How many answered or timed-out request ids are remembered to recognise late and duplicate replies. */
const REMEMBERED_REQUESTS = 10_000;

type Outcome = 'replied' | 'timeout' | 'failed' | 'closed';

interface Pending {
  readonly command: CloudEvent;
  readonly started: number;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly resolve: (reply: CloudEvent) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Request-reply over events: publishes a command and resolves with its reply event.
 *
 * Replies arrive on one reply topic, read by this requester's own consumer group
 * `<clientId>.replies.<random>` from the latest offset (started on the first request; it commits
 * nothing, as it never resumes). A reply belongs to the pending request whose id is its
 * `causationid` (set by {@link sendReply}) or, failing that, its `correlationid` (which is the
 * request id when the command had no correlation id of its own). Matching on the request id rather
 * than on `correlationid` alone keeps two concurrent requests of one business flow, which share a
 * correlation id, apart.
 *
 * A reply to a request that already timed out or was already answered is dropped and counted in
 * `tributary_request_late_replies_total{reason="late"|"duplicate"}` (for the last 10,000 requests);
 * replies to other requesters sharing the topic are ignored.
 */
export class Requester {
  /** The topic replies are read from. */
  readonly replyTopic: string;
  /** The reply consumer's group. */
  readonly group: string;
  private readonly bus: RequestReplyBus;
  private readonly pending = new Map<string, Pending>();
  /** Recently settled request ids, oldest first, by how they settled. */
  private readonly settled = new Map<string, 'late' | 'duplicate'>();
  private readonly lateReplies: Counter;
  private readonly duration: Histogram;
  private consumer: Consumer | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(bus: RequestReplyBus, options?: RequesterOptions) {
    const resolved: ResolvedRequesterOptions = resolveRequesterOptions(options);
    this.bus = bus;
    this.replyTopic = resolved.replyTopic;
    this.group = `${resolved.clientId}.replies.${randomUUID().slice(0, 8)}`;
    this.lateReplies = resolved.metrics.counter(
      'tributary_request_late_replies_total',
      'Replies dropped because their request had timed out (late) or was already answered (duplicate).',
      ['reason'],
    );
    this.duration = resolved.metrics.histogram(
      'tributary_request_duration_seconds',
      'Time from sending a request to its outcome, in seconds.',
      ['outcome'],
    );
  }

  /** Requests waiting for their reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Publishes `command` with `correlationid` = its id (unless it has one) and the extension
   * `replyto` = {@link replyTopic}, and resolves with the first matching reply.
   *
   * @throws TributaryError `REQUEST_TIMEOUT` (retryable) naming the command's type, id and the
   *   timeout when no reply arrives within `timeoutMs`; `CLOSED` when the requester is or gets
   *   closed; ValidationError `INVALID_ARGUMENT` for bad options, a command without a topic, a
   *   command whose id is already in flight or whose `replyto` names another topic; whatever
   *   `bus.publish` rejects with.
   */
  async request(command: CloudEvent, options?: RequestOptions): Promise<CloudEvent> {
    this.assertOpen();
    const { topic: explicitTopic, key, timeoutMs } = resolveRequestOptions(options);
    const outgoing = this.prepare(command);
    const topic = explicitTopic ?? definitionOf(command)?.topic;
    if (topic === undefined) {
      throw invalidArgument(
        `No topic for command ${JSON.stringify(command.type)}: pass { topic } to request, or define the event with a topic.`,
      );
    }
    const started = performance.now();
    await this.start();
    this.assertOpen();
    const id = command.id;
    if (this.pending.has(id)) {
      throw invalidArgument(
        `A request with id ${id} is already waiting for its reply: create a new command event for a new request.`,
      );
    }
    return new Promise<CloudEvent>((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(id, timeoutMs), timeoutMs);
      const entry: Pending = { command, started, timer, resolve, reject };
      this.pending.set(id, entry);
      this.settled.delete(id); // a retry of a timed-out command is in flight again
      this.bus.publish(outgoing, key === undefined ? { topic } : { topic, key }).catch((err: unknown) => {
        if (this.pending.get(id) === entry) this.settle(id, entry, 'failed', undefined, err);
      });
    });
  }

  /** Rejects every pending request with `CLOSED` and stops the reply consumer. Idempotent. */
  close(): Promise<void> {
    if (this.closing === undefined) this.closing = this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const [id, entry] of [...this.pending]) {
      const error = new TributaryError(
        'CLOSED',
        `The requester was closed before command ${JSON.stringify(entry.command.type)} (id ${id}) got its reply.`,
      );
      this.settle(id, entry, 'closed', undefined, error);
    }
    await this.starting?.catch(() => {});
    await this.consumer?.stop();
  }

  private prepare(command: CloudEvent): CloudEvent {
    if (typeof command !== 'object' || command === null || Array.isArray(command)) {
      throw new ValidationError(
        'INVALID_ENVELOPE',
        `request expects a CloudEvent command (create one from an event definition); got ${command === null ? 'null' : typeof command}.`,
      );
    }
    const existing = command.extensions?.[REPLY_TO_EXTENSION];
    if (existing !== undefined && existing !== this.replyTopic) {
      throw invalidArgument(
        `Command ${command.id} already has ${REPLY_TO_EXTENSION}=${JSON.stringify(existing)}, but this requester reads replies from ${JSON.stringify(this.replyTopic)}: remove the extension or use a requester with that replyTopic.`,
      );
    }
    return {
      ...command,
      correlationid: command.correlationid ?? command.id,
      extensions: { ...command.extensions, [REPLY_TO_EXTENSION]: this.replyTopic },
    };
  }

  /** Creates the reply topic if missing and starts the reply consumer, once; retried after a failure. */
  private start(): Promise<void> {
    if (this.starting === undefined) {
      this.starting = this.listen().catch((err: unknown) => {
        this.starting = undefined;
        throw err;
      });
    }
    return this.starting;
  }

  private async listen(): Promise<void> {
    try {
      await this.bus.createTopic(this.replyTopic, { partitions: 1 });
    } catch (err) {
      if (!isTributaryError(err, 'TOPIC_EXISTS')) throw err;
    }
    const consumer = this.bus.consumer({
      group: this.group,
      topics: [this.replyTopic],
      from: 'latest',
      // A fresh group per requester never resumes: committing would only leave offsets behind.
      autoCommit: false,
    });
    this.consumer = consumer;
    try {
      await consumer.run({ eachEvent: (event) => this.received(event) });
    } catch (err) {
      await consumer.stop();
      throw err;
    }
  }

  private received(reply: CloudEvent): void {
    for (const id of [reply.causationid, reply.correlationid]) {
      if (id === undefined || id === reply.id) continue; // never the command itself
      const entry = this.pending.get(id);
      if (entry !== undefined) {
        this.settle(id, entry, 'replied', reply);
        return;
      }
    }
    for (const id of [reply.causationid, reply.correlationid]) {
      const reason = id === undefined ? undefined : this.settled.get(id);
      if (reason !== undefined) {
        this.lateReplies.inc({ reason });
        return;
      }
    }
  }

  private timedOut(id: string, timeoutMs: number): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    const error = new TributaryError(
      'REQUEST_TIMEOUT',
      `No reply to command ${JSON.stringify(entry.command.type)} (id ${id}) within ${timeoutMs} ms on topic "${this.replyTopic}": is a responder consuming its topic and replying with sendReply()?`,
      { retryable: true },
    );
    this.settle(id, entry, 'timeout', undefined, error);
  }

  private settle(id: string, entry: Pending, outcome: Outcome, reply?: CloudEvent, error?: unknown): void {
    clearTimeout(entry.timer);
    this.pending.delete(id);
    this.duration.observe({ outcome }, (performance.now() - entry.started) / 1000);
    if (outcome === 'replied' || outcome === 'timeout') {
      this.settled.set(id, outcome === 'replied' ? 'duplicate' : 'late');
      if (this.settled.size > REMEMBERED_REQUESTS) {
        const oldest = this.settled.keys().next();
        if (oldest.done !== true) this.settled.delete(oldest.value);
      }
    }
    if (reply !== undefined) entry.resolve(reply);
    else entry.reject(error);
  }

  private assertOpen(): void {
    if (this.closing !== undefined) {
      throw new TributaryError('CLOSED', 'The requester is closed: create a new one to send requests.');
    }
  }
}
