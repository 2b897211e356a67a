// @monitored on an async method vs the bare method and vs the same signals hand-written with the
// raw OpenTelemetry API (span + histogram + counter + a debug line that is not written), in the
// same process, same providers, alternating rounds. Run `pnpm build` first.
const { measure, report } = require('../tracing/harness');
const { scenario, providerWith, samplers } = require('./decorator-scenario');

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
  const iterations = Number(process.env.BENCH_ITERATIONS ?? 20_000);
  const opts = { rounds, iterations };

  const sampled = scenario(providerWith(samplers.sampled()).getTracer('bench'));
  const r1 = report(
    'sampled span, success (ratio vs raw OpenTelemetry API)',
    await measure(sampled.ok, opts),
    'raw OpenTelemetry API',
  );
  const unsampled = scenario(providerWith(samplers.unsampled()).getTracer('bench'));
  const r2 = report(
    'ratio 0.1 sampler (mostly unsampled), success',
    await measure(unsampled.ok, opts),
    'raw OpenTelemetry API',
  );
  const errors = scenario(providerWith(samplers.sampled()).getTracer('bench'));
  // the error line is written (error level is enabled), to /dev/null
  const r3 = report(
    'sampled span, error path',
    await measure(errors.error, { ...opts, iterations: iterations / 4 }),
    'raw OpenTelemetry API (throws)',
  );
  console.log(
    `\n@monitored / raw OTel: sampled ${r1['@monitored'].toFixed(3)}, unsampled ${r2['@monitored'].toFixed(3)}, error ${r3['@monitored (throws)'].toFixed(3)} (target <= 1.10)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
