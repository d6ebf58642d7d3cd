// The outbox relay: publishes the event store's outbox to the bus.

export { OutboxRelayError } from './errors.js';
export { OUTBOX_RELAY_LEASE, startOutboxRelay } from './relay.js';
export type { OutboxRelay, OutboxRelayOptions, OutboxRelayState, OutboxRelayStatus } from './types.js';
