import { monitored } from '@otelkit/service';
import type { Order } from './orders';

/** Where orders live: memory by default, PostgreSQL when DATABASE_URL is set, Redis as a cache. */
export interface OrderStore {
  save(order: Order): Promise<void>;
  find(id: string): Promise<Order | undefined>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Bounded: the oldest order goes when the store is full. */
@monitored()
export class MemoryOrderStore implements OrderStore {
  private readonly orders = new Map<string, Order>();
  constructor(private readonly maxOrders = 10_000) {}

  async save(order: Order): Promise<void> {
    if (!this.orders.has(order.id) && this.orders.size >= this.maxOrders) {
      this.orders.delete(this.orders.keys().next().value!);
    }
    this.orders.set(order.id, { ...order });
  }
  async find(id: string): Promise<Order | undefined> {
    const o = this.orders.get(id);
    return o ? { ...o } : undefined;
  }
  async count(): Promise<number> {
    return this.orders.size;
  }
  async close(): Promise<void> {}
}

interface PgPool {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}

/** Orders in a PostgreSQL table (created when missing). */
@monitored()
export class PgOrderStore implements OrderStore {
  private ready: Promise<unknown>;
  constructor(
    private readonly pool: PgPool,
    private readonly table = 'otelkit_demo_orders',
  ) {
    this.ready = pool.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, item text NOT NULL, quantity int NOT NULL, total numeric NOT NULL, status text NOT NULL)`,
    );
  }

  async save(order: Order): Promise<void> {
    await this.ready;
    await this.pool.query(
      `INSERT INTO ${this.table} (id, item, quantity, total, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET item = EXCLUDED.item, quantity = EXCLUDED.quantity, total = EXCLUDED.total, status = EXCLUDED.status`,
      [order.id, order.item, order.quantity, order.total, order.status],
    );
  }
  async find(id: string): Promise<Order | undefined> {
    await this.ready;
    const { rows } = await this.pool.query(
      `SELECT id, item, quantity, total, status FROM ${this.table} WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r
      ? {
          id: String(r.id),
          item: String(r.item),
          quantity: Number(r.quantity),
          total: Number(r.total),
          status: r.status as Order['status'],
        }
      : undefined;
  }
  async count(): Promise<number> {
    await this.ready;
    const { rows } = await this.pool.query(`SELECT count(*)::int AS n FROM ${this.table}`);
    return Number(rows[0]?.n ?? 0);
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

interface RedisClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<number>;
  quit(): Promise<unknown>;
}

/** A read-through Redis cache in front of another store. */
@monitored()
export class CachedOrderStore implements OrderStore {
  constructor(
    private readonly inner: OrderStore,
    private readonly redis: RedisClient,
    private readonly ttlSeconds = 60,
  ) {}

  async save(order: Order): Promise<void> {
    await this.inner.save(order);
    await this.redis.del(this.key(order.id));
  }
  async find(id: string): Promise<Order | undefined> {
    const cached = await this.redis.get(this.key(id));
    if (cached) return JSON.parse(cached) as Order;
    const order = await this.inner.find(id);
    if (order) await this.redis.set(this.key(id), JSON.stringify(order), 'EX', this.ttlSeconds);
    return order;
  }
  count(): Promise<number> {
    return this.inner.count();
  }
  async close(): Promise<void> {
    await this.redis.quit();
    await this.inner.close();
  }
  key(id: string): string {
    return `otelkit-demo:order:${id}`;
  }
}

/** Memory, or PostgreSQL (`DATABASE_URL`) and/or a Redis cache (`REDIS_URL`); drivers load only when asked for. */
export function createOrderStore(urls: { database?: string; redis?: string }): OrderStore {
  let store: OrderStore = new MemoryOrderStore();
  if (urls.database) {
    const { Pool } = require('pg') as { Pool: new (o: object) => PgPool };
    store = new PgOrderStore(new Pool({ connectionString: urls.database, max: 5 }));
  }
  if (urls.redis) {
    const Redis = require('ioredis') as new (url: string, o: object) => RedisClient;
    store = new CachedOrderStore(
      store,
      new Redis(urls.redis, { maxRetriesPerRequest: 1, lazyConnect: false }),
    );
  }
  return store;
}
