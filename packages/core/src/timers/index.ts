// Durable timers: scheduled publishes (`bus.publish(event, { deliverAt | delayMs })`).
export { TIMER_HEADERS, TIMERS_GROUP, TIMERS_TOPIC } from './timer-records.js';
export type {
  DeliverAt,
  ScheduledEvent,
  ScheduledFilter,
  ScheduleOptions,
  TimerErrorContext,
} from './types.js';
