/**
 * Cost of counting RabbitMQ messages on the app's channel (amqplib kind with `channels`): publish →
 * consume → ack round trips on the local RabbitMQ, a bare channel vs a channel registered for
 * counting (publish, consume callback and ack wrapped on that channel). Alternating rounds, medians.
 * Run: npx tsc -b packages/resource-manager/tsconfig.json && node bench/resource-manager/amqp-count.bench.js
 */
const { req, rm, alternate, median } = require('./common');
const amqp = req('amqplib');
const { ResourceManager, AmqpQueueMonitor } = rm();

const M = Number(process.env.M || 2000);
const ROUNDS = Number(process.env.ROUNDS || 9);

/** A channel with one consumer that acks everything; `round()` publishes M and waits for the M acks. */
async function lane(connection, queue) {
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: false, autoDelete: true });
  await channel.prefetch(200);
  let acked = 0;
  let wake = () => undefined;
  const publishLoop = [];
  return {
    channel,
    publishLoop,
    async start() {
      await channel.consume(queue, (msg) => {
        if (!msg) return;
        channel.ack(msg);
        if (++acked === M) wake();
      });
    },
    async round() {
      acked = 0;
      const done = new Promise((r) => {
        wake = r;
      });
      const body = Buffer.from('x');
      const t = process.hrtime.bigint();
      for (let i = 0; i < M; i++) channel.sendToQueue(queue, body);
      publishLoop.push(Number(process.hrtime.bigint() - t) / M);
      await done;
      return Number(process.hrtime.bigint() - t) / M;
    },
  };
}

(async () => {
  let connection;
  try {
    connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  } catch (err) {
    console.log(`skipped: no RabbitMQ on 127.0.0.1:5672 (${err.message})`);
    return;
  }
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const bare = await lane(connection, `otelkit-bench-bare-${tag}`);
  const counted = await lane(connection, `otelkit-bench-counted-${tag}`);
  const manager = new ResourceManager({ intervalMillis: 60_000 });
  manager.registerTypeMonitor(new AmqpQueueMonitor(manager));
  manager.register({
    id: 'counted',
    type: 'amqplib',
    resource: { connection, queue: `otelkit-bench-counted-${tag}`, channels: [counted.channel] },
  });
  await bare.start();
  await counted.start();
  await bare.round();
  await counted.round();
  const r = await alternate(ROUNDS, bare.round, counted.round);
  await manager.collectNow();
  const acked = manager.getValue('counted', 'messages_acked');
  console.log('## publish → consume → ack round trip per message (amqplib, local RabbitMQ)');
  console.log(`bare channel:     ${(r.baseline / 1000).toFixed(2)} µs per message (context only)`);
  console.log(`counted channel:  ${(r.subject / 1000).toFixed(2)} µs per message (context only)`);
  console.log(`ratio counted / bare: ${(r.subject / r.baseline).toFixed(3)}`);
  const pb = median(bare.publishLoop);
  const pc = median(counted.publishLoop);
  console.log('## the sendToQueue call alone (synchronous part of publishing)');
  console.log(`bare channel:     ${(pb / 1000).toFixed(2)} µs per call (context only)`);
  console.log(`counted channel:  ${(pc / 1000).toFixed(2)} µs per call (context only)`);
  console.log(`ratio counted / bare: ${(pc / pb).toFixed(3)}`);
  console.log(`messages counted as acked: ${acked} (expected ${(ROUNDS + 1) * M})`);
  await manager.shutdown();
  await connection.close();
})();
