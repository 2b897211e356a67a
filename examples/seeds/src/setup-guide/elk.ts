// Monitoring Setup Guide — "ELK Stack Integration".
import { service } from '@otelkit/service';
import { ElasticLogger } from '@otelkit/service/seed';
import { runIfMain } from '../services';

@service
export class LoggingExample {
  readonly logger: ElasticLogger;

  constructor(hosts: string[] = ['elasticsearch:9200']) {
    this.logger = new ElasticLogger({
      index: 'service-logs',
      hosts,
    });
  }

  async placeOrder(orderId: string): Promise<void> {
    this.logger.info({ orderId }, 'order placed');
  }
}

runIfMain(module, async () => {
  const example = new LoggingExample(process.argv.slice(2).length > 0 ? process.argv.slice(2) : undefined);
  await example.placeOrder('o-1');
  await example.logger.shutdown();
});
