// The fault plan: which order meets which failure. The simulated outside world (the payment
// gateway, the warehouse's stock, the carrier) reads it, so a run is reproducible from its seed
// and a test can force one failure on one order.

/** A failure injected for one order. */
export type Fault =
  /** The gateway declines the card: a business failure, the saga cancels the order. */
  | { readonly kind: 'payment-declined' }
  /** The gateway is unavailable for the first `count` attempts: the subscription retries. */
  | { readonly kind: 'gateway-errors'; readonly count: number }
  /** The warehouse has none of the order's items left. */
  | { readonly kind: 'out-of-stock' }
  /** The carrier rejects the shipment. */
  | { readonly kind: 'shipping-failed' }
  /** The carrier never answers: only the saga's deadline ends the order. */
  | { readonly kind: 'shipment-lost' };

export type FaultKind = Fault['kind'];

/** Faults by order id. Orders without one go through untouched. */
export class FaultPlan {
  private readonly faults = new Map<string, Fault>();

  /** Injects `fault` for `orderId` (replacing an earlier one). Returns the plan for chaining. */
  set(orderId: string, fault: Fault): this {
    this.faults.set(orderId, fault);
    return this;
  }

  get(orderId: string): Fault | undefined {
    return this.faults.get(orderId);
  }

  /** The fault of `orderId` when it is of `kind`. */
  is<K extends FaultKind>(orderId: string, kind: K): Extract<Fault, { kind: K }> | undefined {
    const fault = this.faults.get(orderId);
    return fault?.kind === kind ? (fault as Extract<Fault, { kind: K }>) : undefined;
  }

  /** How many orders have a fault of each kind. */
  counts(): Record<FaultKind, number> {
    const counts: Record<FaultKind, number> = {
      'payment-declined': 0,
      'gateway-errors': 0,
      'out-of-stock': 0,
      'shipping-failed': 0,
      'shipment-lost': 0,
    };
    for (const fault of this.faults.values()) counts[fault.kind]++;
    return counts;
  }

  /**
   * How the order must end when the system is correct: cancelled for a business failure,
   * completed otherwise: gateway errors are retried through, unless there are as many as the
   * subscription's `maxAttempts` (the payment command is dead-lettered and the deadline cancels).
   */
  expectedOutcome(orderId: string, maxAttempts: number): 'completed' | 'cancelled' {
    const fault = this.faults.get(orderId);
    if (fault === undefined) return 'completed';
    if (fault.kind !== 'gateway-errors') return 'cancelled';
    return fault.count < maxAttempts ? 'completed' : 'cancelled';
  }
}
