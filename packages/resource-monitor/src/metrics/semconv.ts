// Metric names. Semantic-convention names where one exists (runtime-node / process / v8js), an
// `otelkit.` prefix where none does (container view, alert state, the monitor's own counters).
export const METRIC_NODEJS_EVENTLOOP_DELAY_P50 = 'nodejs.eventloop.delay.p50';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P99 = 'nodejs.eventloop.delay.p99';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MAX = 'nodejs.eventloop.delay.max';
export const METRIC_NODEJS_EVENTLOOP_UTILIZATION = 'nodejs.eventloop.utilization';
export const METRIC_V8JS_GC_DURATION = 'v8js.gc.duration';
export const METRIC_V8JS_MEMORY_HEAP_USED = 'v8js.memory.heap.used';
// v8js.memory.heap.limit is deprecated (semconv 1.3x): replaced by v8js.memory.heap.space.size
export const METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE = 'v8js.memory.heap.space.size';
export const METRIC_PROCESS_THREAD_COUNT = 'process.thread.count';
export const METRIC_PROCESS_FD_COUNT = 'process.unix.file_descriptor.count';
export const METRIC_PROCESS_DISK_IO = 'process.disk.io';
export const METRIC_PROCESS_DISK_OPERATIONS = 'process.disk.operations';
export const METRIC_V8JS_RESOURCE_ACTIVE = 'v8js.resource.active';
export const METRIC_OTELKIT_LOAD_AVERAGE = 'otelkit.system.cpu.load_average';
export const METRIC_OTELKIT_CPU_UTILIZATION = 'otelkit.cpu.utilization';
export const METRIC_OTELKIT_CPU_LIMIT = 'otelkit.cpu.limit';
export const METRIC_OTELKIT_MEMORY_UTILIZATION = 'otelkit.memory.utilization';
export const METRIC_OTELKIT_MEMORY_LIMIT = 'otelkit.memory.limit';
export const METRIC_OTELKIT_APP_METRIC = 'otelkit.monitor.metric';
export const METRIC_OTELKIT_ALERT_STATE = 'otelkit.alert.state';
export const METRIC_OTELKIT_MONITOR_SAMPLES = 'otelkit.monitor.samples';
export const METRIC_OTELKIT_MONITOR_ERRORS = 'otelkit.monitor.errors';
export const METRIC_OTELKIT_MONITOR_DROPPED = 'otelkit.monitor.dropped';
export const METRIC_OTELKIT_WEBHOOK_SENT = 'otelkit.alert.webhook.sent';

export const ATTR_V8JS_GC_TYPE = 'v8js.gc.type';
export const ATTR_V8JS_HEAP_SPACE_NAME = 'v8js.heap.space.name';
export const ATTR_V8JS_RESOURCE_TYPE = 'v8js.resource.type';
export const ATTR_DISK_IO_DIRECTION = 'disk.io.direction';
export const ATTR_VIEW = 'otelkit.view';
