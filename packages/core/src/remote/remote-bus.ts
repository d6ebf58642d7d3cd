/**
 * The remote client: a bus whose log lives in a running Tributary server, so several processes
 * share topics and consumer groups. Publishing posts CloudEvents (structured / batch mode);
 * consuming joins the server's consumer groups through its HTTP members API.
 */
import type { BatchEntry, PublishBatchOptions, PublishOptions, PublishResult } from '../bus/types.js';
import { toStructuredJson } from '../envelope/structured-json-codec.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, TributaryError } from '../errors/errors.js';
import { definitionOf } from '../events/definition-of.js';
import type { TopicConfig, TopicDescription } from '../ports/log.js';
import { resolveDeliverAt } from '../timers/schedule-options.js';
import { HttpClient } from './http-client.js';
import { RemoteConsumer } from './remote-consumer.js';
import type { RemoteConsumerOptions, RemoteOptions, RemoteSubscribeOptions } from './types.js';

interface WireResult {
  readonly partition: number;
  readonly offset: string;
  readonly scheduledId?: string;
  readonly deliverAt?: string;
}

/**
 * A bus on a remote Tributary server (`connect('http://host:8080', { apiKey })`). It offers the
 * publishing and consumer-group part of `Bus`; the rest (request-reply, scheduled-event listing,
 * in-process group snapshots) is not available remotely.
 */
export class RemoteBus {
  private readonly consumers = new Set<RemoteConsumer>();
  private closed = false;

  /** @internal Use `connectRemote` or `connect('http://…')`. */
  constructor(
    private readonly http: HttpClient,
    private readonly clientId: string,
  ) {}

  /** The server's base URL. */
  get url(): string {
    return this.http.url;
  }

  /** Creates a topic. @throws RemoteError `TOPIC_EXISTS`, `INVALID_TOPIC_CONFIG`, … */
  async createTopic(name: string, config: Partial<TopicConfig> = {}): Promise<TopicDescription> {
    this.assertOpen('createTopic');
    const answer = await this.http.request({ method: 'POST', path: '/v1/topics', json: { name, ...config } });
    return answer as TopicDescription;
  }

  /** Publishes one event; resolves once the server has it durably. */
  async publish(event: CloudEvent, options: PublishOptions = {}): Promise<PublishResult> {
    this.assertOpen('publish');
    const topic = topicOf(event, options.topic);
    const query = new URLSearchParams();
    if (options.key !== undefined) query.set('key', options.key);
    if (options.partition !== undefined) query.set('partition', String(options.partition));
    const deliverAt = resolveDeliverAt(options, 'publish option ');
    if (deliverAt !== undefined) query.set('delayMs', String(Math.max(0, deliverAt - Date.now())));
    const [result] = await this.post(topic, query, toStructuredJson(event), 'application/cloudevents+json');
    return result as PublishResult;
  }

  /**
   * Publishes events, one request per topic. An entry's `key` travels as the event's
   * `partitionkey`. Per-entry scheduling is not supported remotely: use `publish` with `delayMs`.
   */
  async publishBatch(
    entries: readonly BatchEntry[],
    options: PublishBatchOptions = {},
  ): Promise<PublishResult[]> {
    this.assertOpen('publishBatch');
    const byTopic = new Map<string, { index: number; json: string }[]>();
    entries.forEach((entry, index) => {
      const { event, key } = unpack(entry, index);
      const json = toStructuredJson(key === undefined ? event : { ...event, partitionkey: key });
      const topic = topicOf(event, options.topic);
      const list = byTopic.get(topic) ?? [];
      list.push({ index, json });
      byTopic.set(topic, list);
    });
    const results: PublishResult[] = new Array(entries.length);
    for (const [topic, list] of byTopic) {
      const body = `[${list.map((e) => e.json).join(',')}]`;
      const answered = await this.post(
        topic,
        new URLSearchParams(),
        body,
        'application/cloudevents-batch+json',
      );
      list.forEach((e, i) => {
        results[e.index] = answered[i] as PublishResult;
      });
    }
    return results;
  }

  /** A consumer-group member; call `run({ eachEvent })` to join and start. */
  consumer(options: RemoteConsumerOptions): RemoteConsumer {
    this.assertOpen('consumer');
    if (typeof options.group !== 'string' || !Array.isArray(options.topics) || options.topics.length === 0) {
      throw invalidArgument('A remote consumer needs { group, topics: [at least one topic] }.');
    }
    const consumer = new RemoteConsumer(this.http, options, this.clientId, (c) => this.consumers.delete(c));
    this.consumers.add(consumer);
    return consumer;
  }

  /** `consumer(options).run({ eachEvent: options.handler })`; resolves with the running consumer. */
  async subscribe(options: RemoteSubscribeOptions): Promise<RemoteConsumer> {
    const { handler, ...rest } = options;
    const consumer = this.consumer(rest);
    try {
      await consumer.run({ eachEvent: handler });
    } catch (err) {
      await consumer.stop();
      throw err;
    }
    return consumer;
  }

  /** Stops every consumer (each leaves its group). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }

  private async post(
    topic: string,
    query: URLSearchParams,
    text: string,
    contentType: string,
  ): Promise<PublishResult[]> {
    const search = query.size === 0 ? '' : `?${query}`;
    const answer = await this.http.request({
      method: 'POST',
      path: `/v1/topics/${encodeURIComponent(topic)}/events${search}`,
      body: { text, contentType },
    });
    const results = Reflect.get(Object(answer), 'results') as readonly WireResult[];
    return results.map((r) => ({
      topic,
      partition: r.partition,
      offset: BigInt(r.offset),
      ...(r.scheduledId === undefined ? {} : { scheduledId: r.scheduledId }),
      ...(r.deliverAt === undefined ? {} : { deliverAt: new Date(r.deliverAt) }),
    }));
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new TributaryError('CLOSED', `Cannot ${operation}: this remote bus is closed.`);
  }
}

/**
 * Connects to a Tributary server and checks it answers (and accepts the API key).
 * @throws RemoteError `UNSUPPORTED_CONNECTION` naming the URL when it cannot be reached, or saying
 *   to pass `apiKey` when the server answers 401.
 */
export async function connectRemote(url: string, options: RemoteOptions = {}): Promise<RemoteBus> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(`Not a server URL: ${JSON.stringify(url)}; expected e.g. "http://localhost:8080".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidArgument(`connectRemote needs an http:// or https:// URL; got "${parsed.protocol}".`);
  }
  const clientId = options.clientId ?? 'tributary';
  if (!/^[\w.-]{1,100}$/.test(clientId)) {
    throw invalidArgument(
      `clientId must be 1 to 100 letters, digits, ".", "_" or "-"; got ${JSON.stringify(clientId)}.`,
    );
  }
  const http = new HttpClient(`${parsed.origin}${parsed.pathname}`, {
    apiKey: options.apiKey,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  await http.request({ method: 'GET', path: '/v1/topics' });
  return new RemoteBus(http, clientId);
}

function topicOf(event: CloudEvent, topic: string | undefined): string {
  const target = topic ?? definitionOf(event)?.topic;
  if (target === undefined) {
    throw invalidArgument(
      `No topic for event ${JSON.stringify(event.type)}: pass { topic }, or define the event with a topic.`,
    );
  }
  return target;
}

function unpack(entry: BatchEntry, index: number): { event: CloudEvent; key: string | undefined } {
  if ('event' in entry && !('specversion' in entry)) {
    if (entry.deliverAt !== undefined || entry.delayMs !== undefined) {
      throw invalidArgument(
        `Event ${index} of the batch is scheduled: a remote publishBatch cannot schedule; publish it with { delayMs }.`,
      );
    }
    return { event: entry.event, key: entry.key };
  }
  return { event: entry as CloudEvent, key: undefined };
}
