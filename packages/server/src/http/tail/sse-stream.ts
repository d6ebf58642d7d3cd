/**
 * A Server-Sent Events response with backpressure: `send` resolves only once the client has taken
 * the previous chunk (an identity TransformStream with no readable buffer, drained by the HTTP
 * server as the socket accepts data). A slow client therefore slows its own writer down instead
 * of making the server buffer: memory per stream stays bounded.
 */
import { stringifyJson } from '../json.js';

const encoder = new TextEncoder();

export class SseStream {
  readonly response: Response;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly ended = new AbortController();
  /** Ends the response with an error, dropping the connection (for a client that stopped reading). */
  private readonly drop: (reason: Error) => void;
  private closing: Promise<void> | undefined;

  /**
   * @param dropConnection destroys the client's connection, for `close` to give up on a client
   *   that stopped reading; without it the response body is failed instead.
   */
  constructor(dropConnection?: () => void) {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    this.writer = writable.getWriter();
    this.writer.closed.catch(() => {}); // errored when the client goes away or is dropped: expected
    const chunks = readable.getReader();
    let body: ReadableStreamDefaultController<Uint8Array> | undefined;
    this.drop = (reason) => {
      void chunks.cancel(reason).catch(() => {}); // fails the writes waiting for the client
      if (dropConnection === undefined) body?.error(reason);
      else dropConnection();
    };
    // Pulled one chunk at a time by the HTTP server, as the socket drains.
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          body = controller;
        },
        pull: async (controller) => {
          try {
            const { done, value } = await chunks.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch {
            // Dropped: the connection is gone (or the body was failed) already; end quietly.
            safely(() => controller.close());
          }
        },
        cancel: async (reason) => {
          this.ended.abort(); // the client went away
          await chunks.cancel(reason).catch(() => {});
        },
      },
      { highWaterMark: 0 },
    );
    this.response = new Response(stream, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      },
    });
  }

  /** Aborted when the client disconnects or the stream is closed. */
  get signal(): AbortSignal {
    return this.ended.signal;
  }

  /** Sends one event whose data is `data` as JSON; resolves once the client has taken it. */
  send(event: string, data: unknown, id?: string): Promise<void> {
    const lines = [
      `event: ${event}`,
      ...(id === undefined ? [] : [`id: ${id}`]),
      `data: ${stringifyJson(data)}`,
    ];
    return this.write(`${lines.join('\n')}\n\n`);
  }

  /** Sends a comment line (ignored by clients; keeps proxies and dead-connection detection busy). */
  comment(text: string): Promise<void> {
    return this.write(`: ${text.replaceAll('\n', ' ')}\n\n`);
  }

  /**
   * Ends the response cleanly after what was sent so far; a client that has not taken that within
   * `graceMs` has its connection dropped instead. Idempotent.
   */
  close(graceMs = 1000): Promise<void> {
    this.closing ??= (async () => {
      if (!this.ended.signal.aborted) this.ended.abort();
      const timer = setTimeout(
        () => this.drop(new Error('the event stream was closed while the client was not reading')),
        graceMs,
      );
      timer.unref();
      await this.writer.close().catch(() => {});
      clearTimeout(timer);
    })();
    return this.closing;
  }

  private async write(text: string): Promise<void> {
    if (this.ended.signal.aborted) return;
    try {
      await this.writer.write(encoder.encode(text));
    } catch {
      this.ended.abort(); // the client is gone
    }
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // already closed or errored
  }
}
