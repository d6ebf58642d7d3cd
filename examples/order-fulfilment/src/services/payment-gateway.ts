// A simulated card payment gateway: the outside world the payment service talks to. It approves,
// declines (a business answer), or is unavailable (a transient error worth retrying), as the
// fault plan says for each order.
import type { FaultPlan } from '../faults.js';

/** The gateway could not be reached or timed out: retrying later may succeed. */
export class GatewayUnavailableError extends Error {
  override readonly name = 'GatewayUnavailableError';
}

export type ChargeResult =
  | { readonly approved: true; readonly paymentId: string }
  | { readonly approved: false; readonly reason: string };

/** The gateway simulator. Its own bookkeeping (attempts per order) is in memory, like a remote system's. */
export class PaymentGateway {
  private readonly attempts = new Map<string, number>();

  constructor(private readonly faults: FaultPlan) {}

  /**
   * Charges `amountCents` for `orderId` (the gateway's idempotency key).
   * @throws GatewayUnavailableError while the order's injected outage lasts.
   */
  async charge(orderId: string, amountCents: number): Promise<ChargeResult> {
    const attempt = (this.attempts.get(orderId) ?? 0) + 1;
    this.attempts.set(orderId, attempt);
    const outage = this.faults.is(orderId, 'gateway-errors');
    if (outage !== undefined && attempt <= outage.count)
      throw new GatewayUnavailableError(
        `Payment gateway unavailable (attempt ${attempt} for order ${orderId}); retry later.`,
      );
    if (this.faults.is(orderId, 'payment-declined') !== undefined)
      return { approved: false, reason: 'card declined by issuer' };
    return { approved: true, paymentId: `pay_${orderId}_${amountCents}` };
  }

  /** How many charge attempts `orderId` took (for tests). */
  attemptsOf(orderId: string): number {
    return this.attempts.get(orderId) ?? 0;
  }
}
