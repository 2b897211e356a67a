import { SpanStatusCode } from '@opentelemetry/api';
import { createTracing, SpanRing } from '../../src';
import { sanitizeSql } from '../../src/processors/sanitize-attributes';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

// Issue 14 item 14: URL credentials and query tokens in url.full / http.url, and SQL literals in
// db.query.text, were exported as recorded.

describe('span attributes are sanitised before any exporter sees them', () => {
  it('redacts URL userinfo and secret query values, and SQL literals in statements', async () => {
    const ring = new SpanRing(10);
    const tracing = createTracing(tracingConfig({ exporters: [memoryExporter(10)] }), testResource(), {
      recentSpans: ring,
    });
    const span = tracing.tracer.startSpan('GET');
    span.setAttributes({
      'url.full': 'https://api.example.com/items?api_key=CANARY-1&page=2',
      'http.url': 'https://user:CANARY-2@legacy.example.com/x',
      'url.query': 'token=CANARY-3&sort=asc',
      'db.connection_string': 'Server=db;User Id=app;Password=CANARY-4;',
      'db.query.text': "SELECT * FROM users WHERE email = 'CANARY-5@example.com' AND pin = 4242 AND org = $1",
      'db.statement': "UPDATE t SET secret = 'CANARY-6' WHERE id = 7",
      'http.route': '/items/:id',
      'http.response.status_code': 200,
    });
    span.recordException(new Error('GET https://svc.example.com/cb?password=CANARY-7 failed'));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    await tracing.forceFlush();
    const [exported] = tracing.memoryExporter?.getFinishedSpans() ?? [];
    expect(exported).toBeDefined();
    expect(JSON.stringify({ a: exported?.attributes, e: exported?.events })).not.toMatch(/CANARY/);
    expect(exported?.attributes).toMatchObject({
      'url.full': 'https://api.example.com/items?api_key=REDACTED&page=2',
      'http.url': 'https://REDACTED:REDACTED@legacy.example.com/x',
      'db.query.text': 'SELECT * FROM users WHERE email = ? AND pin = ? AND org = $1',
      'db.statement': 'UPDATE t SET secret = ? WHERE id = ?',
      'http.route': '/items/:id',
      'http.response.status_code': 200,
    });
    // the ring the dashboard reads holds the same, sanitised span
    expect(ring.toArray()).toHaveLength(1);
    expect(JSON.stringify(ring.toArray().map((s) => s.attributes))).not.toMatch(/CANARY/);
    await tracing.shutdown();
  });

  it('keeps placeholders, identifiers, quoted identifiers and comments in SQL', () => {
    expect(sanitizeSql('SELECT t1.a, "Col 2" FROM t1 WHERE x = ? AND y = :name AND z = $2 -- note 5')).toBe(
      'SELECT t1.a, "Col 2" FROM t1 WHERE x = ? AND y = :name AND z = $2 -- note 5',
    );
    expect(sanitizeSql("INSERT INTO t VALUES ('it''s', 3.5e3, 0xFF, $$dollar $$)")).toBe(
      'INSERT INTO t VALUES (?, ?, ?, ?)',
    );
    expect(sanitizeSql("SELECT 'a\\'b' AS s, -1 AS n")).toBe('SELECT ? AS s, -? AS n');
  });
});
