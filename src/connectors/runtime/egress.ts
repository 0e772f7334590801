import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where a connector may send a tenant's credentials (SSRF guard, issue 15 item 7).
 *
 * By default a request goes only to HTTPS on the platform's own hosts, and never to an address
 * inside our network: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 incl. the
 * cloud metadata address 169.254.169.254, fe80::/10), CGNAT, unspecified, multicast. The address is
 * checked after DNS resolution, at connect time (the HTTP agent's `lookup`), so a name that
 * resolves to a public address when checked and a private one when used (DNS rebinding) is still
 * refused. `FINCELO_CONNECTOR_ALLOW_HOSTS` (comma list of host names, IPs or `*.suffix`) lifts both
 * rules for the hosts it names: local fakes in tests, a self-hosted proxy.
 *
 * Every refusal is the same sentence whether or not anything listens at that address and port,
 * so the answers cannot be used to scan the internal network.
 */

/** Host patterns of each platform's API (`*.` = any subdomain). */
export const PLATFORM_HOSTS: Record<string, string[]> = {
  zendesk: ['*.zendesk.com'],
  freshdesk: ['*.freshdesk.com'],
  jsm: ['*.atlassian.net'],
  // Intercom's regional API hosts: https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/regional-hosting
  intercom: ['api.intercom.io', 'api.eu.intercom.io', 'api.au.intercom.io'],
  hubspot: ['api.hubapi.com'],
};

const ALL_PLATFORM_HOSTS = [...new Set(Object.values(PLATFORM_HOSTS).flat())];

export interface EgressPolicy {
  /** Hosts (names, IP literals, `*.suffix`) exempt from the platform-host and internal-address rules. */
  allowHosts: string[];
}

let defaultPolicy: EgressPolicy = { allowHosts: [] };

/** Sets the process's policy (from FINCELO_CONNECTOR_ALLOW_HOSTS, at start-up). */
export function configureEgress(policy: EgressPolicy): void {
  defaultPolicy = { allowHosts: policy.allowHosts.map((h) => h.trim().toLowerCase()).filter(Boolean) };
}
export const egressPolicy = (): EgressPolicy => defaultPolicy;

/** Parses `127.0.0.1,localhost,*.corp.example` (blank → none). */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

const stripBrackets = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

function matches(host: string, pattern: string): boolean {
  const h = stripBrackets(host);
  const p = stripBrackets(pattern);
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return h === p;
}

export const isAllowedHost = (host: string, policy: EgressPolicy = defaultPolicy) =>
  policy.allowHosts.some((p) => matches(host, p));

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local (metadata), CGNAT, multicast or unspecified. */
export function isInternalAddress(address: string): boolean {
  const a = stripBrackets(address);
  const family = isIP(a);
  if (family === 4) return internal.check(a, 'ipv4');
  if (family === 6) {
    // IPv4-mapped (::ffff:127.0.0.1) is checked as the IPv4 address it maps to.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
    if (mapped) return internal.check(mapped[1]!, 'ipv4');
    return internal.check(a, 'ipv6');
  }
  return true; // not an address: refuse rather than guess
}

export class EgressRefused extends Error {
  constructor(public readonly host: string) {
    super(
      `Connections to ${host} are not allowed: a connector talks only to its platform's own HTTPS hosts ` +
        '(e.g. <subdomain>.zendesk.com). For a local test server or a self-hosted proxy, set ' +
        'FINCELO_CONNECTOR_ALLOW_HOSTS on the server.',
    );
    this.name = 'EgressRefused';
  }
}

/**
 * The URL-level rule, before any connection: https on a platform host (of `platform`, or of any
 * platform when not given), or an allowed host; an IP literal must also not be internal.
 */
export function checkUrl(url: string, platform?: string, policy: EgressPolicy = defaultPolicy): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EgressRefused(url);
  }
  const host = u.hostname.toLowerCase();
  if (isAllowedHost(host, policy)) return;
  const patterns = platform && PLATFORM_HOSTS[platform] ? PLATFORM_HOSTS[platform]! : ALL_PLATFORM_HOSTS;
  if (u.protocol !== 'https:' || u.username || u.password || !patterns.some((p) => matches(host, p)))
    throw new EgressRefused(host);
  if (isIP(stripBrackets(host)) && isInternalAddress(host)) throw new EgressRefused(host);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for the HTTP agent: resolves as usual, then refuses the connection when any address
 * is internal (unless the host is allowed). Runs for every new connection, so it sees the
 * address actually dialled.
 */
export function guardedLookup(policy: () => EgressPolicy = egressPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, cb: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      if (!isAllowedHost(hostname, policy())) {
        const bad = addresses.find((a) => isInternalAddress(a.address));
        if (bad || addresses.length === 0) {
          const e = new EgressRefused(hostname) as EgressRefused & NodeJS.ErrnoException;
          e.code = 'EGRESS_REFUSED';
          return cb(e, []);
        }
      }
      if (options.all) cb(null, addresses);
      else cb(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** Resolves `host` now and refuses an internal answer (the early check at connect; the agent re-checks). */
export async function checkResolved(host: string, policy: EgressPolicy = defaultPolicy): Promise<void> {
  if (isAllowedHost(host, policy)) return;
  if (isIP(stripBrackets(host))) {
    if (isInternalAddress(host)) throw new EgressRefused(host);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve) =>
    dnsLookup(host, { all: true }, (err, a) => resolve(err ? [] : a)),
  );
  // An unresolvable name is left to the request (which reports it as unreachable).
  if (addresses.some((a) => isInternalAddress(a.address))) throw new EgressRefused(host);
}
