import { OrderGenerator, orderJson } from '../events.js';
import { RssSampler } from '../http/server-process.js';
import { measureWorkers } from '../measure.js';
import { HTTP_TOPIC, measureServerRow, serverTiming } from './http-row.js';
import { rates, type Suite } from './suite.js';

const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';

/** The two rows: batches from a few clients, single events from many. */
const ROWS = [
  { batch: 100, concurrency: 8 },
  { batch: 1, concurrency: 64 },
] as const;

/**
 * POSTs `batch` events (a batch body, or one structured event) and resolves with how many the
 * server acknowledged (201). The body is read to the end so the keep-alive connection is reused.
 */
async function produce(url: string, gen: OrderGenerator, batch: number): Promise<number> {
  const orders = gen.batch(batch);
  const body =
    batch === 1 ? orderJson(orders[0] ?? gen.next()) : `[${orders.map((o) => orderJson(o)).join(',')}]`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': batch === 1 ? STRUCTURED_CONTENT_TYPE : BATCH_CONTENT_TYPE },
    body,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`produce: HTTP ${res.status} ${text.slice(0, 300)}`);
  return batch;
}

/** `http.produce`: events/s and latency of HTTP produce from concurrent keep-alive clients. */
export const httpProduceSuite: Suite = {
  name: 'http.produce',
  description: 'HTTP produce (CloudEvents batch and structured) to a server child on loopback',
  async run(ctx, emit) {
    if (!ctx.systems.some((s) => s.name === 'tributary')) return;
    for (const shape of ROWS) {
      ctx.progress(`http.produce tributary batch=${shape.batch} conc=${shape.concurrency}`);
      const row = await measureServerRow(ctx, this.name, shape, async (server) => {
        const url = `${server.url}/v1/topics/${HTTP_TOPIC}/events`;
        const gen = new OrderGenerator();
        const rss = new RssSampler(server);
        try {
          const m = await measureWorkers(shape.concurrency, serverTiming(ctx), () =>
            produce(url, gen, shape.batch),
          );
          return {
            ...rates(ctx, m.events, m.elapsedMs),
            p50_ms: m.latency.p50,
            p99_ms: m.latency.p99,
            events: m.events,
            rss_mb: rss.stop(),
            note: `${shape.batch === 1 ? 'structured' : 'batch'} mode, global fetch keep-alive; rss = server peak`,
          };
        } finally {
          rss.stop();
        }
      });
      emit(row);
    }
  },
};
