// What the shop sells and where it delivers: shared reference data (not state) of the simulation.

/** The products, with their unit prices in cents. */
export const PRODUCTS: readonly { readonly sku: string; readonly unitPriceCents: number }[] = [
  { sku: 'KETTLE-01', unitPriceCents: 3_499 },
  { sku: 'MUG-02', unitPriceCents: 899 },
  { sku: 'TEAPOT-03', unitPriceCents: 2_450 },
  { sku: 'GRINDER-04', unitPriceCents: 5_900 },
  { sku: 'FILTER-05', unitPriceCents: 450 },
  { sku: 'SCALE-06', unitPriceCents: 2_199 },
];

/** Units of each product in the warehouse at the start: enough that only injected faults run out. */
export const INITIAL_STOCK = 1_000_000;

/** Delivery destinations. */
export const DESTINATIONS: readonly { readonly country: string; readonly city: string }[] = [
  { country: 'DE', city: 'Berlin' },
  { country: 'FR', city: 'Lyon' },
  { country: 'NL', city: 'Utrecht' },
  { country: 'ES', city: 'Valencia' },
  { country: 'IT', city: 'Torino' },
];
