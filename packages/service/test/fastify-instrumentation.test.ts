// The fastify instrumentation that replaces @fastify/otel (no OpenTelemetry 3.x release): it
// reads fastify's `fastify.request.handler` diagnostics channel, so the http instrumentation's
// SERVER span gets the route template, and a failing handler's error lands on that span. A child
// process over the built package: the http instrumentation cannot patch inside jest's registry.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

interface Result {
  failStatus: number;
  server: Array<{ name: string; route?: string; events: Array<[string, string | undefined]> }>;
  subscribedAfterShutdown: boolean;
}

function run(): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(__dirname, 'fixtures', 'fastify-routes-app.cjs')],
      { cwd: join(__dirname, '..'), timeout: 60_000, env: { PATH: process.env.PATH ?? '' } },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('fastify routes on the http SERVER span', () => {
  it('names the span by route template, sets http.route, records a handler error; unsubscribes at shutdown', async () => {
    const r = await run();
    expect(r.failStatus).toBe(500);
    expect(r.server.map((s) => s.name).sort()).toEqual([
      'GET /fail/:n',
      'GET /items/:id',
      'GET /items/:id',
      'GET /items/:id',
    ]);
    expect(new Set(r.server.map((s) => s.route))).toEqual(new Set(['/items/:id', '/fail/:n']));
    const failed = r.server.find((s) => s.name === 'GET /fail/:n')!;
    expect(failed.events).toEqual([['exception', 'handler broke']]);
    expect(r.server.filter((s) => s.name === 'GET /items/:id').every((s) => s.events.length === 0)).toBe(
      true,
    );
    expect(r.subscribedAfterShutdown).toBe(false);
  }, 90_000);
});
