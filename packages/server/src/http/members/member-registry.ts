/**
 * The HTTP consumer-group members of a server, and their session timeouts: a member whose client
 * neither fetches nor commits for longer than its session timeout is removed from its group, and
 * its partitions go to the remaining members (which read them on from the committed offsets, so
 * nothing uncommitted is lost).
 */
import type { Bus } from '@tributary/core';
import type { ServerLogger } from '../observability.js';
import { HttpProblem } from '../problem.js';
import type { Principal } from '../security.js';
import { HttpMember, type JoinRequest } from './http-member.js';

export class MemberRegistry {
  private readonly members = new Map<string, HttpMember>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly bus: Bus,
    private readonly logger: ServerLogger,
  ) {}

  /** Adds a member to `request.group`; resolves once it holds its partitions. */
  async join(request: JoinRequest, principal: Principal): Promise<HttpMember> {
    this.assertOpen();
    const member = await HttpMember.join(this.bus, request, principal, this.logger);
    if (this.closed) {
      await member.stop();
      this.assertOpen();
    }
    this.members.set(member.id, member);
    this.armSweeper();
    this.logger.info(
      { group: request.group, memberId: member.id, clientId: request.clientId },
      'HTTP member joined',
    );
    return member;
  }

  /**
   * The member `id` of `group`, for `principal`.
   * @throws HttpProblem 404 when there is no such member (it left or timed out: join again), 403
   *   when another API key created it.
   */
  get(group: string, id: string, principal: Principal): HttpMember {
    const member = this.members.get(id);
    if (member === undefined || member.request.group !== group) {
      throw new HttpProblem(
        404,
        'UNKNOWN_MEMBER',
        `Group "${group}" has no HTTP member "${id}": it left, or was removed after its session timeout without a fetch. Join again (POST /v1/groups/${encodeURIComponent(group)}/members).`,
        [{ path: 'member', message: 'unknown member' }],
      );
    }
    if (member.principal.keyId !== principal.keyId) {
      throw new HttpProblem(403, 'FORBIDDEN', `Member "${id}" belongs to another API key.`);
    }
    return member;
  }

  /** Removes a member: it leaves the group. */
  async leave(member: HttpMember, reason: string): Promise<void> {
    if (this.members.get(member.id) !== member) return;
    this.members.delete(member.id);
    this.logger.info({ group: member.request.group, memberId: member.id, reason }, 'HTTP member left');
    await member.stop();
  }

  /** Groups with HTTP members now. */
  groups(): string[] {
    return [...new Set([...this.members.values()].map((m) => m.request.group))];
  }

  /** The HTTP member backed by the bus member `busMemberId`, if any (for describe). */
  byBusMemberId(busMemberId: string): HttpMember | undefined {
    for (const member of this.members.values()) if (member.busMemberId === busMemberId) return member;
    return undefined;
  }

  /** Removes every member (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    const all = [...this.members.values()];
    this.members.clear();
    await Promise.all(all.map((m) => m.stop()));
  }

  private assertOpen(): void {
    if (this.closed)
      throw new HttpProblem(503, 'SHUTTING_DOWN', 'The server is shutting down; join another instance.');
  }

  /** Checks sessions at a quarter of the shortest session timeout (10 ms to 1 s). */
  private armSweeper(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    const shortest = Math.min(...[...this.members.values()].map((m) => m.request.sessionTimeoutMs));
    const period = Math.max(10, Math.min(1000, Math.floor(shortest / 4)));
    this.sweeper = setInterval(() => this.sweep(), period);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = Date.now();
    for (const member of this.members.values()) {
      if (!member.expired(now)) continue;
      const reason = `no fetch for more than its session timeout (${member.request.sessionTimeoutMs} ms)`;
      this.leave(member, reason).catch((err: unknown) =>
        this.logger.error({ err, memberId: member.id }, 'removing an expired HTTP member failed'),
      );
    }
    if (this.members.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
