import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TopicConfig } from '@tributary/core';
import { resolveTopicConfig } from '@tributary/core/internal';
import { syncDir, writeFileAtomic } from '../data-dir/atomic-file.js';

const TOPIC_FILE = 'topic.json';

/**
 * Where topics live on disk: `<root>/<topic>/topic.json` (its config: written last, the commit
 * point of a creation) and `<root>/<topic>/<partition>/` (segment files). Deletion first moves the
 * directory to `<trash>/`, so a crash never leaves half a topic behind.
 */
export class TopicDirs {
  constructor(
    readonly root: string,
    private readonly trash: string,
  ) {
    fs.mkdirSync(root, { recursive: true });
    fs.rmSync(trash, { recursive: true, force: true }); // finish deletions a crash interrupted
  }

  partitionDir(topic: string, partition: number): string {
    return path.join(this.root, topic, String(partition));
  }

  /** Topics whose creation completed, with their saved config; removes half-created ones. */
  load(): { topics: Map<string, TopicConfig>; incomplete: string[] } {
    const topics = new Map<string, TopicConfig>();
    const incomplete: string[] = [];
    for (const name of fs.readdirSync(this.root)) {
      const file = path.join(this.root, name, TOPIC_FILE);
      if (!fs.existsSync(file)) {
        incomplete.push(name);
        fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
        continue;
      }
      topics.set(name, resolveTopicConfig(JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<TopicConfig>));
    }
    return { topics, incomplete };
  }

  /** Creates the directories, then commits the creation by writing the config. */
  create(topic: string, config: TopicConfig): void {
    for (let p = 0; p < config.partitions; p++)
      fs.mkdirSync(this.partitionDir(topic, p), { recursive: true });
    writeFileAtomic(path.join(this.root, topic, TOPIC_FILE), JSON.stringify(config, null, 2));
    syncDir(this.root);
  }

  /** Atomically removes a topic (rename into the trash, then delete). */
  remove(topic: string): void {
    fs.mkdirSync(this.trash, { recursive: true });
    const doomed = path.join(this.trash, `${topic}.${Date.now()}`);
    fs.renameSync(path.join(this.root, topic), doomed);
    syncDir(this.root);
    fs.rmSync(doomed, { recursive: true, force: true });
  }
}
