import { metrics, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { getMonitoringRuntime } from '@otelkit/service';
import { createTestTelemetry, SpanAssertionError } from '@otelkit/testing';

describe('createTestTelemetry', () => {
  const t = createTestTelemetry({ logLevel: 'debug' });
  afterEach(() => t.reset());
  afterAll(() => t.shutdown());

  it('captures spans made through the global API and checks them', () => {
    const tracer = trace.getTracer('app');
    tracer.startActiveSpan('parent', (parent) => {
      tracer.startActiveSpan('child', (child) => {
        child.setAttribute('order.id', 'o-1');
        child.addEvent('charged');
        child.setStatus({ code: SpanStatusCode.ERROR });
        child.end();
      });
      parent.end();
    });
    t.expectSpan('child')
      .toHaveStatus('ERROR')
      .toHaveAttribute('order.id', 'o-1')
      .toHaveEvent('charged')
      .toHaveParent('parent');
    t.expectSpan('parent').toHaveStatus('UNSET');
  });

  it('explains what is wrong when a check fails', () => {
    trace.getTracer('app').startSpan('only').end();
    expect(() => t.expectSpan('missing').toExist()).toThrow(
      new SpanAssertionError('expected exactly one finished span "missing", found 0 (finished: only)'),
    );
    expect(() => t.expectSpan('only').toHaveStatus('ERROR')).toThrow(
      'span "only": expected status ERROR, got UNSET',
    );
    expect(() => t.expectSpan('only').toHaveAttribute('x')).toThrow('span "only": no attribute "x"');
  });

  it('reads counters, gauges and histograms by attribute subset', async () => {
    const meter = metrics.getMeter('app');
    const c = meter.createCounter('jobs');
    c.add(2, { queue: 'a', status: 'ok' });
    c.add(3, { queue: 'a', status: 'failed' });
    c.add(5, { queue: 'b', status: 'ok' });
    const h = meter.createHistogram('latency', { unit: 's' });
    h.record(0.1, { route: '/a' });
    h.record(0.3, { route: '/a' });
    meter.createGauge('temp').record(21.5);
    expect(await t.metricValue('jobs')).toBe(10);
    expect(await t.metricValue('jobs', { queue: 'a' })).toBe(5);
    expect(await t.metricValue('jobs', { status: 'ok' })).toBe(7);
    expect(await t.metricValue('jobs', { queue: 'c' })).toBeUndefined();
    expect(await t.metricValue('nope')).toBeUndefined();
    expect(await t.metricValue('latency', { route: '/a' })).toBe(2);
    expect((await t.histogram('latency', { route: '/a' }))?.sum).toBeCloseTo(0.4);
    expect(await t.metricValue('temp')).toBe(21.5);
  });

  it('captures log lines correlated with the active span', () => {
    trace.getTracer('app').startActiveSpan('work', (span) => {
      t.logger.info({ step: 1 }, 'inside');
      span.end();
    });
    t.logger.info('outside');
    const work = t.expectSpan('work').span;
    expect(t.logsFor(work).map((l) => l.msg)).toEqual(['inside']);
    expect(t.logs().map((l) => l.msg)).toEqual(['inside', 'outside']);
    expect(t.logs()[0]).toMatchObject({ trace_id: work.spanContext().traceId, trace_flags: '01', step: 1 });
  });

  it('forgets everything on reset, metrics included', async () => {
    metrics.getMeter('app').createCounter('resets').add(1);
    trace.getTracer('app').startSpan('s').end();
    t.logger.info('x');
    expect(await t.metricValue('resets')).toBe(1);
    t.reset();
    expect(t.spans()).toHaveLength(0);
    expect(t.logs()).toHaveLength(0);
    expect(await t.metricValue('resets')).toBeUndefined();
    metrics.getMeter('app').createCounter('resets').add(1);
    expect(await t.metricValue('resets')).toBe(1);
  });

  it('installs itself as the @monitored runtime', () => {
    expect(getMonitoringRuntime()).toBe(t.runtime);
  });
});

describe('shutdown', () => {
  it('unregisters the globals and the runtime', async () => {
    const t = createTestTelemetry();
    await t.shutdown();
    expect(getMonitoringRuntime()).toBeUndefined();
    const span = trace.getTracer('x').startSpan('after');
    expect(span.isRecording()).toBe(false);
    expect(propagation.fields()).toEqual([]);
  });
});
