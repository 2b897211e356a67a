// With the auto-instrumentations on (the default, in a real process over the built packages:
// `pnpm build` first), the dashboard's own requests — page, assets, API, the stream — make no
// SERVER span and no RED measurement: `loadConfig` puts `dashboard.path` on the skip list that
// the http instrumentation's ignore hook and the metrics middleware share.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(60_000);

it('keeps the dashboard out of the traces and the metrics it shows', async () => {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [join(__dirname, 'fixtures', 'instrumented-app.cjs')],
      { cwd: join(__dirname, '..'), timeout: 45_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  const result = JSON.parse(out.trim().split('\n').pop()!) as {
    spans: Array<{ name: string; kind: number; path: string | null; scope: string }>;
    routes: Array<[string, number]>;
    total: number;
  };
  const server = result.spans.filter((s) => s.kind === 1);
  expect(server.map((s) => s.path)).toEqual(['/orders/1', '/orders/2']);
  expect(server.map((s) => s.name)).toEqual(['GET /orders/:id', 'GET /orders/:id']);
  // The SERVER spans are the instrumentation's (it saw every request and skipped the dashboard's).
  expect(new Set(server.map((s) => s.scope))).toEqual(new Set(['@opentelemetry/instrumentation-http']));
  expect(result.routes).toEqual([['GET /orders/:id', 2]]);
  expect(result.total).toBe(2);
});
