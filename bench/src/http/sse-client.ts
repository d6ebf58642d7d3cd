/**
 * A minimal Server-Sent Events reader over global fetch, for `http.tail`: calls `onData` with the
 * `data:` of each event and resolves `ready` at the server's `: ready` comment.
 */
export interface SseClient {
  /** Resolves once the server says the tail is positioned (`: ready`). */
  readonly ready: Promise<void>;
  /** Resolves when the stream ends (closed by `close` or the server), rejects if it failed. */
  readonly done: Promise<void>;
  close(): void;
}

export function openSse(url: string, onData: (data: string) => void): SseClient {
  const abort = new AbortController();
  let markReady: () => void = () => {};
  let failReady: (err: unknown) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const read = async (): Promise<void> => {
    const res = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
    if (res.status !== 200 || !res.body) {
      throw new Error(`tail: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    }
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        for (const line of block.split('\n')) {
          if (line.startsWith('data: ')) onData(line.slice(6));
          else if (line === ': ready') markReady();
        }
        end = buffered.indexOf('\n\n');
      }
    }
  };
  const done = read().then(
    () => failReady(new Error('tail: the stream ended before it was ready')),
    (err: unknown) => {
      failReady(err);
      if (!abort.signal.aborted) throw err;
    },
  );
  done.catch(() => {}); // reported through `ready` or by whoever awaits `done`
  return { ready, done, close: () => abort.abort() };
}
