import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommittedOffset } from '@tributary/core';
import { writeFileAtomic } from '../data-dir/atomic-file.js';
import { fdatasync } from '../partition/fs-async.js';
import { GroupCommit, type Queued } from '../partition/group-commit.js';
import { crc32c } from '../record-batch/index.js';

const JOURNAL = 'offsets.journal';
/** Compact the journal (rewrite it as one snapshot line) once it grows past this. */
const COMPACT_BYTES = 4 * 1024 * 1024;

type EncodedOffset = [topic: string, partition: number, offset: string, metadata?: string];
/** One journal line: a group's commit (atomic), or with `replace` its complete new set (empty = deleted). */
interface Entry {
  group: string;
  offsets: EncodedOffset[];
  replace?: true;
}

/**
 * Durable committed offsets of consumer groups: an append-only journal of CRC-checked JSON lines,
 * replayed on open (a torn last line from a crash is dropped) and compacted into a snapshot when it
 * grows. Commits issued together share one fsync; a commit resolves once durable.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private readonly writes: GroupCommit<Entry, void>;
  private size: number;

  private constructor(
    private readonly file: string,
    private fd: number,
  ) {
    this.size = fs.fstatSync(fd).size;
    this.writes = new GroupCommit((group) => this.write(group));
  }

  static open(dir: string): OffsetStore {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, JOURNAL);
    const store = new OffsetStore(file, fs.openSync(file, 'a+'));
    const text = fs.readFileSync(file, 'utf8');
    let valid = 0;
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry) break; // torn or damaged tail: everything before it is good
      store.apply(entry);
      valid += Buffer.byteLength(line) + 1;
    }
    if (valid < Buffer.byteLength(text)) {
      fs.ftruncateSync(store.fd, valid);
      store.size = valid;
    }
    return store;
  }

  commit(group: string, offsets: readonly CommittedOffset[]): Promise<void> {
    return this.writes.enqueue({ group, offsets: offsets.map(encode) });
  }

  deleteGroup(group: string): Promise<void> {
    return this.writes.enqueue({ group, offsets: [], replace: true });
  }

  fetch(group: string, topic?: string): CommittedOffset[] {
    const offsets = [...(this.groups.get(group)?.values() ?? [])];
    return topic === undefined ? offsets : offsets.filter((o) => o.topic === topic);
  }

  listGroups(): string[] {
    return [...this.groups.keys()];
  }

  /** Drops a topic's offsets from every group (when the topic is deleted). */
  async forgetTopic(topic: string): Promise<void> {
    for (const [group, offsets] of this.groups) {
      const kept = [...offsets.values()].filter((o) => o.topic !== topic);
      if (kept.length < offsets.size)
        await this.writes.enqueue({ group, offsets: kept.map(encode), replace: true });
    }
  }

  private async write(group: Queued<Entry, void>[]): Promise<void> {
    const lines = group.map((q) => Buffer.from(formatLine(q.item)));
    fs.writevSync(this.fd, lines, this.size);
    await fdatasync(this.fd);
    for (const [i, q] of group.entries()) {
      this.size += lines[i]!.length;
      this.apply(q.item);
      q.settle();
    }
    if (this.size > COMPACT_BYTES) this.compact();
  }

  /** Rewrites the journal as one line per group holding its current offsets. */
  private compact(): void {
    const snapshot = [...this.groups].map(([group, offsets]) =>
      formatLine({ group, offsets: [...offsets.values()].map(encode), replace: true }),
    );
    const data = snapshot.join('');
    writeFileAtomic(this.file, data);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a+');
    this.size = Buffer.byteLength(data);
  }

  private apply(entry: Entry): void {
    if (entry.replace) this.groups.delete(entry.group);
    if (entry.offsets.length === 0) return;
    const offsets = this.groups.get(entry.group) ?? new Map<string, CommittedOffset>();
    this.groups.set(entry.group, offsets);
    for (const [topic, partition, offset, metadata] of entry.offsets) {
      const committed: CommittedOffset = {
        topic,
        partition,
        offset: BigInt(offset),
        ...(metadata === undefined ? {} : { metadata }),
      };
      offsets.set(`${partition}:${topic}`, committed);
    }
  }

  async close(): Promise<void> {
    await this.writes.drain();
    fs.closeSync(this.fd);
  }
}

function encode(o: CommittedOffset): EncodedOffset {
  const offset = o.offset.toString();
  return o.metadata === undefined
    ? [o.topic, o.partition, offset]
    : [o.topic, o.partition, offset, o.metadata];
}

function formatLine(entry: Entry): string {
  const json = JSON.stringify(entry);
  const crc = crc32c(Buffer.from(json)).toString(16).padStart(8, '0');
  return `${crc} ${json}\n`;
}

function parseLine(line: string): Entry | undefined {
  if (line.length < 10 || line[8] !== ' ') return undefined;
  const json = line.slice(9);
  if (crc32c(Buffer.from(json)).toString(16).padStart(8, '0') !== line.slice(0, 8)) return undefined;
  return JSON.parse(json) as Entry;
}
