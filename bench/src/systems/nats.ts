import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { orderJson } from '../events.js';
import { type BenchSystem, type SystemSession, SystemUnavailable } from './types.js';

const url = process.env.TRIB_BENCH_NATS_URL ?? '127.0.0.1:4222';
let streams = 0;

async function connectOrSkip(): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, timeout: 2000, reconnect: false });
  } catch (err) {
    throw new SystemUnavailable(`NATS at ${url} unreachable: ${(err as Error).message}`);
  }
}

/**
 * NATS JetStream: one file-storage stream per session; a batch is published asynchronously and
 * all its acks awaited. The server acks once the message is written, fsyncing on its own
 * `sync_interval` (2 min by default), so acked data is not yet on stable storage.
 */
export const nats: BenchSystem = {
  name: 'nats',
  note: 'file storage; server fsyncs every sync_interval (default 2 min), not per ack',
  async open(): Promise<SystemSession> {
    const nc = await connectOrSkip();
    const jsm = await jetstreamManager(nc).catch(async (err: Error) => {
      await nc.close();
      throw new SystemUnavailable(`NATS at ${url} has no JetStream: ${err.message}`);
    });
    const js = jetstream(nc);
    const stream = `BENCH_${process.pid}_${++streams}`;
    const subject = `bench.${process.pid}.${streams}`;
    await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File });
    let written = 0;
    const session: SystemSession = {
      version: nc.info?.version,
      async publishBatch(gen, size) {
        const acks = new Array<Promise<unknown>>(size);
        for (let i = 0; i < size; i++) acks[i] = js.publish(subject, orderJson(gen.next()));
        await Promise.all(acks);
        written += size;
      },
      async publishSingle(gen) {
        await js.publish(subject, orderJson(gen.next()));
        written++;
      },
      async subscribe(listener) {
        const name = `${stream}_e2e`;
        await jsm.consumers.add(stream, {
          durable_name: name,
          ack_policy: AckPolicy.None,
          deliver_policy: DeliverPolicy.All,
        });
        const consumer = await js.consumers.get(stream, name);
        await consumer.consume({ max_messages: 1000, callback: () => listener(1) });
      },
      async readAll() {
        const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
        let read = 0;
        let bytes = 0;
        const messages = await consumer.consume({ max_messages: 10_000 });
        for await (const m of messages) {
          bytes += m.data.length;
          if (++read >= written) break;
        }
        await messages.close();
        if (read > 0 && bytes === 0) throw new Error('NATS delivered empty messages');
        return read;
      },
      async close() {
        await jsm.streams.delete(stream).catch(() => undefined);
        await nc.close();
      },
    };
    return session;
  },
};
