/**
 * No SSRF through URLs that come from outside (browsers' push endpoints, registered webhooks): the checks
 * that keep a request off loopback, private, link-local and other non-public addresses — on an IP literal
 * ({@link isNonPublicHost}) and on every address DNS returns, at connect time ({@link publicOnlyLookup}, an
 * `http(s).Agent` `lookup`), so a name that later resolves elsewhere is caught too.
 */
import { BlockList, isIP, type LookupFunction } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) NON_PUBLIC.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) NON_PUBLIC.addSubnet(net, prefix, "ipv6");

/** Loopback, private, link-local, CGNAT, multicast, reserved (IPv4, IPv6 and IPv4-mapped IPv6). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC.check(mapped[1]!, "ipv4");
  return NON_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** The hostname of a URL without IPv6 brackets. */
const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, "$1");

/** True when the endpoint's host is `localhost` or a non-public IP literal (DNS names are checked at connect). */
export function isNonPublicHost(hostname: string): boolean {
  const host = bareHost(hostname).toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || isNonPublicAddress(host);
}

/** A connection refused because the name resolved to a non-public address. */
export class NonPublicAddressError extends Error {
  readonly code = "ENONPUBLIC";
}

/** `dns.lookup` that refuses non-public answers (both the single and the `all: true` form Node uses). */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    const bad = addresses.find((a) => isNonPublicAddress(a.address));
    if (bad) return callback(new NonPublicAddressError(`${hostname} resolves to a non-public address`), "", 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
    callback(null, first.address, first.family);
  });
};
