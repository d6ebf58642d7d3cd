import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { describeWithPostgres } from './test-support/pg.js';
import { event, events, useStores } from './test-support/stores.js';

const WRITERS = 16;
const RUN_MS = 3000;

describeWithPostgres('the global log under concurrent writers', () => {
  const stores = useStores();

  it('never lets a tailing reader skip an event that commits after a higher position', async () => {
    // one store (pool, connection) per writer: their transactions really overlap in the server
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => stores.open({ poolSize: 1 })));
    const reader = await stores.open({ poolSize: 1 });
    const deadline = Date.now() + RUN_MS;
    let written = 0;
    const write = async (w: number) => {
      const store = writers[w]!;
      for (let round = 0; Date.now() < deadline; round++) {
        const stream = `account-${w}-${round % 7}`;
        if (round % 3 === 0)
          // a transaction that stays open after its append: the classic cause of late commits
          await store.transaction(async (tx) => {
            await tx.appendToStream(stream, events(2));
            await tx.db.query('SELECT pg_sleep($1)', [Math.random() * 0.004]);
          });
        else if (round % 3 === 1)
          await store.appendToStreams([
            { stream, events: [event()] },
            { stream: `ledger-${w}`, events: events(3) },
          ]);
        else await store.appendToStream(stream, events(1 + (round % 5)));
        written++;
      }
    };

    const seen: bigint[] = [];
    let writing = true;
    const tail = async () => {
      let after = 0n;
      for (;;) {
        // every writer has committed when this read starts: an empty page means the end
        const last = !writing;
        const page = await reader.readAll({ after, maxCount: 500 });
        for (const r of page) seen.push(r.position);
        if (page.length > 0) after = page.at(-1)!.position;
        else if (last) return;
        else await sleep(1);
      }
    };

    const tailing = tail();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => write(w)));
    writing = false;
    await tailing;

    const all: bigint[] = [];
    for (let after = 0n; ; ) {
      const page = await reader.readAll({ after, maxCount: 5000 });
      if (page.length === 0) break;
      all.push(...page.map((r) => r.position));
      after = page.at(-1)!.position;
    }
    expect(written).toBeGreaterThan(WRITERS * 5);
    expect(all.length).toBeGreaterThan(written);
    // What the tailing reader saw, in order, is exactly the whole log: nothing skipped, nothing twice.
    expect(seen).toEqual(all);
  });
});
