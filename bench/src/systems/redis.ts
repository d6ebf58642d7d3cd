import { Redis } from 'ioredis';
import { orderJson } from '../events.js';
import { type BenchSystem, type SystemSession, SystemUnavailable } from './types.js';

export const redisUrl = process.env.TRIB_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
let keys = 0;

/** A connection that fails fast instead of retrying forever when the server is down. */
export async function connectOrSkip(): Promise<Redis> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  let cause: Error | undefined; // connect() only says "Connection is closed"; the socket error says why
  redis.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new SystemUnavailable(`Redis at ${redisUrl} unreachable: ${(cause ?? (err as Error)).message}`);
  }
}

/** What the server does about durability, read from its config rather than assumed. */
export async function durabilityNote(redis: Redis): Promise<string> {
  const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
  if (appendonly !== 'yes') return 'appendonly no: acked events are in memory only, nothing fsynced';
  const [, fsync] = (await redis.config('GET', 'appendfsync')) as string[];
  return `appendonly yes, appendfsync ${fsync}`;
}

/** Redis Streams: pipelined XADD per batch; XREAD BLOCK to consume; XRANGE pages to read back. */
export const redis: BenchSystem = {
  name: 'redis',
  async open(): Promise<SystemSession> {
    const client = await connectOrSkip();
    const key = `bench:${process.pid}:${++keys}`;
    await client.del(key);
    const info = await client.info('server');
    const reader = { conn: null as Redis | null, stopped: false };
    return {
      version: /redis_version:(\S+)/.exec(info)?.[1],
      note: await durabilityNote(client),
      async publishBatch(gen, size) {
        const pipeline = client.pipeline();
        for (let i = 0; i < size; i++) pipeline.xadd(key, '*', 'e', orderJson(gen.next()));
        const results = await pipeline.exec();
        const failed = results?.find(([err]) => err !== null);
        if (failed) throw failed[0];
      },
      async publishSingle(gen) {
        await client.xadd(key, '*', 'e', orderJson(gen.next()));
      },
      async subscribe(listener) {
        const conn = await connectOrSkip();
        reader.conn = conn;
        const loop = async (): Promise<void> => {
          let last = '0-0';
          while (!reader.stopped) {
            const res = await conn.xreadBuffer('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, last);
            const entries = res?.[0]?.[1];
            if (!entries || entries.length === 0) continue;
            last = String(entries[entries.length - 1]?.[0]);
            listener(entries.length);
          }
        };
        loop().catch(() => undefined); // ends when close() disconnects the reader
      },
      async readAll() {
        let read = 0;
        let start = '-';
        for (;;) {
          const page = await client.xrangeBuffer(key, start, '+', 'COUNT', 10_000);
          if (page.length === 0) return read;
          read += page.length;
          start = `(${String(page[page.length - 1]?.[0])}`;
        }
      },
      async close() {
        reader.stopped = true;
        reader.conn?.disconnect();
        await client.del(key);
        client.disconnect();
      },
    };
  },
};
