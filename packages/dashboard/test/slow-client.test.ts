// Bounded everything, the stream too: a client that connects to the event stream and stops
// reading (a stalled tab, a buffering proxy, a script) made the server buffer every later frame
// for it — up to 64 KiB a second for as long as it stayed connected. Now a client that has left
// more than MAX_CLIENT_BACKLOG_BYTES unread is closed (its EventSource would reconnect and get a
// fresh snapshot), counted in stats().slowClientsClosed, while a client that reads keeps its stream.
import { connect, type Socket } from 'node:net';
import { MAX_CLIENT_BACKLOG_BYTES, TICK } from '../src/server/frames';
import { startApp, type TestApp } from './support/app';

jest.setTimeout(120_000);

describe('a stream client that stops reading', () => {
  let app: TestApp;
  const original = TICK.millis;
  let stalled: Socket | undefined;
  const reader = new AbortController();

  beforeAll(async () => {
    TICK.millis = 50; // test-only: frames at 20 Hz, so the backlog builds in seconds
    app = await startApp();
  });
  afterAll(async () => {
    TICK.millis = original;
    reader.abort();
    stalled?.destroy();
    await app.close();
  });

  it(`is closed once ${MAX_CLIENT_BACKLOG_BYTES / 1024} KiB wait unread; a reading client keeps its stream`, async () => {
    const url = new URL(app.page); // the stream: the page path with accept: text/event-stream
    // the stalled client: sends its request, reads the status line, then never reads again
    stalled = connect(Number(url.port), url.hostname);
    let head = '';
    let closedAt = 0;
    stalled.on('close', () => (closedAt = performance.now()));
    stalled.on('error', () => {});
    await new Promise<void>((resolve) => {
      stalled!.once('connect', () => {
        stalled!.write(
          `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\naccept: text/event-stream\r\n\r\n`,
        );
      });
      stalled!.on('data', function first(d: Buffer) {
        head += d.toString('latin1');
        if (head.includes('\r\n\r\n')) {
          stalled!.off('data', first);
          stalled!.pause(); // from here on, nothing is read: the kernel buffers fill, then ours
          resolve();
        }
      });
    });
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toContain('text/event-stream');

    // the reading client: a fetch stream read to the end of the test
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: reader.signal });
    expect(res.status).toBe(200);
    let readBytes = 0;
    const pump = (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) readBytes += chunk.length;
      } catch {
        // aborted at the end
      }
    })();

    // big frames: every tick carries new log lines (the frame is capped at 64 KiB)
    const note = 'y'.repeat(2_000);
    const started = performance.now();
    while (app.dashboard.stats().slowClientsClosed === 0) {
      if (performance.now() - started > 90_000)
        throw new Error(`not closed: ${JSON.stringify(app.dashboard.stats())}`);
      for (let i = 0; i < 40; i++) app.monitoring.logger.info({ i, note }, 'bulk line');
      await new Promise((r) => setTimeout(r, 25));
    }
    const stats = app.dashboard.stats();
    expect(stats.slowClientsClosed).toBe(1);
    // the reader is still connected and still receiving frames
    expect(stats.clients).toBe(1);
    const before = readBytes;
    await new Promise((r) => setTimeout(r, 500));
    expect(readBytes).toBeGreaterThan(before);
    expect(app.dashboard.stats().clients).toBe(1);
    // the stalled socket was closed by the server (its 'close' comes once the peer is gone)
    stalled.resume();
    const waitClose = performance.now();
    while (closedAt === 0 && performance.now() - waitClose < 10_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(closedAt).toBeGreaterThan(0);
    reader.abort();
    await pump;
  });
});
