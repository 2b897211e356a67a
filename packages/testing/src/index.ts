export type { AttributeMatch, TestTelemetry, TestTelemetryOptions } from './create-test-telemetry';
export { createTestTelemetry } from './create-test-telemetry';
export type { FakeBehaviour, FakeRequest, FakeScript, FakeServer, FakeServerOptions } from './fake-server';
export { createFakeServer, flap } from './fake-server';
export type { CapturedLogLine } from './memory-log-stream';
export { MemoryLogStream } from './memory-log-stream';
export { SpanAssertion, SpanAssertionError } from './span-assertion';
export { TestMetricReader } from './test-metric-reader';
