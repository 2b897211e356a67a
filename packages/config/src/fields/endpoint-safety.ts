import { isIP } from 'node:net';
import type { ConfigIssue } from '../errors';

/** Host names of cloud metadata services (GCP's two names, AWS's). */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'instance-data.ec2.internal']);

/** The 8 groups of an IPv6 address, or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address;
  // an IPv4 tail (::ffff:1.2.3.4) as two groups
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(Math.max(0, fill)).fill('0'), ...tail].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

function ipv4Problem(address: string): string | undefined {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  if (a === 169 && b === 254)
    return 'a link-local address (169.254.0.0/16: cloud metadata services live here)';
  if (a === 0) return 'the unspecified address (0.0.0.0/8 reaches this host)';
  if (a === 100 && b === 100 && c === 100 && d === 200) return 'a cloud metadata address (100.100.100.200)';
  return undefined;
}

/**
 * Why an exporter should not send to this URL's host — a cloud metadata service, a link-local or
 * the unspecified address, which a mistyped or injected endpoint uses to reach instance
 * credentials (SSRF) — or `undefined` when it is an ordinary host. IPv4 forms such as `0xa9fea9fe`
 * are already dotted decimal in a WHATWG URL; IPv4-mapped IPv6 addresses are read as IPv4.
 */
export function unsafeEndpointProblem(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (METADATA_NAMES.has(host)) return `a cloud metadata service (${host})`;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const kind = isIP(bare);
  if (kind === 4) return ipv4Problem(bare);
  if (kind !== 6) return undefined;
  const g = ipv6Groups(bare);
  if (!g) return undefined;
  if (g.every((x) => x === 0)) return 'the unspecified address (::)';
  // ::ffff:a.b.c.d
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    const v4 = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
    return ipv4Problem(v4);
  }
  if ((g[0]! & 0xffc0) === 0xfe80) return 'a link-local address (fe80::/10)';
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254)
    return 'a cloud metadata address (fd00:ec2::254)';
  return undefined;
}

/** A URL without its userinfo and query, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the URL';
  }
}

/** Where one of our own requests goes: `owner.field` in the config, and its opt-in. */
export interface Destination {
  readonly owner: string;
  readonly field: string;
  readonly url: string;
  readonly allow?: boolean | undefined;
}

/**
 * Where our own requests go: never a cloud metadata / link-local / unspecified address unless the
 * destination's owner says so (an endpoint is a URL anyone who can set a variable can point elsewhere).
 */
export function checkEndpoints(destinations: readonly Destination[], issues: ConfigIssue[]): void {
  for (const { owner, field, url, allow } of destinations) {
    const problem = allow === true ? undefined : unsafeEndpointProblem(url);
    if (problem === undefined) continue;
    issues.push({
      path: `${owner}.${field}`,
      message: `${redactUrl(url)} is ${problem}, refused as a destination; set ${owner}.allowLinkLocal: true if it really is your collector`,
      source: 'code',
    });
  }
}
