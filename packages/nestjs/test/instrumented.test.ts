// One SERVER span and one http.server.request.duration stream per request whether the http
// auto-instrumentation is on (started before Nest, as the register entry does, or by the module)
// or off. Child processes over the built packages (run `pnpm build` first): the instrumentation
// patches the real node:http, which it cannot inside jest's module registry.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(90_000);

interface Out {
  statuses: number[];
  serverSpans: string[];
  serverScopes: string[];
  handlersInServerTraces: number;
  handlerParents: string[];
  text: string;
  summary: string;
}

function run(mode: string): Promise<Out> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(__dirname, 'fixtures', 'instrumented-app.cjs'), mode],
      { cwd: join(__dirname, '..'), env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Out);
      },
    );
  });
}

function family(text: string, name: string): { help: number; series: string[] } {
  const lines = text.split('\n');
  return {
    help: lines.filter((l) => l.startsWith(`# HELP ${name} `)).length,
    series: lines
      .filter((l) => l.startsWith(`${name}_count{`))
      .map((l) => {
        const labels = l.slice(l.indexOf('{'), l.lastIndexOf('}') + 1);
        const route = /http_route="([^"]*)"/.exec(labels)?.[1];
        const status = /http_response_status_code="(\d+)"/.exec(labels)?.[1];
        const error = /error_type="([^"]*)"/.exec(labels)?.[1];
        return `${route} ${status} ${error ?? '-'} ${l.split(' ').pop()}`;
      })
      .sort(),
  };
}

describe('Nest app with and without the http auto-instrumentation', () => {
  // With express patched (register: loaded after the instrumentation), express's own INTERNAL span
  // sits between the SERVER span and the handler's.
  it.each([
    ['register', '@opentelemetry/instrumentation-http', 'request handler', 'the http instrumentation'],
    ['module', '@opentelemetry/instrumentation-http', 'GET /users/:id', 'the http instrumentation'],
    ['no-auto', '@otelkit/metrics', 'GET /users/:id', 'the otelkit HTTP middleware'],
  ])(
    '%s: 4 requests → 4 SERVER spans "GET /users/:id" from %s, handler spans under "%s", one duration family',
    async (mode, scope, parent, from) => {
      const out = await run(mode);
      expect(out.statuses).toEqual([200, 200, 200, 500]);
      expect(out.serverSpans).toEqual(Array(4).fill('GET /users/:id'));
      expect(out.serverScopes).toEqual([scope]);
      expect(out.handlersInServerTraces).toBe(4);
      expect(out.handlerParents).toEqual([parent]);
      expect(family(out.text, 'http_server_request_duration')).toEqual({
        help: 1,
        series: ['/users/:id 200 - 3', '/users/:id 500 TypeError 1'],
      });
      expect(out.summary).toContain(`SERVER spans from ${from}`);
    },
  );
});
