import { Profiler } from '../../src';

// experimentalDecorators (compiled with tsconfig.legacy.json)
const profiler = new Profiler({ tracer: null });

class LegacyService {
  calls = 0;

  @profiler.trace
  compute(x: number): number {
    this.calls++;
    return x + 1;
  }

  @profiler.trace({ name: 'legacy.load' })
  async load(): Promise<number> {
    await new Promise((r) => setTimeout(r, 5));
    return 9;
  }
}

describe('Profiler.trace as an experimentalDecorators decorator', () => {
  it('profiles decorated methods, sync stays sync, exactly one call', async () => {
    const s = new LegacyService();
    expect(s.compute(1)).toBe(2);
    expect(s.calls).toBe(1);
    await expect(s.load()).resolves.toBe(9);
    const { traces, byName } = await profiler.getProfile();
    expect(traces.map((t) => t.name)).toEqual(['LegacyService.compute', 'legacy.load']);
    expect(byName['legacy.load']!.count).toBe(1);
    expect(traces[1]!.durationMillis).toBeGreaterThanOrEqual(4);
  });
});
