// The AWS, Azure and Alibaba Cloud resource detectors, run for real. Unlike GCP's, their metadata
// addresses are hard-coded (169.254.169.254 for EC2 IMDSv2 and Azure IMDS, 100.100.100.200 for
// ECS), so this test makes them local: a network namespace of its own (`ip netns`, iproute2; CI
// runs as root) whose loopback carries both addresses, a fake metadata service and OTLP/JSON
// collector inside it (fixtures/fake-cloud-metadata.js), and the service (fixtures/
// cloud-detector-app.js, over the built package) started in it. Nothing leaves the namespace.
// Checked: what each metadata service answers reaches the exported span's resource, with the
// protocol each provider requires (an IMDSv2 token, the `Metadata: true` header).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(90_000);

const NS = `otelkit-cloud-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const inNs = (...args: string[]) => ip('netns', 'exec', NS, ...args);

interface Line {
  ready?: boolean;
  request?: { local: string; method: string; path: string; headers: Record<string, string> };
  resource?: Record<string, string | number | undefined>;
}

let fake: ChildProcess;
const lines: Line[] = [];

/** The env of a process that is on no cloud platform but the one its metadata service claims. */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OTEL_LOG_LEVEL: 'warn' };
  for (const k of Object.keys(env)) {
    if (/^(AWS_|ECS_|KUBERNETES_|WEBSITE_|FUNCTIONS_|MSI_|IDENTITY_|ALIBABA_)/.test(k)) delete env[k];
  }
  delete env.OTEL_NODE_RESOURCE_DETECTORS;
  return env;
}

async function runApp(detectors: string) {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      NS,
      process.execPath,
      join(__dirname, 'fixtures', 'cloud-detector-app.js'),
      detectors,
      '3000',
      'http://127.0.0.1:4318/v1/traces',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: plainEnv() },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

/** The resources the collector received since `from` (lines are appended as they arrive). */
async function resourcesSince(from: number, count: number): Promise<Line['resource'][]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const got = lines
      .slice(from)
      .filter((l) => l.resource)
      .map((l) => l.resource);
    if (got.length >= count || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  ip('netns', 'add', NS);
  inNs('ip', 'link', 'set', 'lo', 'up');
  inNs('ip', 'addr', 'add', '169.254.169.254/32', 'dev', 'lo');
  inNs('ip', 'addr', 'add', '100.100.100.200/32', 'dev', 'lo');
  fake = spawn(
    'ip',
    ['netns', 'exec', NS, process.execPath, join(__dirname, 'fixtures', 'fake-cloud-metadata.js')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let buffered = '';
  fake.stdout!.on('data', (d) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Line);
  });
  const deadline = Date.now() + 15_000;
  while (!lines.some((l) => l.ready)) {
    if (Date.now() > deadline) throw new Error('the fake metadata service did not start in the namespace');
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  if (fake && fake.exitCode === null) {
    fake.kill('SIGTERM');
    await new Promise((r) => fake.once('exit', r));
  }
  try {
    ip('netns', 'del', NS);
  } catch {
    // already gone
  }
});

describe('cloud resource detectors against their real metadata addresses (network namespace)', () => {
  it("service.detectors ['aws']: EC2 IMDSv2 (token first) fills the cloud and host attributes", async () => {
    const from = lines.length;
    const run = await runApp('aws');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [resource] = await resourcesSince(from, 1);
    expect(resource).toMatchObject({
      'service.name': 'cloud-app',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_ec2',
      'cloud.account.id': '123456789012',
      'cloud.region': 'eu-west-1',
      'cloud.availability_zone': 'eu-west-1a',
      'host.id': 'i-0abcdef1234567890',
      'host.type': 't3.micro',
      'host.name': 'ip-10-0-0-12.eu-west-1.compute.internal',
    });
    const requests = lines.slice(from).flatMap((l) => (l.request ? [l.request] : []));
    // the token PUT came first, and every GET carried it (the fake answers 401 otherwise)
    expect(requests[0]).toMatchObject({ local: '169.254.169.254', method: 'PUT', path: '/latest/api/token' });
    expect(
      requests.filter((r) => r.method === 'GET').every((r) => r.headers['x-aws-ec2-metadata-token']),
    ).toBe(true);
  });

  it("service.detectors ['azure']: the Azure IMDS compute document (Metadata: true) fills cloud, host and os", async () => {
    const from = lines.length;
    const run = await runApp('azure');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [resource] = await resourcesSince(from, 1);
    expect(resource).toMatchObject({
      'service.name': 'cloud-app',
      'cloud.provider': 'azure',
      'cloud.platform': expect.stringMatching(/^azure[._]vm$/),
      'cloud.region': 'westeurope',
      'cloud.resource_id':
        '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-azure-1',
      'host.id': '02aab8a4-74ef-476e-8182-f6d2ba4166a6',
      'host.name': 'vm-azure-1',
      'host.type': 'Standard_B2s',
      'os.version': '22.04.202411010',
    });
    const compute = lines
      .slice(from)
      .flatMap((l) => (l.request?.path.startsWith('/metadata/instance/compute') ? [l.request] : []));
    expect(compute.length).toBeGreaterThan(0);
    expect(compute.every((r) => r.headers.metadata?.toLowerCase() === 'true')).toBe(true);
  });

  it("service.detectors ['alibaba']: the ECS metadata service at 100.100.100.200 fills the cloud and host attributes", async () => {
    const from = lines.length;
    const run = await runApp('alibaba');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [resource] = await resourcesSince(from, 1);
    expect(resource).toMatchObject({
      'service.name': 'cloud-app',
      'cloud.provider': 'alibaba_cloud',
      'cloud.platform': 'alibaba_cloud_ecs',
      'cloud.account.id': '1234567890123456',
      'cloud.region': 'cn-hangzhou',
      'cloud.availability_zone': 'cn-hangzhou-h',
      'host.id': 'i-bp1234567890abcdef',
      'host.type': 'ecs.g6.large',
      'host.name': 'iZbp1234567890abcdefZ',
    });
  });
});
