import { invalidArgument } from '../errors/errors.js';
import { noopMetrics } from '../metrics/noop-metrics.js';
import type { Metrics } from '../ports/metrics.js';
import { validateTopicName } from '../topics/topic-config.js';
import {
  DEFAULT_REPLY_TOPIC,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type RequesterOptions,
  type RequestOptions,
} from './types.js';

/** setTimeout's largest delay. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export interface ResolvedRequesterOptions {
  readonly replyTopic: string;
  readonly clientId: string;
  readonly metrics: Metrics;
}

export interface ResolvedRequestOptions {
  readonly topic: string | undefined;
  readonly key: string | undefined;
  readonly timeoutMs: number;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

export function resolveRequesterOptions(options: RequesterOptions | undefined): ResolvedRequesterOptions {
  if (options !== undefined && !isObject(options))
    throw invalidArgument('Requester options must be an object.');
  const replyTopic = options?.replyTopic ?? DEFAULT_REPLY_TOPIC;
  validateTopicName(replyTopic);
  const clientId = options?.clientId ?? 'tributary';
  if (typeof clientId !== 'string' || !/^[\w.-]{1,100}$/.test(clientId)) {
    throw invalidArgument(
      `Requester option clientId=${JSON.stringify(clientId)} is invalid: use 1 to 100 letters, digits, ".", "_" or "-".`,
    );
  }
  const metrics = options?.metrics ?? noopMetrics;
  if (!isObject(metrics) || typeof metrics.counter !== 'function') {
    throw invalidArgument('Requester option metrics must implement the Metrics port.');
  }
  return { replyTopic, clientId, metrics };
}

export function resolveRequestOptions(options: RequestOptions | undefined): ResolvedRequestOptions {
  if (options === undefined)
    return { topic: undefined, key: undefined, timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS };
  if (!isObject(options)) throw invalidArgument('request options must be an object.');
  for (const name of ['topic', 'key'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string') {
      throw invalidArgument(`request option ${name} must be a string; got ${typeof value}.`);
    }
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalidArgument(
      `request option timeoutMs=${String(timeoutMs)} must be an integer from 1 to ${MAX_TIMEOUT_MS} (ms).`,
    );
  }
  return { topic: options.topic, key: options.key, timeoutMs };
}
