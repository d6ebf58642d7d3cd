import { testEventStore, testOutbox } from '@tributary/conformance';
import { createMemoryEventStore } from './memory-event-store.js';

const harness = () => ({
  open: async (options?: Parameters<typeof createMemoryEventStore>[0]) => createMemoryEventStore(options),
});
testEventStore('memory event store', harness);
testOutbox('memory event store outbox', harness);
