// Deadlines as durable timers. A transition writes a deadline *request* through the outbox (atomic
// with the state change); the saga's own subscription turns the request into a timer
// (`bus.publish(…, { deliverAt })`) if the deadline is still pending. A deadline the instance no
// longer waits for has its timer cancelled; a timer that fires anyway is stale and ignored.
import type { Bus } from '../bus/bus.js';
import type { CloudEvent } from '../envelope/types.js';
import type { PendingDeadline } from './record.js';
import { SagaDeadline } from './record.js';

/** Timer ids of deadlines scheduled by this process, so a cancel does not have to list the timers. */
const MAX_REMEMBERED = 100_000;

export class DeadlineTimers {
  private readonly timerIds = new Map<string, string>();
  scheduled = 0;
  cancelled = 0;

  constructor(
    private readonly bus: Bus,
    private readonly sagaName: string,
    private readonly topic: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Schedules the timer of `deadline` (due now or later) for the instance of `stream`. */
  async schedule(
    request: CloudEvent,
    deadline: PendingDeadline,
    instance: { readonly instanceId: string; readonly stream: string; readonly tenant: string },
  ): Promise<void> {
    const event = SagaDeadline.create(
      { saga: this.sagaName, instanceId: instance.instanceId, name: deadline.name, at: deadline.at },
      { id: deadline.id, tenantid: instance.tenant, causedBy: request },
    );
    const result = await this.bus.publish(event, {
      topic: this.topic,
      key: instance.stream,
      deliverAt: deadline.at,
    });
    this.scheduled += 1;
    if (result.scheduledId !== undefined) {
      if (this.timerIds.size >= MAX_REMEMBERED) this.timerIds.clear();
      this.timerIds.set(deadline.id, result.scheduledId);
    }
  }

  /** The deadline fired: its timer is gone. */
  fired(deadlineId: string): void {
    this.timerIds.delete(deadlineId);
  }

  /**
   * Cancels the timers of `deadlines`. Best effort: a failure is reported, and the timer, if it
   * fires, is ignored as stale.
   */
  async cancel(deadlines: readonly PendingDeadline[]): Promise<void> {
    if (deadlines.length === 0) return;
    try {
      const unknown = deadlines.filter((d) => !this.timerIds.has(d.id));
      // Timers scheduled by another process (or before a restart) are found by their event id.
      const listed = unknown.length === 0 ? [] : await this.bus.scheduled({ topic: this.topic });
      for (const deadline of deadlines) {
        const ids = listed.filter((t) => t.eventId === deadline.id).map((t) => t.id);
        const remembered = this.timerIds.get(deadline.id);
        if (remembered !== undefined) ids.push(remembered);
        this.timerIds.delete(deadline.id);
        for (const id of ids) if (await this.bus.cancelScheduled(id)) this.cancelled += 1;
      }
    } catch (error) {
      this.onError(error);
    }
  }
}
