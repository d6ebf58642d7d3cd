// Inventory service: reserves stock for an order, or reports it out of stock; releases a
// reservation when the saga compensates. Tables: `inventory_stock` (units on hand and reserved per
// SKU) and `inventory_reservations` (one row per order).
import type { Subscription } from '@tributary/core';
import type { SqliteEventStore, SqliteTx } from '@tributary/sqlite';
import { z } from 'zod';
import { INITIAL_STOCK, PRODUCTS } from '../catalogue.js';
import {
  InventoryOutOfStock,
  InventoryReleased,
  InventoryReserved,
  ReleaseInventory,
  ReserveInventory,
  StockLine,
} from '../events.js';
import { commitChange, createTables, type ServiceEnv, subscribeService } from './service-kit.js';

/** `reserved` (held for the order), `rejected` (out of stock), `released` (given back, or never held). */
export type ReservationStatus = 'reserved' | 'rejected' | 'released';

export interface ReservationRow {
  readonly order_id: string;
  readonly status: ReservationStatus;
  /** JSON array of {@link StockLine}. */
  readonly items: string;
}

export interface StockRow {
  readonly sku: string;
  readonly on_hand: number;
  readonly reserved: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inventory_stock (
  sku TEXT PRIMARY KEY,
  on_hand INTEGER NOT NULL,
  reserved INTEGER NOT NULL CHECK (reserved >= 0)
);
CREATE TABLE IF NOT EXISTS inventory_reservations (
  order_id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('reserved', 'rejected', 'released')),
  items TEXT NOT NULL
);
INSERT OR IGNORE INTO inventory_stock (sku, on_hand, reserved) VALUES ${PRODUCTS.map(
  (p) => `('${p.sku}', ${INITIAL_STOCK}, 0)`,
).join(', ')};`;

const streamOf = (orderId: string) => `inventory-${orderId}`;

/** Starts the inventory service (consumer group `inventory-service`). */
export async function startInventoryService(env: ServiceEnv): Promise<Subscription> {
  await createTables(env.store, SCHEMA);
  return subscribeService(env, 'inventory-service', [ReserveInventory, ReleaseInventory], async (command) => {
    const { orderId } = command.data;
    const causedBy = { causedBy: command };
    await commitChange(env.store, (db) => {
      const reservation = reservationOf(db, orderId);
      if (command.type === 'inventory.reserve') {
        if (reservation !== undefined) return undefined; // handled before (or released first)
        const { items } = command.data;
        // The warehouse's stock for an order with the injected fault is gone.
        const short = env.faults.is(orderId, 'out-of-stock')
          ? items.map((line) => line.sku)
          : items.filter((line) => available(db, line.sku) < line.quantity).map((line) => line.sku);
        if (short.length > 0) {
          db.run('INSERT INTO inventory_reservations VALUES (?, ?, ?)', orderId, 'rejected', '[]');
          return {
            stream: streamOf(orderId),
            events: [InventoryOutOfStock.create({ orderId, skus: short }, causedBy)],
          };
        }
        for (const line of items)
          db.run('UPDATE inventory_stock SET reserved = reserved + ? WHERE sku = ?', line.quantity, line.sku);
        db.run(
          'INSERT INTO inventory_reservations VALUES (?, ?, ?)',
          orderId,
          'reserved',
          JSON.stringify(items),
        );
        return {
          stream: streamOf(orderId),
          events: [InventoryReserved.create({ orderId, items }, causedBy)],
        };
      }
      if (reservation?.status === 'released') return undefined; // released before
      const held = reservation?.status === 'reserved' ? reservedItems(reservation) : [];
      for (const line of held)
        db.run('UPDATE inventory_stock SET reserved = reserved - ? WHERE sku = ?', line.quantity, line.sku);
      // A release that overtakes its reservation leaves a `released` row: a late reserve is refused.
      db.run(
        'INSERT INTO inventory_reservations VALUES (?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET status = excluded.status',
        orderId,
        'released',
        '[]',
      );
      return {
        stream: streamOf(orderId),
        events: [InventoryReleased.create({ orderId, items: held }, causedBy)],
      };
    });
  });
}

/** The items a reservation row holds. */
export function reservedItems(reservation: ReservationRow): StockLine[] {
  return z.array(StockLine).parse(JSON.parse(reservation.items));
}

function reservationOf(db: SqliteTx, orderId: string): ReservationRow | undefined {
  return db.get<ReservationRow>(
    'SELECT order_id, status, items FROM inventory_reservations WHERE order_id = ?',
    orderId,
  );
}

function available(db: SqliteTx, sku: string): number {
  const row = db.get<StockRow>('SELECT sku, on_hand, reserved FROM inventory_stock WHERE sku = ?', sku);
  return row === undefined ? 0 : row.on_hand - row.reserved;
}

/** Every reservation row (for the consistency check). */
export function allReservations(store: SqliteEventStore): ReservationRow[] {
  return store.db
    .prepare<[], ReservationRow>('SELECT order_id, status, items FROM inventory_reservations')
    .all();
}

/** Every stock row (for the consistency check). */
export function allStock(store: SqliteEventStore): StockRow[] {
  return store.db.prepare<[], StockRow>('SELECT sku, on_hand, reserved FROM inventory_stock').all();
}
