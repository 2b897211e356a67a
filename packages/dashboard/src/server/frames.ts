/**
 * The 1 Hz heart of the dashboard, which beats only while somebody watches: the first stream
 * client starts the tick, the last one leaving stops it. One tick = one collection of the
 * cumulative reader, one snapshot, and one frame per window asked for, written to every client
 * as it is (the cost of a tick does not grow with the number of clients, only the writes do).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { DashboardConfig } from '@otelkit/config';
import {
  alertsView,
  healthView,
  type RuntimeMemo,
  resourcesView,
  runtimeHistory,
  runtimeView,
} from '../data/live-state';
import { type LogEntry, linesSince } from '../data/logs';
import {
  type CollectionLike,
  ratePoint,
  redWindow,
  type Snapshot,
  SnapshotHistory,
  snapshotOf,
  WINDOWS,
  type WindowName,
} from '../data/red-windows';
import { listTraces, type SpanLike } from '../data/traces';
import type { DashboardSource } from '../types';

/** Frames larger than this lose their log lines, then their traces. */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * A stream client that has left this much of what we wrote unread is not reading (a stalled tab,
 * a proxy that buffers, a script that connected and stopped): it is closed instead of buffered
 * for, which would grow by up to a frame a second for as long as it stays connected. Its
 * EventSource reconnects (`retry: 2000`) and starts again from a fresh snapshot.
 */
export const MAX_CLIENT_BACKLOG_BYTES = 4 * MAX_FRAME_BYTES;
/**
 * Ticks in a row a client must stay past {@link MAX_CLIENT_BACKLOG_BYTES} before it is closed: a
 * large snapshot on connect, or a browser busy for a moment, is not a client that stopped reading.
 * What it can hold meanwhile is bounded too: at most this many frames more.
 */
export const SLOW_CLIENT_TICKS = 5;
/**
 * The tick period: 1 s. Mutable for tests only (the client-heap test streams 600 frames in about
 * a minute); not part of the package's exports or config.
 */
export const TICK = { millis: 1000 };
const STALE_MILLIS = 5000;
const LOGS_PER_FRAME = 100;
const LOGS_ON_CONNECT = 300;
const TRACES_PER_FRAME = 25;

/**
 * Fractions are sent with 4 significant digits (what the page shows, and a third of the bytes);
 * integers and anything ≥ 1e6 (timestamps) as they are.
 */
export function compact(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isInteger(v) && Math.abs(v) < 1e6 ? Number(v.toPrecision(4)) : v;
}

interface Client {
  readonly res: ServerResponse;
  readonly window: WindowName;
  /** Consecutive ticks that found more than MAX_CLIENT_BACKLOG_BYTES unread. */
  behind: number;
}

export function windowOf(v: string | null | undefined): WindowName {
  return v !== null && v !== undefined && v in WINDOWS ? (v as WindowName) : '1m';
}

/** Runs `fn` with tracing suppressed: nothing the dashboard does becomes a span. */
export function untraced<T>(fn: () => T): T {
  return context.with(suppressTracing(context.active()), fn);
}

export class FrameHub {
  private readonly _clients = new Set<Client>();
  private readonly _history = new SnapshotHistory();
  private readonly _memo: RuntimeMemo = {};
  private _timer: NodeJS.Timeout | undefined;
  private _ticking: Promise<void> | undefined;
  private _logCursor = 0;
  private _spanCursor = -1;
  private _closed = false;
  frames = 0;
  /** Stream clients closed because they stopped reading ({@link MAX_CLIENT_BACKLOG_BYTES}). */
  slowClientsClosed = 0;
  collections = 0;
  lastFrameBytes = 0;

  constructor(
    private readonly _source: DashboardSource,
    private readonly _config: DashboardConfig,
  ) {}

  get clients(): number {
    return this._clients.size;
  }

  get ticking(): boolean {
    return this._timer !== undefined;
  }

  /** One collection → the latest snapshot, kept in the history. */
  async collect(): Promise<Snapshot> {
    this.collections++;
    const result = (await untraced(() => this._source.metrics.collect())) as unknown as CollectionLike;
    const s = snapshotOf(result, Date.now());
    // Nobody watched for a while: the old snapshots delimit no window any more (no timer ran to
    // drop them; this is the first look since).
    const latest = this._history.latest();
    if (latest !== undefined && s.t - latest.t > STALE_MILLIS) this._history.clear();
    this._history.add(s);
    return s;
  }

  /** The full state over `window`: what a new client (or `api/snapshot`) gets. */
  async snapshot(window: WindowName): Promise<Record<string, unknown>> {
    const now = await this.collect();
    const spans = this._spans();
    const logs = this._source.recent?.logs;
    return {
      type: 'snapshot',
      t: now.t,
      service: this._source.config.service.name,
      windows: Object.keys(WINDOWS),
      window,
      topN: this._config.topN,
      buffer: this._config.buffer,
      actions: this._config.actions,
      red: redWindow(this._history, now, window, this._config.topN),
      points: this._history.points(),
      runtime: runtimeView(this._source, now.t, this._memo),
      runtimeHistory: runtimeHistory(this._source, now.t - 15 * 60_000),
      resources: resourcesView(this._source),
      alerts: alertsView(this._source),
      health: await untraced(() => healthView(this._source)),
      traces: listTraces(spans, { limit: TRACES_PER_FRAME }),
      logs: logs ? linesSince(logs, 0, LOGS_ON_CONNECT).entries : [],
    };
  }

  private _spans(): SpanLike[] {
    return (this._source.recent?.spans.toArray() ?? []) as unknown as SpanLike[];
  }

  /** Streams to `res` until it closes: a snapshot first, then a frame a second. */
  async attach(req: IncomingMessage, res: ServerResponse, window: WindowName): Promise<void> {
    if (this._closed || this._clients.size >= this._config.maxClients) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
      res.end('too many dashboard clients\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const client: Client = { res, window, behind: 0 };
    this._clients.add(client);
    const leave = () => {
      this._clients.delete(client);
      if (this._clients.size === 0) this._stop();
    };
    res.on('close', leave);
    res.on('error', leave);
    try {
      if (this._clients.size === 1) {
        // The first watcher: cursors start now, the tick starts.
        this._logCursor = this._source.recent?.logs.total ?? 0;
        this._spanCursor = this._source.recent?.spans.total ?? 0;
      }
      const snap = await this.snapshot(window);
      if (!res.writableEnded)
        res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(snap, compact)}\n\n`);
    } catch {
      res.end();
      return;
    }
    this._start();
  }

  private _start(): void {
    if (this._timer !== undefined || this._clients.size === 0) return;
    this._timer = setInterval(() => {
      if (this._ticking === undefined)
        this._ticking = this._tick().finally(() => (this._ticking = undefined));
    }, TICK.millis);
    this._timer.unref();
  }

  private _stop(): void {
    if (this._timer !== undefined) clearInterval(this._timer);
    this._timer = undefined;
  }

  private async _tick(): Promise<void> {
    if (this._clients.size === 0) return;
    let now: Snapshot;
    try {
      now = await this.collect();
    } catch {
      return;
    }
    const prev = this._history.previous();
    const ringLogs = this._source.recent?.logs;
    let logs: LogEntry[] = [];
    if (ringLogs) {
      const r = linesSince(ringLogs, this._logCursor, LOGS_PER_FRAME);
      logs = r.entries;
      this._logCursor = r.next;
    }
    const spanTotal = this._source.recent?.spans.total ?? 0;
    const traces =
      spanTotal !== this._spanCursor ? listTraces(this._spans(), { limit: TRACES_PER_FRAME }) : undefined;
    this._spanCursor = spanTotal;
    const shared = {
      type: 'frame',
      t: now.t,
      point: ratePoint(now, prev),
      runtime: runtimeView(this._source, now.t, this._memo),
      resources: resourcesView(this._source),
      alerts: alertsView(this._source),
      health: await untraced(() => healthView(this._source)).catch(() => undefined),
      ...(traces ? { traces } : {}),
      logs,
    };
    const byWindow = new Map<WindowName, string>();
    for (const c of this._clients) {
      let text = byWindow.get(c.window);
      if (text === undefined) {
        text = this._encode({
          ...shared,
          window: c.window,
          red: redWindow(this._history, now, c.window, this._config.topN),
        });
        byWindow.set(c.window, text);
      }
      if (!c.res.writableEnded && !c.res.destroyed) {
        c.behind = c.res.writableLength > MAX_CLIENT_BACKLOG_BYTES ? c.behind + 1 : 0;
        if (c.behind >= SLOW_CLIENT_TICKS) {
          this.slowClientsClosed++;
          this._clients.delete(c); // at once: its 'close' (which also leaves) comes a turn later
          c.res.destroy();
          continue;
        }
        c.res.write(text);
        this.frames++;
      }
    }
  }

  private _encode(frame: Record<string, unknown>): string {
    let json = JSON.stringify(frame, compact);
    if (json.length > MAX_FRAME_BYTES) {
      const logs = frame.logs as LogEntry[];
      json = JSON.stringify(
        {
          ...frame,
          logs: logs.slice(-10),
          logsDropped: logs.length - Math.min(10, logs.length),
        },
        compact,
      );
    }
    if (json.length > MAX_FRAME_BYTES)
      json = JSON.stringify({ ...frame, logs: [], traces: undefined, truncated: true }, compact);
    const text = `data: ${json}\n\n`;
    this.lastFrameBytes = Buffer.byteLength(text);
    return text;
  }

  close(): void {
    this._closed = true;
    for (const c of this._clients) c.res.end();
    this._clients.clear();
    this._stop();
    this._history.clear();
  }
}
