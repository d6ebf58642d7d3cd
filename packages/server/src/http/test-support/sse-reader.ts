// Reads a Server-Sent Events response message by message, for tests.

export interface SseMessage {
  readonly event?: string;
  readonly id?: string;
  readonly data?: string;
  /** Set for a comment line (`: text`). */
  readonly comment?: string;
}

export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  ended = false;

  constructor(response: Response) {
    if (response.body === null) throw new Error('the response has no body');
    this.reader = response.body.getReader();
  }

  /** The next message; undefined when the stream ended. */
  async next(): Promise<SseMessage | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parse(block);
      }
      const { done, value } = await this.reader.read();
      if (done) {
        this.ended = true;
        return undefined;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** The data (parsed) of the next `event: cloudevent` message, skipping comments. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read event fields freely
  async nextEvent(): Promise<any> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) return undefined;
      if (message.event === 'cloudevent' && message.data !== undefined) return JSON.parse(message.data);
    }
  }

  /** Waits for the comment `text`. */
  async until(text: string): Promise<void> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) throw new Error(`the stream ended before ": ${text}"`);
      if (message.comment === text) return;
    }
  }

  /** Disconnects, as a client closing the connection. */
  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

function parse(block: string): SseMessage {
  const message: { event?: string; id?: string; data?: string; comment?: string } = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(': ')) message.comment = line.slice(2);
    else if (line.startsWith('event: ')) message.event = line.slice(7);
    else if (line.startsWith('id: ')) message.id = line.slice(4);
    else if (line.startsWith('data: '))
      message.data = (message.data === undefined ? '' : `${message.data}\n`) + line.slice(6);
  }
  return message;
}
