import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, connectRemote } from '../connect/connect.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A stand-in server answering every request with `status` and a problem body. */
async function problemServer(status: number, code: string, detail: string): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: `urn:tributary:problem:${code}`, title: 'x', status, detail, code }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL nothing listens on. */
async function closedUrl(): Promise<`http://${string}`> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('the remote client', () => {
  it('names the URL and says to start the server when nothing answers', async () => {
    const url = await closedUrl();
    await expect(connectRemote(url)).rejects.toMatchObject({
      name: 'RemoteError',
      code: 'UNSUPPORTED_CONNECTION',
      status: 0,
      isRetryable: true,
      message: expect.stringMatching(
        new RegExp(`server at ${url} could not be reached.*ECONNREFUSED.*running`),
      ),
    });
  });

  it('loads the remote client for an http:// URL given to connect', async () => {
    const url = await closedUrl();
    await expect(connect(`${url}/`)).rejects.toMatchObject({
      code: 'UNSUPPORTED_CONNECTION',
      message: expect.stringContaining(url),
    });
  });

  it('says to pass apiKey when the server answers 401', async () => {
    const url = await problemServer(401, 'UNAUTHORIZED', 'Missing API key.');
    await expect(connectRemote(url)).rejects.toMatchObject({
      status: 401,
      problemCode: 'UNAUTHORIZED',
      message: expect.stringContaining('pass it as connect(url, { apiKey })'),
    });
  });

  it('keeps the Tributary code of a problem the server answers with', async () => {
    const url = await problemServer(404, 'UNKNOWN_TOPIC', 'Topic "nope" does not exist.');
    await expect(connectRemote(url)).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
      status: 404,
      isRetryable: false,
      message: expect.stringContaining('Topic "nope" does not exist.'),
    });
  });

  it('rejects a URL that is not http(s) and a bad clientId with INVALID_ARGUMENT', async () => {
    await expect(connectRemote('ftp://x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(connectRemote('not a url')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(connectRemote('http://127.0.0.1:1', { clientId: 'bad id!' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
