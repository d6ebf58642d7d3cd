// Shipping service: books a shipment with a (simulated) carrier, or cancels one. Table
// `shipments`, one row per order. The carrier may reject a shipment, or lose the request and never
// answer.
import type { Subscription } from '@tributary/core';
import type { SqliteEventStore, SqliteTx } from '@tributary/sqlite';
import {
  CancelShipment,
  CreateShipment,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentFailed,
} from '../events.js';
import { commitChange, createTables, type ServiceEnv, subscribeService } from './service-kit.js';

/** `created` (booked), `failed` (rejected by the carrier), `cancelled` (cancelled, or cancelled before it was booked). */
export type ShipmentStatus = 'created' | 'failed' | 'cancelled';

export interface ShipmentRow {
  readonly order_id: string;
  readonly shipment_id: string | null;
  readonly status: ShipmentStatus;
  readonly carrier: string | null;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS shipments (
  order_id TEXT PRIMARY KEY,
  shipment_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('created', 'failed', 'cancelled')),
  carrier TEXT
)`;

const CARRIERS: Readonly<Record<string, string>> = { DE: 'DHL', FR: 'Colissimo', NL: 'PostNL' };
const streamOf = (orderId: string) => `shipment-${orderId}`;

/** Starts the shipping service (consumer group `shipping-service`). */
export async function startShippingService(env: ServiceEnv): Promise<Subscription> {
  await createTables(env.store, SCHEMA);
  return subscribeService(env, 'shipping-service', [CreateShipment, CancelShipment], async (command) => {
    const { orderId } = command.data;
    const causedBy = { causedBy: command };
    if (command.type === 'shipment.cancel') {
      await commitChange(env.store, (db) => {
        const row = rowOf(db, orderId);
        if (row?.status === 'cancelled') return undefined; // cancelled before
        // A cancellation that overtakes its booking leaves a `cancelled` row: the late booking is refused.
        db.run(
          `INSERT INTO shipments VALUES (?, NULL, 'cancelled', NULL)
           ON CONFLICT (order_id) DO UPDATE SET status = 'cancelled'`,
          orderId,
        );
        return { stream: streamOf(orderId), events: [ShipmentCancelled.create({ orderId }, causedBy)] };
      });
      return;
    }
    // The carrier lost the request: no answer, nothing booked. The saga's deadline deals with it.
    if (env.faults.is(orderId, 'shipment-lost') !== undefined) return;
    const { address } = command.data;
    const carrier = CARRIERS[address.country] ?? 'DPD';
    const rejected = env.faults.is(orderId, 'shipping-failed') !== undefined;
    await commitChange(env.store, (db) => {
      if (rowOf(db, orderId) !== undefined) return undefined; // booked, rejected or cancelled before
      if (rejected) {
        db.run("INSERT INTO shipments VALUES (?, NULL, 'failed', ?)", orderId, carrier);
        const reason = `${carrier} does not deliver to ${address.city} (${address.country})`;
        return { stream: streamOf(orderId), events: [ShipmentFailed.create({ orderId, reason }, causedBy)] };
      }
      const shipmentId = `shp_${orderId}`;
      db.run("INSERT INTO shipments VALUES (?, ?, 'created', ?)", orderId, shipmentId, carrier);
      return {
        stream: streamOf(orderId),
        events: [ShipmentCreated.create({ orderId, shipmentId, carrier }, causedBy)],
      };
    });
  });
}

function rowOf(db: SqliteTx, orderId: string): ShipmentRow | undefined {
  return db.get<ShipmentRow>(
    'SELECT order_id, shipment_id, status, carrier FROM shipments WHERE order_id = ?',
    orderId,
  );
}

/** Every shipment row (for the consistency check). */
export function allShipments(store: SqliteEventStore): ShipmentRow[] {
  return store.db
    .prepare<[], ShipmentRow>('SELECT order_id, shipment_id, status, carrier FROM shipments')
    .all();
}
