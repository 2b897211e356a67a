import * as http from 'node:http';
import * as https from 'node:https';

const ABORT = Symbol.for('otelkit.abortExports.v1');

/**
 * The HTTP agents of one OTLP exporter, made by the exporter through `httpAgentOptions` (the
 * factory form), so that a shutdown can cut the requests it gave up on: a collector that reads a
 * request and never answers otherwise keeps the socket — and the process — alive until the
 * exporter's own timeout (30 s with `timeout: '30s'`).
 */
export interface AbortableAgents {
  /** The `httpAgentOptions` factory of the OpenTelemetry OTLP HTTP exporters (keep-alive agents). */
  readonly factory: (protocol: string) => http.Agent;
  /** Destroys every socket, and makes later requests fail at once (no retry: the error has no errno code). */
  abort(): void;
}

/**
 * Gives every request through `agent` a total deadline: the OpenTelemetry transport's timeout is
 * an idle one (`req.setTimeout`), so an answer that trickles a byte now and then never times out
 * and keeps its socket — one more for every export — for as long as the server keeps trickling.
 * The timer is unref'd and cleared when the request closes.
 */
function withRequestDeadline(agent: http.Agent, millis: number): void {
  const inner = agent as unknown as { addRequest(req: http.ClientRequest, options: unknown): void };
  const add = inner.addRequest.bind(agent);
  inner.addRequest = (req, options) => {
    const timer = setTimeout(
      () => req.destroy(new Error(`otelkit: no complete answer within ${millis} ms`)),
      millis,
    );
    timer.unref();
    req.once('close', () => clearTimeout(timer));
    add(req, options);
  };
}

function refuseNewRequests(agent: http.Agent): void {
  (agent as unknown as { addRequest(req: http.ClientRequest): void }).addRequest = (req) => {
    req.destroy(new Error('otelkit: exporter shut down'));
  };
}

/**
 * See {@link AbortableAgents}. With `requestDeadlineMillis` (the exporter's timeout), each request
 * is also cut once that long has passed since it was handed to the agent, answered or not.
 */
export function abortableAgents(requestDeadlineMillis?: number): AbortableAgents {
  const agents: http.Agent[] = [];
  let aborted = false;
  return {
    factory(protocol) {
      const agent =
        protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
      if (requestDeadlineMillis !== undefined && requestDeadlineMillis > 0) {
        withRequestDeadline(agent, requestDeadlineMillis);
      }
      if (aborted) refuseNewRequests(agent);
      agents.push(agent);
      return agent;
    },
    abort() {
      aborted = true;
      for (const agent of agents) {
        refuseNewRequests(agent);
        agent.destroy();
      }
    },
  };
}

/** Marks `exporter` as one whose in-flight requests {@link abortExports} can cut. Returns it. */
export function withAbort<T extends object>(exporter: T, abort: () => void): T {
  Object.defineProperty(exporter, ABORT, { value: abort, configurable: true });
  return exporter;
}

/**
 * Cuts the requests `exporter` still has in flight (a no-op for exporters not made abortable).
 * Called when a shutdown budget ran out and what was in flight has been counted as lost. Never throws.
 */
export function abortExports(exporter: unknown): void {
  try {
    const abort = (exporter as Record<symbol, unknown> | null | undefined)?.[ABORT];
    if (typeof abort === 'function') abort();
  } catch {
    // never throws into a shutdown
  }
}
