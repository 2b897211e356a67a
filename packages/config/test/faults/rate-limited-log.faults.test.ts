import { createRateLimitedLog } from '@otelkit/config';

// Issue 14 items 5/9: metric-export errors were logged every ~4 s and instrumentation errors on 22
// of 24 calls. One rate limiter for internal diagnostics: the first, then a count per window.

describe('createRateLimitedLog', () => {
  it('emits the first occurrence, holds the rest back and reports their count after the window', () => {
    const lines: string[] = [];
    let now = 1_000_000;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const log = createRateLimitedLog((m) => lines.push(m), 30_000);
      for (let i = 0; i < 24; i++) log('record', 'recording failed');
      expect(lines).toEqual(['recording failed']);
      now += 30_000;
      log('record', 'recording failed');
      expect(lines).toEqual(['recording failed', 'recording failed (23 more since the last report)']);
      log('other', 'another failure');
      expect(lines).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }
  });
});
