import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  AppendResult,
  CommittedOffset,
  FetchOptions,
  FetchResult,
  Log,
  LogRecordInput,
  TopicConfig,
  TopicDescription,
} from '@tributary/core';
import { LogError, TributaryError } from '@tributary/core';
import {
  checkAppendRecords,
  checkCommittedOffset,
  checkFetchOptions,
  checkPartition,
  describeTopic,
  invalidArgument,
  resolveTopicConfig,
  validateGroupName,
  validateTopicName,
} from '@tributary/core/internal';
import { DataDirLock } from './data-dir/lock.js';
import { OffsetStore } from './offsets/offset-store.js';
import { DEFAULT_FILE_LOG_OPTIONS, type FileLogOptions, type RecoveryReport } from './options.js';
import { Partition } from './partition/partition.js';
import { encodeBatch, readBatchHeader } from './record-batch/index.js';
import { TopicDirs } from './topics/topic-dirs.js';

const CLEAN_SHUTDOWN = '.clean-shutdown';
const DEFAULT_FETCH_BYTES = 1024 * 1024;

interface Topic {
  config: TopicConfig;
  partitions: Partition[];
}

/**
 * The embedded log: a data directory owned by one process, holding topics of partitions of
 * segment files in Kafka's RecordBatch v2 format, plus consumer groups' committed offsets.
 */
export class FileLog implements Log {
  private readonly topics = new Map<string, Topic>();
  private closed = false;
  private readonly retentionTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly dir: string,
    private readonly options: Required<Omit<FileLogOptions, 'logger' | 'onFsync'>> &
      Pick<FileLogOptions, 'onFsync'>,
    private readonly lock: DataDirLock,
    private readonly dirs: TopicDirs,
    private readonly offsets: OffsetStore,
    /** What opening the directory found and repaired. */
    readonly recovery: RecoveryReport,
  ) {
    if (options.retentionCheckIntervalMs > 0) {
      this.retentionTimer = setInterval(
        () => void this.enforceRetention().catch(() => {}),
        options.retentionCheckIntervalMs,
      );
      this.retentionTimer.unref();
    }
  }

  /** Opens (creating if needed) a data directory; recovers after an unclean stop. */
  static open(dir: string, options: FileLogOptions = {}): FileLog {
    const resolved = { ...DEFAULT_FILE_LOG_OPTIONS, ...options };
    const logger = options.logger ?? console;
    fs.mkdirSync(dir, { recursive: true });
    const lock = DataDirLock.acquire(dir);
    try {
      const cleanMarker = path.join(dir, CLEAN_SHUTDOWN);
      const cleanShutdown = fs.existsSync(cleanMarker);
      fs.rmSync(cleanMarker, { force: true }); // from now on, a crash means the next open must check
      const dirs = new TopicDirs(path.join(dir, 'topics'), path.join(dir, 'trash'));
      const { topics, incomplete } = dirs.load();
      const recovery: RecoveryReport = { cleanShutdown, truncations: [], incompleteTopics: incomplete };
      const log = new FileLog(
        dir,
        resolved,
        lock,
        dirs,
        OffsetStore.open(path.join(dir, 'offsets')),
        recovery,
      );
      for (const [name, config] of topics) {
        const partitions: Partition[] = [];
        for (let p = 0; p < config.partitions; p++) {
          const opened = Partition.open(log.partitionOptions(name, p, config, !cleanShutdown));
          for (const t of opened.truncations) {
            recovery.truncations.push({ topic: name, partition: p, ...t });
            logger.warn(
              `tributary: recovered ${name}/${p}: dropped ${t.droppedBytes} bytes after byte ${t.position} of ${t.file} (${t.reason})`,
            );
          }
          partitions.push(opened.partition);
        }
        log.topics.set(name, { config, partitions });
      }
      return log;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private partitionOptions(topic: string, partition: number, config: TopicConfig, recover: boolean) {
    return {
      dir: this.dirs.partitionDir(topic, partition),
      topic,
      partition,
      config,
      recover,
      indexIntervalBytes: this.options.indexIntervalBytes,
      verifyOnRead: this.options.verifyOnRead,
      onFsync: this.options.onFsync,
    };
  }

  async createTopic(name: string, config?: Partial<TopicConfig>): Promise<TopicDescription> {
    this.checkOpen();
    validateTopicName(name);
    const resolved = resolveTopicConfig(config);
    if (this.topics.has(name)) throw new LogError('TOPIC_EXISTS', `Topic "${name}" already exists.`);
    this.dirs.create(name, resolved);
    const partitions = Array.from(
      { length: resolved.partitions },
      (_, p) => Partition.open(this.partitionOptions(name, p, resolved, false)).partition,
    );
    this.topics.set(name, { config: resolved, partitions });
    return this.describe(name);
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.topic(name);
    this.topics.delete(name);
    await Promise.all(topic.partitions.map((p) => p.close()));
    this.dirs.remove(name);
    await this.offsets.forgetTopic(name);
  }

  async listTopics(): Promise<readonly TopicDescription[]> {
    this.checkOpen();
    return [...this.topics.keys()].sort().map((name) => this.describe(name));
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    this.topic(name);
    return this.describe(name);
  }

  private describe(name: string): TopicDescription {
    const topic = this.topics.get(name)!;
    return describeTopic(name, topic.config, topic.partitions);
  }

  async append(topic: string, partition: number, records: readonly LogRecordInput[]): Promise<AppendResult> {
    const p = await this.partitionForAppend(topic, partition);
    checkAppendRecords(topic, partition, records);
    const batch = encodeBatch(records, 0n, Date.now());
    const { maxMessageBytes } = this.topics.get(topic)!.config;
    if (batch.length > maxMessageBytes) {
      throw new LogError(
        'RECORD_TOO_LARGE',
        `Append to ${topic}/${partition} is ${batch.length} bytes encoded, over the topic's maxMessageBytes (${maxMessageBytes}); split it into smaller appends or raise maxMessageBytes.`,
      );
    }
    const { maxTimestamp } = readBatchHeader(batch, 0)!;
    const { baseOffset, lastOffset } = await p.append({
      bytes: batch,
      recordCount: records.length,
      maxTimestamp,
    });
    return { topic, partition, baseOffset, lastOffset };
  }

  private async partitionForAppend(topic: string, partition: number): Promise<Partition> {
    const auto = this.options.autoCreateTopics;
    if (auto !== false && !this.topics.has(topic)) {
      this.checkOpen();
      validateTopicName(topic);
      await this.createTopic(topic, auto === true ? {} : auto);
    }
    return this.partition(topic, partition);
  }

  async fetch(
    topic: string,
    partition: number,
    offset: bigint,
    options: FetchOptions = {},
  ): Promise<FetchResult> {
    const p = this.partition(topic, partition);
    if (typeof offset !== 'bigint')
      throw invalidArgument(`Fetch offset must be a bigint, got ${typeof offset}.`);
    checkFetchOptions(options);
    const maxBytes = options.maxBytes ?? DEFAULT_FETCH_BYTES;
    const maxRecords = options.maxRecords ?? Number.MAX_SAFE_INTEGER;
    const result = await p.fetch(offset, maxBytes, maxRecords);
    if (result.records.length > 0 || !options.maxWaitMs) return result;
    await p.waitForData(offset, options.maxWaitMs, options.signal);
    this.checkOpen();
    return p.fetch(offset, maxBytes, maxRecords);
  }

  async earliestOffset(topic: string, partition: number): Promise<bigint> {
    return this.partition(topic, partition).earliestOffset;
  }

  async latestOffset(topic: string, partition: number): Promise<bigint> {
    return this.partition(topic, partition).latestOffset;
  }

  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<bigint | null> {
    const p = this.partition(topic, partition);
    if (!Number.isFinite(timestamp))
      throw invalidArgument(`Timestamp must be a finite number of ms, got ${timestamp}.`);
    return p.offsetForTimestamp(timestamp);
  }

  async commitOffsets(group: string, offsets: readonly CommittedOffset[]): Promise<void> {
    this.checkOpen();
    validateGroupName(group);
    for (const o of offsets) {
      this.partition(o.topic, o.partition);
      checkCommittedOffset(group, o);
    }
    await this.offsets.commit(group, offsets);
  }

  async fetchOffsets(group: string, topic?: string): Promise<readonly CommittedOffset[]> {
    this.checkOpen();
    validateGroupName(group);
    return this.offsets.fetch(group, topic);
  }

  async listGroups(): Promise<readonly string[]> {
    this.checkOpen();
    return this.offsets.listGroups();
  }

  async deleteGroup(group: string): Promise<void> {
    this.checkOpen();
    validateGroupName(group);
    await this.offsets.deleteGroup(group);
  }

  /** Deletes segments past their topic's retention; returns how many were deleted. */
  async enforceRetention(now = Date.now()): Promise<number> {
    this.checkOpen();
    let deleted = 0;
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) deleted += await p.enforceRetention(now);
    }
    return deleted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.retentionTimer);
    for (const topic of this.topics.values()) await Promise.all(topic.partitions.map((p) => p.close()));
    await this.offsets.close();
    fs.writeFileSync(path.join(this.dir, CLEAN_SHUTDOWN), new Date().toISOString());
    this.lock.release();
  }

  private checkOpen(): void {
    if (this.closed) throw new TributaryError('CLOSED', `The log at ${this.dir} is closed.`);
  }

  private topic(name: string): Topic {
    this.checkOpen();
    const topic = this.topics.get(name);
    if (topic) return topic;
    validateTopicName(name);
    throw new LogError(
      'UNKNOWN_TOPIC',
      `Topic "${name}" does not exist; create it first (or enable autoCreateTopics).`,
    );
  }

  private partition(topic: string, partition: number): Partition {
    const t = this.topic(topic);
    checkPartition(topic, t.partitions.length, partition);
    return t.partitions[partition]!;
  }
}

/** Opens the embedded log in `dir` (the `file:` adapter of the Log port). */
export async function openFileLog(dir: string, options?: FileLogOptions): Promise<FileLog> {
  return FileLog.open(dir, options);
}
