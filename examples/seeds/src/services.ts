/**
 * Where the seed examples find the services they use: the local PostgreSQL, Redis and RabbitMQ
 * (the same settings the resource-manager tests use). Override with the usual variables.
 */
export const POSTGRES = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
} as const;

export const REDIS = {
  host: process.env.REDIS_HOST ?? '127.0.0.1',
  port: Number(process.env.REDIS_PORT ?? 6379),
} as const;

export const RABBITMQ_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Runs `main` when the file is the entry point (`node dist/mtaio/resource-monitor.js`). */
export function runIfMain(mod: NodeJS.Module, main: () => Promise<unknown>): void {
  if (require.main !== mod) return;
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
