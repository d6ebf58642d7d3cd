import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSse } from './sse-client.js';

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves `status` and writes `chunks` one by one, then ends the response. */
async function serve(status: number, chunks: string[]): Promise<string> {
  server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) res.write(chunk);
    res.end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/tail`;
}

describe('openSse', () => {
  it('resolves ready at the ready comment and hands over each data line, also when split across chunks', async () => {
    const url = await serve(200, [
      ': ready\n\nevent: cloudevent\nid: 0:0\nda',
      'ta: {"a":1}\n\ndata: {"a":2}\n\n',
    ]);
    const data: string[] = [];
    const sse = openSse(url, (d) => data.push(d));
    await sse.ready;
    await sse.done;
    expect(data).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('rejects ready with the status when the server refuses the tail', async () => {
    const url = await serve(404, ['{"code":"UNKNOWN_TOPIC"}']);
    const sse = openSse(url, () => {});
    await expect(sse.ready).rejects.toThrow(/HTTP 404/);
  });

  it('rejects ready when the stream ends before the ready comment', async () => {
    const url = await serve(200, ['data: {}\n\n']);
    const sse = openSse(url, () => {});
    await expect(sse.ready).rejects.toThrow(/ended before it was ready/);
  });
});
