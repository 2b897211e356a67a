import type { ResourceHost } from '../types';
import { type PoolReading, PoolTypeMonitor } from './pool-type-monitor';

type SocketLists = Readonly<Record<string, readonly unknown[] | undefined>>;

/** The parts of a Node `http.Agent` / `https.Agent` read here. */
export interface HttpAgentLike {
  readonly sockets: SocketLists;
  readonly freeSockets: SocketLists;
  readonly requests: SocketLists;
  readonly maxSockets: number;
  readonly maxTotalSockets: number;
}

function count(lists: SocketLists): number {
  let n = 0;
  for (const k in lists) n += lists[k]?.length ?? 0;
  return n;
}

/**
 * Node `http.Agent` sockets (resource type `http-agent`): in use (active sockets), idle (kept-alive
 * free sockets), waiting (requests queued for a socket), size, and usage against `maxTotalSockets`
 * (or `maxSockets` × origins when only that is bounded). Agents have no acquire call to time.
 */
export class HttpAgentMonitor extends PoolTypeMonitor<HttpAgentLike> {
  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'http-agent' });
  }

  protected read(agent: HttpAgentLike): PoolReading {
    const inUse = count(agent.sockets);
    const idle = count(agent.freeSockets);
    const origins = new Set([...Object.keys(agent.sockets), ...Object.keys(agent.requests)]).size;
    const max = Number.isFinite(agent.maxTotalSockets)
      ? agent.maxTotalSockets
      : Number.isFinite(agent.maxSockets)
        ? agent.maxSockets * Math.max(1, origins)
        : Number.POSITIVE_INFINITY;
    return { size: inUse + idle, max, inUse, idle, waiting: count(agent.requests), closed: false };
  }

  protected acquireMethods(): Array<[Record<string, unknown>, string]> {
    return [];
  }
}
