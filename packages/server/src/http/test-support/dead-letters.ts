// Writing dead letters for tests, as a failing subscription would.
import { type CloudEvent, toLogRecord } from '@tributary/core';
import { writeDeadLetter } from '@tributary/core/internal';
import type { TestServer } from './harness.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

/** An event with JSON data `{ id }`. */
export function plainEvent(id: string, type: string, tenantid?: string): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source: '/tests',
    type,
    time: '2025-03-01T09:00:00.000Z',
    data: { id },
    ...(tenantid === undefined ? {} : { tenantid }),
  };
}

/** Dead-letters `event` for group billing, as if consumed from orders/0 at `offset`. */
export async function deadLetter(
  server: TestServer,
  event: CloudEvent,
  offset: bigint,
  key = 'k1',
): Promise<void> {
  const input = toLogRecord(event, key);
  await writeDeadLetter(
    server.bus.log,
    {
      offset,
      timestamp: input.timestamp ?? T0,
      key: input.key,
      value: input.value,
      headers: input.headers ?? [],
    },
    {
      error: { errorClass: 'TypeError', message: 'boom', stack: 'TypeError: boom' },
      attempts: 3,
      firstFailureAt: T0,
      lastFailureAt: T0 + 500,
      topic: 'orders',
      partition: 0,
      offset,
      group: 'billing',
    },
  );
}
