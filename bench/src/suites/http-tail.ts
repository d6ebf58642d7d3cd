import { performance } from 'node:perf_hooks';
import { OrderGenerator, orderJson } from '../events.js';
import { RssSampler, type ServerProcess } from '../http/server-process.js';
import { openSse } from '../http/sse-client.js';
import { waitFor } from '../measure.js';
import type { Measured } from '../results.js';
import { LatencyRecorder } from '../stats.js';
import { HTTP_TOPIC, measureServerRow, serverTiming } from './http-row.js';
import { rates, type Suite, type SuiteContext } from './suite.js';

const RATE = 2_000;
const DRAIN_TIMEOUT_MS = 15_000;
const ID_PREFIX = 'bench-';
const ID_IN_DATA = /"id":"bench-(\d+)"/;
const TICK_MS = 5;
/** POSTs in flight at most (keep-alive connections); late events wait for a free one. */
const MAX_IN_FLIGHT = 16;
const MAX_BATCH = 500;

/** Posts events `from` … `to - 1` (ids `bench-<seq>`) as one batch; rejects unless 201. */
async function post(url: string, gen: OrderGenerator, from: number, to: number): Promise<void> {
  const events: string[] = [];
  for (let seq = from; seq < to; seq++) events.push(orderJson(gen.next(), `${ID_PREFIX}${seq}`));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: `[${events.join(',')}]`,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`produce: HTTP ${res.status} ${text.slice(0, 300)}`);
}

/**
 * One SSE client tails the topic from `latest` while a publisher sends RATE events/s on an
 * absolute schedule: every TICK_MS it POSTs the events due so far as one batch (≈10 events; one
 * POST per event is more than this 2-core machine's client and server can do at this rate, and
 * the row is about the tail). Late events go in the next POST, with at most MAX_IN_FLIGHT POSTs
 * in flight. Each event's id carries its number; its send time (just before its POST) is kept
 * here, and its latency is the SSE arrival time minus that.
 */
async function tailRow(ctx: SuiteContext, server: ServerProcess): Promise<Measured> {
  const warmupMs = serverTiming(ctx).warmupMs;
  // Long enough to see whether the server's memory grows with the events it serves.
  const measureMs = ctx.quick ? 2000 : 10_000;
  const interval = 1000 / RATE;
  const warmupEvents = Math.round((warmupMs * RATE) / 1000);
  const total = warmupEvents + Math.round((measureMs * RATE) / 1000);
  const sentAt = new Float64Array(total);
  const recorder = new LatencyRecorder();
  let received = 0;
  let failure: unknown;
  const rss = new RssSampler(server);
  const sse = openSse(`${server.url}/v1/topics/${HTTP_TOPIC}/tail`, (data) => {
    const now = performance.now();
    const seq = Number(ID_IN_DATA.exec(data)?.[1] ?? Number.NaN);
    if (!(seq >= 0 && seq < total)) {
      failure ??= new Error(`tail: unexpected event ${data.slice(0, 200)}`);
      return;
    }
    received++;
    if (seq >= warmupEvents) recorder.add(now - (sentAt[seq] ?? now));
  });
  try {
    await sse.ready;
    const url = `${server.url}/v1/topics/${HTTP_TOPIC}/events`;
    const gen = new OrderGenerator();
    let rssStart = Number.NaN;
    let sent = 0;
    let inFlight = 0;
    const t0 = performance.now();
    while (sent < total && failure === undefined) {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      if (Number.isNaN(rssStart) && due >= warmupEvents) rssStart = server.rssMb();
      if (due > sent && inFlight < MAX_IN_FLIGHT) {
        const to = Math.min(due, sent + MAX_BATCH);
        sentAt.fill(performance.now(), sent, to);
        inFlight++;
        post(url, gen, sent, to).then(
          () => inFlight--,
          (err: unknown) => {
            failure ??= err;
          },
        );
        sent = to;
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    const rssEnd = server.rssMb();
    await waitFor(() => received >= total || failure !== undefined, `${total} SSE events`, DRAIN_TIMEOUT_MS);
    if (failure !== undefined) throw failure;
    const behindMs = performance.now() - (t0 + total * interval);
    const late = behindMs > 1000 ? `; fell behind: last event ${(behindMs / 1000).toFixed(1)} s late` : '';
    const events = recorder.count;
    const summary = recorder.summary();
    return {
      ...rates(ctx, events, measureMs),
      p50_ms: summary.p50,
      p99_ms: summary.p99,
      events,
      rate: RATE,
      rss_mb: rss.stop(),
      note: `1 SSE client, a POST of the events due every ${TICK_MS} ms; server RSS ${rssStart.toFixed(0)} MB at the window's start, ${rssEnd.toFixed(0)} MB at its end${late}`,
    };
  } finally {
    rss.stop();
    sse.close();
  }
}

/** `http.tail`: publish → SSE delivery latency at a fixed rate, and the server's RSS meanwhile. */
export const httpTailSuite: Suite = {
  name: 'http.tail',
  description: `publish→SSE latency at ${RATE} events/s (a POST every 5 ms) and the server's peak RSS`,
  async run(ctx, emit) {
    if (!ctx.systems.some((s) => s.name === 'tributary')) return;
    ctx.progress('http.tail tributary');
    emit(
      await measureServerRow(ctx, this.name, { batch: null, concurrency: 1 }, (server) =>
        tailRow(ctx, server),
      ),
    );
  },
};
