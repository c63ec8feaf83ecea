import {
  lookup as dnsLookup,
  promises as dnsPromises,
  type LookupAddress,
  type LookupOptions,
} from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may be delivered. A subscriber names a URL; the hub connects to it from inside
 * the government network, so a URL must not reach the hub's own neighbourhood (a database, an
 * admin console, the cloud's metadata service). The rules:
 *
 * - https, unless the host is in HUB_WEBHOOK_ALLOWLIST;
 * - every address the host resolves to is public, unless the host or that address is
 *   allowlisted: no loopback, private, carrier-grade NAT, link-local, unique-local, unspecified,
 *   multicast or reserved addresses, nor IPv6 forms embedding IPv4 ones;
 * - never a cloud metadata service, allowlisted or not.
 *
 * Checked at registration and again at every delivery, where the connection's own DNS lookup is
 * checked (`guardedLookup`), so the hub connects to the very address it checked (a name that
 * resolves to a public address at registration and to a private one later gets nothing).
 */
export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
}

/** A parsed webhook URL that passed the checks that need no DNS. */
export interface WebhookTarget {
  url: URL;
  /** Host name as compared with the allowlist: lower-case, no brackets, no trailing dot. */
  host: string;
  /** The host is in the allowlist: http and non-public addresses are allowed. */
  allowlisted: boolean;
}

/** Resolves a host name to all its addresses (dns.promises.lookup with `all: true`). */
export type ResolveAll = (host: string) => Promise<LookupAddress[]>;

/** A `dns.lookup` answering all addresses (what `guardedLookup` asks its resolver for). */
export type LookupAll = (
  host: string,
  options: Pick<LookupOptions, 'family' | 'hints'>,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

/** Address classes a webhook may not reach, in the order their names are reported. */
const RULES: { rule: string; cidrs: string[] }[] = [
  {
    rule: 'a cloud metadata address',
    // AWS, GCP, Azure, OpenStack, Huawei; AWS ECS; Tencent Cloud; Alibaba Cloud; AWS IPv6.
    cidrs: [
      '169.254.169.254/32',
      '169.254.170.2/32',
      '169.254.0.23/32',
      '100.100.100.200/32',
      'fd00:ec2::254/128',
    ],
  },
  { rule: 'an unspecified address (0.0.0.0/8, ::)', cidrs: ['0.0.0.0/8', '::/128'] },
  { rule: 'a loopback address (127.0.0.0/8, ::1)', cidrs: ['127.0.0.0/8', '::1/128'] },
  {
    rule: 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
    cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  },
  { rule: 'a carrier-grade NAT address (100.64.0.0/10)', cidrs: ['100.64.0.0/10'] },
  {
    rule: 'a link-local address (169.254.0.0/16, fe80::/10)',
    cidrs: ['169.254.0.0/16', 'fe80::/10'],
  },
  {
    rule: 'a unique-local address (fc00::/7, fec0::/10)',
    cidrs: ['fc00::/7', 'fec0::/10'],
  },
  { rule: 'a multicast address (224.0.0.0/4, ff00::/8)', cidrs: ['224.0.0.0/4', 'ff00::/8'] },
  {
    rule: 'a reserved address (240.0.0.0/4, 192.0.0.0/24, benchmarking, documentation)',
    cidrs: [
      '240.0.0.0/4',
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '100::/64',
      '2001:db8::/32',
    ],
  },
  {
    // IPv4-mapped addresses (::ffff:a.b.c.d) are checked as the IPv4 address by BlockList.
    rule: 'an IPv6 address embedding an IPv4 one (IPv4-compatible, NAT64, 6to4, Teredo)',
    cidrs: ['::/96', '64:ff9b::/96', '64:ff9b:1::/48', '2002::/16', '2001::/32'],
  },
];

const BLOCKS = RULES.map(({ rule, cidrs }) => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/');
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
  }
  return { rule, list };
});

const METADATA_RULE = RULES[0].rule;

/** An IP address in one spelling: IPv6 compressed and lower-case, without a zone. */
function canonicalIp(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(bare) !== 6) return bare;
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}

/** A host name or address as the allowlist holds it. */
export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  return isIP(lower.replace(/^\[|\]$/g, '').replace(/%.*$/, '')) ? canonicalIp(lower) : lower;
}

/** The rule that refuses an address as a webhook target, or null for a public address. */
export function addressRefusal(address: string): string | null {
  const ip = canonicalIp(address);
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  return BLOCKS.find(({ list }) => list.check(ip, type))?.rule ?? null;
}

const allowlistOf = (allowlist: readonly string[]) => new Set(allowlist.map(normalizeHost));

/**
 * Why the target may not be connected to at `address`, or null when it may: public, or the
 * host or the address allowlisted (but never a metadata address).
 */
function refusalAt(target: WebhookTarget, address: string, allowlist: readonly string[]) {
  const rule = addressRefusal(address);
  if (rule === null) return null;
  if (
    rule !== METADATA_RULE &&
    (target.allowlisted || allowlistOf(allowlist).has(canonicalIp(address)))
  )
    return null;
  const shown = canonicalIp(address);
  const where = shown === target.host ? shown : `${target.host} resolves to ${shown}, which`;
  return (
    `webhook target refused: ${where} is ${rule}; ` +
    (rule === METADATA_RULE
      ? 'metadata services are never webhook targets'
      : 'only public addresses are allowed unless HUB_WEBHOOK_ALLOWLIST names the host')
  );
}

/**
 * Parses a webhook URL and checks what needs no DNS: scheme, host name, a literal address.
 * Throws WebhookTargetError naming the rule.
 */
export function parseWebhookTarget(raw: string, allowlist: readonly string[]): WebhookTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetError('webhook url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookTargetError(`webhook url must use https, not ${url.protocol.slice(0, -1)}`);
  const host = normalizeHost(url.hostname);
  if (host === '') throw new WebhookTargetError('webhook url has no host');
  const allowlisted = allowlistOf(allowlist).has(host);
  if (url.protocol === 'http:' && !allowlisted)
    throw new WebhookTargetError(
      `webhook url must use https: plain http only to hosts in HUB_WEBHOOK_ALLOWLIST, and ${host} is not one`,
    );
  if (METADATA_HOSTS.has(host))
    throw new WebhookTargetError(
      `webhook target refused: ${host} is a cloud metadata service; metadata services are never webhook targets`,
    );
  if (!allowlisted && (host === 'localhost' || host.endsWith('.localhost')))
    throw new WebhookTargetError(
      `webhook target refused: ${host} is a loopback name; only public addresses are allowed unless HUB_WEBHOOK_ALLOWLIST names the host`,
    );
  const target = { url, host, allowlisted };
  if (isIP(host)) {
    const refusal = refusalAt(target, host, allowlist);
    if (refusal) throw new WebhookTargetError(refusal);
  }
  return target;
}

const resolveAll: ResolveAll = (host) => dnsPromises.lookup(host, { all: true });

/**
 * Parses a webhook URL and resolves its host: every address must be allowed. Throws
 * WebhookTargetError naming the rule (also when the host does not resolve).
 */
export async function checkWebhookTarget(
  raw: string,
  allowlist: readonly string[],
  resolve: ResolveAll = resolveAll,
): Promise<WebhookTarget & { addresses: string[] }> {
  const target = parseWebhookTarget(raw, allowlist);
  if (isIP(target.host)) return { ...target, addresses: [target.host] };
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(target.url.hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WebhookTargetError(
      `webhook host ${target.host} does not resolve (${code ?? 'DNS error'})`,
    );
  }
  if (addresses.length === 0)
    throw new WebhookTargetError(`webhook host ${target.host} does not resolve`);
  for (const { address } of addresses) {
    const refusal = refusalAt(target, address, allowlist);
    if (refusal) throw new WebhookTargetError(refusal);
  }
  return { ...target, addresses: addresses.map((a) => canonicalIp(a.address)) };
}

const lookupAll: LookupAll = (host, options, callback) =>
  dnsLookup(host, { ...options, all: true }, callback);

/**
 * The `lookup` of a delivery's connection (http.request's option): resolves as usual, then
 * refuses the connection when any address breaks the rules, so the socket goes to an address
 * that was checked just now (DNS rebinding gets nothing). A literal-address host is never
 * looked up by Node: parseWebhookTarget checked it.
 */
export function guardedLookup(
  target: WebhookTarget,
  allowlist: readonly string[],
  lookup: LookupAll = lookupAll,
): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { family: options.family, hints: options.hints }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refusal =
        addresses.length === 0
          ? `webhook host ${target.host} does not resolve`
          : addresses.map((a) => refusalAt(target, a.address, allowlist)).find(Boolean);
      if (refusal) return callback(new WebhookTargetError(refusal), '', 0);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** A webhook URL as logs show it: no credentials, query or fragment (they may hold tokens). */
export const loggableUrl = (raw: string): string => {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(invalid url)';
  }
};
