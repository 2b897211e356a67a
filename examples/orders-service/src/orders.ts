import { loggerFor, monitored } from '@otelkit/service';
import type { OrderStore } from './store';

export interface Order {
  readonly id: string;
  readonly item: string;
  readonly quantity: number;
  readonly total: number;
  status: 'placed' | 'paid' | 'payment_failed';
}

export class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ValidationError extends Error {
  override name = 'ValidationError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Talks to a (simulated) payment provider: usually fast, sometimes slow, sometimes declines. */
@monitored()
export class PaymentClient {
  constructor(
    private readonly random: () => number = Math.random,
    private readonly onDuration: (seconds: number) => void = () => {},
  ) {}

  async charge(orderId: string, amount: number): Promise<{ transactionId: string }> {
    const roll = this.random();
    const started = performance.now();
    // 10 % of charges hit a slow provider, 8 % are declined
    await sleep(roll < 0.1 ? 300 + roll * 2000 : 5 + roll * 20);
    this.onDuration((performance.now() - started) / 1000);
    if (roll > 0.92) throw new PaymentDeclinedError(`card declined for order ${orderId}`);
    loggerFor(this).debug({ orderId, amount }, 'charged');
    return { transactionId: `tx-${orderId}` };
  }
}

/** Places and reads orders; every method is traced, metered and logged by @monitored. */
@monitored()
export class OrderService {
  private next = 1;

  constructor(
    private readonly payments: PaymentClient,
    private readonly store: OrderStore,
  ) {}

  async place(item: unknown, quantity: unknown): Promise<Order> {
    if (typeof item !== 'string' || item === '' || !Number.isInteger(quantity) || (quantity as number) < 1) {
      throw new ValidationError('expected { item: non-empty string, quantity: positive integer }');
    }
    const id = `o-${this.next++}`;
    const order: Order = {
      id,
      item,
      quantity: quantity as number,
      total: Math.round((quantity as number) * 999) / 100,
      status: 'placed',
    };
    await this.store.save(order);
    try {
      await this.payments.charge(id, order.total);
      order.status = 'paid';
      loggerFor(this).info({ orderId: id, total: order.total }, 'order placed');
    } catch (err) {
      order.status = 'payment_failed';
      throw err;
    } finally {
      await this.store.save(order);
    }
    return order;
  }

  // a missing order is an expected outcome (404), not an incident: its line is info, not error
  @monitored({ errorLogLevel: 'info' })
  async get(id: string): Promise<Order> {
    const order = await this.store.find(id);
    if (!order) throw new NotFoundError(`no order ${id}`);
    return order;
  }

  count(): Promise<number> {
    return this.store.count();
  }
}
