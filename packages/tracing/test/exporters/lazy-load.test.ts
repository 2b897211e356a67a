import { execFile } from 'node:child_process';
import * as path from 'node:path';

// A child process per case: what it has loaded is the only honest measure of laziness.
const run = (exporters: unknown[]) =>
  new Promise<{ before: string[]; after: string[] }>((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(__dirname, '..', 'fixtures', 'lazy-load.js'), JSON.stringify(exporters)],
      { timeout: 60_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });

const otlp = {
  type: 'otlp',
  endpoint: 'http://127.0.0.1:4318/v1/traces',
  protocol: 'http/protobuf',
  headers: {},
  compression: 'none',
  timeoutMillis: 1000,
};

describe('exporters are loaded only when chosen', () => {
  it('loads grpc-js only for the grpc protocol; jaeger is the OTLP exporter, no thrift stack', async () => {
    const plain = await run([
      otlp,
      { ...otlp, type: 'jaeger' },
      { type: 'memory', maxSpans: 10 },
      { type: 'console' },
    ]);
    expect(plain.before).toEqual([]);
    expect(plain.after).toEqual([]);
    const grpc = await run([{ ...otlp, protocol: 'grpc', endpoint: 'http://127.0.0.1:4317' }]);
    expect(grpc.after.some((p) => /@grpc[\\/]grpc-js/.test(p))).toBe(true);
    expect(grpc.after.some((p) => p.includes('jaeger'))).toBe(false);
  }, 120_000);
});
