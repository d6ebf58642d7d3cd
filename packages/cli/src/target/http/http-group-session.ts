import type { ConsumedRecord, GroupSession, GroupStart, ReadOptions } from '../types.js';
import { array, consumedRecord, object, string } from './decode.js';
import type { HttpClient } from './http-client.js';

/**
 * `trib consume -g` against a server: a group member created through the members API; the server
 * coordinates it with the group's other members (in any language), so partitions may be shared.
 */
export class HttpGroupSession implements GroupSession {
  private closed = false;

  private constructor(
    private readonly client: HttpClient,
    private readonly path: string,
    private readonly topic: string,
  ) {}

  /** Joins; `start` (earliest or latest) applies where the group has no committed offset. */
  static async join(
    client: HttpClient,
    group: string,
    topic: string,
    start: Exclude<GroupStart, object>,
  ): Promise<HttpGroupSession> {
    const joined = object(
      await client.request({
        method: 'POST',
        path: `/v1/groups/${encodeURIComponent(group)}/members`,
        body: { topics: [topic], clientId: 'trib-cli', from: start },
      }),
      'join answer',
    );
    const memberId = string(joined.memberId, 'memberId');
    const path = `/v1/groups/${encodeURIComponent(group)}/members/${encodeURIComponent(memberId)}`;
    return new HttpGroupSession(client, path, topic);
  }

  async fetch(options: ReadOptions): Promise<{ records: readonly ConsumedRecord[]; caughtUp: boolean }> {
    const answer = object(
      await this.client.request({
        method: 'POST',
        path: `${this.path}/fetch`,
        body: { maxRecords: options.maxRecords, waitMs: options.waitMs },
        ...(options.signal !== undefined && { signal: options.signal }),
      }),
      'fetch answer',
    );
    const records = array(answer.events, 'events').map((e) => consumedRecord(e, this.topic));
    // Until the first rebalance completes a member holds nothing: not caught up yet.
    const assigned = Array.isArray(answer.assignments) && answer.assignments.length > 0;
    return { records, caughtUp: records.length === 0 && assigned };
  }

  async commit(offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.client.request({ method: 'POST', path: `${this.path}/commit`, body: { offsets } });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.request({ method: 'DELETE', path: this.path });
  }
}
