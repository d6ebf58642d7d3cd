// A server over a memory log and a memory event store, closed when the test finishes.
import {
  type Bus,
  createBus,
  createMemoryEventStore,
  createMemoryLog,
  type EventStore,
} from '@tributary/core';
import { onTestFinished } from 'vitest';
import { type CreateServerOptions, createServer, type TributaryServer } from '../../app.js';

export interface CallOptions {
  /** A JSON body (sent as application/json unless `headers` say otherwise). */
  readonly json?: unknown;
  /** A raw body. */
  readonly body?: string | Uint8Array;
  readonly headers?: Record<string, string>;
  /** Sends `Authorization: Bearer <token>`. */
  readonly token?: string;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
  readonly body: any;
}

export interface TestServer {
  readonly bus: Bus;
  readonly store: EventStore;
  readonly server: TributaryServer;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** The raw response, for streams. */
  request(method: string, path: string, options?: CallOptions): Promise<Response>;
}

export function testServer(options: Omit<CreateServerOptions, 'bus' | 'store'> = {}): TestServer {
  const bus = createBus(createMemoryLog());
  const store = createMemoryEventStore();
  const server = createServer({ bus, store, ...options });
  onTestFinished(async () => {
    await server.close({ timeoutMs: 2000 });
    await bus.close();
    await store.close();
  });
  const request = (method: string, path: string, call: CallOptions = {}): Promise<Response> => {
    const headers: Record<string, string> = { ...call.headers };
    if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
    let body: string | Uint8Array | undefined = call.body;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] ??= 'application/json';
    }
    return server.fetch(
      new Request(`http://test${path}`, { method, headers, ...(body === undefined ? {} : { body }) }),
    );
  };
  return {
    bus,
    store,
    server,
    request,
    async call(method, path, call) {
      const response = await request(method, path, call);
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, headers: response.headers, text, body };
    },
  };
}

/** A structured CloudEvent (JSON format) with readable defaults. */
export function cloudEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: `id-${Math.random().toString(36).slice(2)}`,
    source: '/tests',
    type: 'order.placed',
    time: '2025-03-01T10:00:00.000Z',
    datacontenttype: 'application/json',
    data: { orderId: 'o-1' },
    ...overrides,
  };
}
