import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { orderJson } from '../events.js';
import type { BenchSystem, SystemSession } from './types.js';

/**
 * SQLite (better-sqlite3): WAL with synchronous=FULL, so a committed transaction is fsynced.
 * A batch is one transaction of prepared single-row INSERTs; a single publish is its own commit.
 */
export const sqlite: BenchSystem = {
  name: 'sqlite',
  note: 'WAL, synchronous=FULL',
  async open(): Promise<SystemSession> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-bench-sqlite-'));
    const db = new Database(path.join(dir, 'events.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const insert = db.prepare<[string]>('INSERT INTO events (payload) VALUES (?)');
    const select = db.prepare('SELECT id, payload FROM events ORDER BY id').raw();
    const insertMany = db.transaction((payloads: readonly string[]) => {
      for (const p of payloads) insert.run(p);
    });
    return {
      version: String(db.prepare('SELECT sqlite_version()').pluck().get()),
      async publishBatch(gen, size) {
        const payloads = new Array<string>(size);
        for (let i = 0; i < size; i++) payloads[i] = orderJson(gen.next());
        insertMany(payloads);
      },
      async publishSingle(gen) {
        insert.run(orderJson(gen.next()));
      },
      async readAll() {
        let read = 0;
        for (const _row of select.iterate()) read++;
        return read;
      },
      async close() {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
