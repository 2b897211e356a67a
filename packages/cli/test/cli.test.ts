// The real `otelkit` bin in a child process (the built dist: `pnpm build` first): exit codes,
// output, masked secrets, --check, and the repository's deploy/ being the generator's output.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(60_000);

const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO, 'packages', 'cli', 'dist', 'bin.js');
const SEED = path.join(REPO, 'packages', 'config', 'test', 'fixtures', 'seed-004');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function otelkit(args: string[], cwd = REPO, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, timeout: 30_000, env: { PATH: process.env.PATH ?? '', ...env } },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let tmp: string;
beforeAll(() => {
  expect(fs.existsSync(BIN)).toBe(true); // built by `pnpm build`
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-cli-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('otelkit --help and usage errors', () => {
  it('prints usage and exits 0', async () => {
    const r = await otelkit(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^otelkit — /);
    expect(r.stdout).toMatch(/otelkit validate \[file\]/);
    expect(r.stdout).toMatch(/otelkit generate <target>/);
    expect(r.stdout).toMatch(
      /Exit codes: 0 ok; 1 config problems, files that differ \(--check\), or no report; 2 usage error/,
    );
    expect((await otelkit(['generate', '--help'])).stdout).toMatch(/--check writes nothing and exits 1/);
  });

  it('exits 2 on an unknown command, flag or target, saying so', async () => {
    expect(await otelkit(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown command "frobnicate"/),
    });
    expect(await otelkit(['validate', '--frob'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown flag --frob/),
    });
    expect(await otelkit(['generate', 'kibana'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /unknown target "kibana": expected prometheus\|grafana\|alertmanager\|all/,
      ),
    });
  });
});

describe('otelkit validate', () => {
  it('accepts the seed files as written', async () => {
    for (const f of ['configuration.yaml', 'alert-configuration.yaml']) {
      const r = await otelkit(['validate', path.join(SEED, f)]);
      expect([f, r.code, r.stdout]).toEqual([f, 0, expect.stringMatching(/: valid \(/)]);
    }
  });

  it('lists every problem with its path and a did-you-mean, exit 1, no colour off a terminal', async () => {
    const file = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(
      file,
      'monitoring:\n  storage:\n    retension: 15d\nalerts:\n  - name: x\n    condition: cpu_usage > 1GB\n  - name: y\n    condition: memory_usage_bytes >\n',
    );
    const r = await otelkit(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml: 3 problems/);
    expect(r.stderr).toMatch(/monitoring\.storage\.retension: unknown key \(did you mean "retention"\?\)/);
    expect(r.stderr).toMatch(/alerts\[0\]\.condition: cpu_usage is in percent, not bytes/);
    expect(r.stderr).toMatch(/alerts\[1\]\.condition: invalid alert condition/);
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('warns about alerts that can only run in-process; finds deploy/otelkit.yaml by itself', async () => {
    const file = path.join(tmp, 'queue.yaml');
    fs.writeFileSync(file, 'alerts:\n  - name: q\n    condition: queue_depth > 5\n');
    const r = await otelkit(['validate', file]);
    expect(r).toMatchObject({
      code: 0,
      stderr: expect.stringMatching(/"q" watches queue_depth, which the metric catalog does not know/),
    });
    expect(await otelkit(['validate'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/deploy\/otelkit\.yaml: valid/),
    });
  });

  it('an unreadable file is exit 1 naming it', async () => {
    const r = await otelkit(['validate', path.join(tmp, 'nope.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.yaml/);
  });
});

describe('otelkit print', () => {
  it('prints the normalised config and the summary with secrets masked', async () => {
    const file = path.join(tmp, 'secrets.yaml');
    fs.writeFileSync(
      file,
      [
        'tracing:',
        '  exporter:',
        '    type: otlp',
        '    endpoint: https://user:hunter2@otlp.example.com:4318',
        '    headers: { authorization: "Bearer SECRET-TOKEN" }',
        'alerts:',
        '  webhooks: ["https://alerts.example.com/hook/SECRET-PATH"]',
        'monitoring:',
        '  alertmanager:',
        '    receivers:',
        '      - { name: pager, severity: critical, url: "https://hooks.slack.com/services/T0/B0/SECRET-SLACK" }',
        '',
      ].join('\n'),
    );
    const r = await otelkit(['print', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/SECRET|hunter2/);
    const json = JSON.parse(r.stdout.slice(0, r.stdout.indexOf('\n\notelkit ')));
    expect(json.tracing.exporters[0].headers).toEqual({ authorization: '***' });
    expect(json.monitoring.alertmanager.receivers[0].url).toBe('https://hooks.slack.com/***');
    expect(json.monitoring.storage.retentionMillis).toBe(15 * 86_400_000);
    expect(r.stdout).toMatch(
      /\n {2}alertmanager pager\(critical\) https:\/\/hooks\.slack\.com\/\*\*\*|alertmanager pager\(critical\) https:\/\/hooks\.slack\.com\/\*\*\*/,
    );
    expect((await otelkit(['print', file, '--json'])).stdout).not.toMatch(/ {2}tracing {4}on/);
  });
});

describe('otelkit generate', () => {
  it('writes the files, --check passes; a changed alert fails --check until regenerated', async () => {
    const dir = path.join(tmp, 'gen');
    fs.mkdirSync(dir);
    const config = path.join(dir, 'otelkit.yaml');
    fs.copyFileSync(path.join(SEED, 'alert-configuration.yaml'), config);
    const w = await otelkit(['generate', 'all', '--out', 'deploy'], dir);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/wrote {5}deploy\/prometheus\/rules\/config-alerts\.rules\.yml/);
    expect(fs.readdirSync(path.join(dir, 'deploy', 'grafana', 'dashboards')).sort()).toEqual([
      'otelkit-performance.json',
      'otelkit-resources.json',
    ]);
    expect(await otelkit(['generate', 'all', '--check'], dir)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/7 generated files are current/),
    });

    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('duration: 5m', 'duration: 15m'));
    const stale = await otelkit(['generate', 'all', '--check'], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/differs {2}deploy\/prometheus\/rules\/config-alerts\.rules\.yml/);
    expect(stale.stderr).toMatch(/run: otelkit generate all/);
    expect(
      fs.readFileSync(path.join(dir, 'deploy', 'prometheus', 'rules', 'config-alerts.rules.yml'), 'utf8'),
    ).toMatch(/for: 5m/);

    expect((await otelkit(['generate', 'prometheus'], dir)).code).toBe(0);
    expect((await otelkit(['generate', 'all', '--check'], dir)).code).toBe(0);
  });

  it('refuses to write through a symlink planted in the output directory, and leaves its target alone', async () => {
    const dir = path.join(tmp, 'symlinked');
    fs.mkdirSync(path.join(dir, 'deploy', 'prometheus', 'rules'), { recursive: true });
    fs.copyFileSync(path.join(SEED, 'alert-configuration.yaml'), path.join(dir, 'otelkit.yaml'));
    const victim = path.join(tmp, 'victim.txt');
    fs.writeFileSync(victim, 'keep me\n');
    fs.symlinkSync(victim, path.join(dir, 'deploy', 'prometheus', 'rules', 'config-alerts.rules.yml'));
    const r = await otelkit(['generate', 'all', '--out', 'deploy'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deploy\/prometheus\/rules\/config-alerts\.rules\.yml: is a symlink; refused/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me\n');
    // checked before anything is written: the output is left as it was
    expect(fs.existsSync(path.join(dir, 'deploy', 'prometheus', 'prometheus.yml'))).toBe(false);
  });

  it('keeps the Prometheus retention flag of the compose file next to --out in step with storage.retention', async () => {
    const dir = path.join(tmp, 'compose');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'otelkit.yaml'), 'monitoring:\n  storage:\n    retention: 30d\n');
    const compose = 'services:\n  prometheus:\n    command:\n      - --storage.tsdb.retention.time=15d\n';
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), compose);
    expect((await otelkit(['generate', 'all', '--out', 'deploy'], dir)).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toBe(compose.replace('15d', '30d'));
    expect((await otelkit(['generate', 'all', '--check', '--out', 'deploy'], dir)).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), compose);
    const stale = await otelkit(['generate', 'all', '--check', '--out', 'deploy'], dir);
    expect([stale.code, stale.stderr]).toEqual([
      1,
      expect.stringMatching(/differs {2}docker-compose\.yml \(--storage\.tsdb\.retention\.time\)/),
    ]);
  });

  it('one target at a time', async () => {
    const out = path.join(tmp, 'am');
    const r = await otelkit([
      'generate',
      'alertmanager',
      path.join(SEED, 'configuration.yaml'),
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['alertmanager']);
  });

  it('the repository deploy/ is what deploy/otelkit.yaml generates (CI runs this)', async () => {
    const r = await otelkit(['generate', 'all', '--check']);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });
});
