import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs the README's main job over the built @otelkit/config (`pnpm test` builds first).
const main = join(__dirname, '..', 'index.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 20_000,
  });

describe('examples/config-summary', () => {
  it('prints the startup summary of the sample file', () => {
    const r = run([]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('otelkit service=orders-service version=1.0.0 environment=development');
    expect(r.stdout).toContain('sampler=parentbased_traceidratio(0.1)');
    expect(r.stdout).toContain('-> jaeger http://localhost:4318/v1/traces');
    expect(r.stdout).toContain('prometheus http://127.0.0.1:9464/metrics');
  });

  it('applies the environment over the file', () => {
    const r = run([], { OTEL_SERVICE_NAME: 'from-env', OTEL_TRACES_SAMPLER_ARG: '0.5' });
    expect(r.stdout).toContain('service=from-env');
    expect(r.stdout).toContain('parentbased_traceidratio(0.5)');
  });

  it('lists every problem of a bad file and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelkit-example-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'tracing:\n  sampler: 2\nlogging:\n  levl: info\n');
    const r = run([file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('tracing.sampler: expected a ratio between 0 and 1');
    expect(r.stderr).toContain('logging.levl: unknown key (did you mean "level"?)');
  });
});
