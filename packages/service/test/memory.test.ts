import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// Over the built package (`pnpm test` builds first), in a child with --expose-gc.
describe('@monitored memory', () => {
  it('stays flat across 40 000 concurrent calls (after GC)', () => {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', join(__dirname, 'fixtures', 'memory-flat.js')],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const { growth, exported } = JSON.parse(out.trim()) as { growth: number; exported: number };
    expect(exported).toBe(50_000);
    // Retained heap per call would show as megabytes over 40 000 calls; allow GC noise only.
    expect(growth).toBeLessThan(3 * 1024 * 1024);
  }, 90_000);
});
