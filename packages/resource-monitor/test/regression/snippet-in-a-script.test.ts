// Regression: in a plain script, `await monitor.getCurrentStats()` right after `start()` waited on
// an unref()ed timer, so Node exited silently in the middle of the snippet (nothing printed).
// The fix: waits the caller awaits keep the process alive (bounded); background timers stay unref()ed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

const SRC = join(__dirname, '../../src');

function transpileTree(out: string): void {
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) {
        const js = ts.transpileModule(require('node:fs').readFileSync(path, 'utf8'), {
          compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
          },
        }).outputText;
        const target = join(out, relative(SRC, path)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, js);
      }
    }
  };
  walk(SRC);
}

describe('the snippet as a standalone script', () => {
  it('runs to the end (the process is not left to exit mid-await)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rm-snippet-'));
    try {
      transpileTree(join(dir, 'lib'));
      writeFileSync(
        join(dir, 'main.js'),
        `const { ResourceMonitor } = require('./lib');
(async () => {
  const monitor = new ResourceMonitor({ interval: 1, historySize: 3600 });
  monitor.onThresholdExceeded(async (metric, value, threshold) => {
    console.log(\`Alert: \${metric} exceeded threshold (\${value} > \${threshold})\`);
  });
  monitor.setThreshold('cpu_usage', 80.0);
  monitor.setThreshold('memory_usage', 90.0);
  await monitor.start();
  const stats = await monitor.getCurrentStats();
  console.log('stats', typeof stats.cpu.usagePercent, stats.memory.total > 0);
  await monitor.stop();
  console.log('stopped');
})();
`,
      );
      const out = execFileSync(process.execPath, [join(dir, 'main.js')], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { PATH: process.env.PATH, NODE_PATH: join(__dirname, '../../node_modules') },
      });
      expect(out).toContain('stats number true');
      expect(out.trim().endsWith('stopped')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
