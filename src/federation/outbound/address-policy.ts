import { BlockList, isIP } from "node:net";

// Which IP addresses a server-side request may connect to. Anything a facilitator types (a news
// feed's URL, and every redirect it leads to) is fetched from inside the server's network, so an
// address that is not on the public internet could reach the server itself, its neighbours or a
// cloud metadata service. The ranges below are the IANA special-purpose registries' entries that
// are not globally reachable, plus multicast and the reserved blocks.

/** Special-purpose IPv4 ranges: [base, prefix length, why it is refused]. */
const IPV4_NOT_PUBLIC: readonly (readonly [string, number, string])[] = [
  ["0.0.0.0", 8, "this network, including the unspecified address 0.0.0.0 (RFC 1122)"],
  ["10.0.0.0", 8, "private use (RFC 1918)"],
  ["100.64.0.0", 10, "carrier-grade NAT, shared address space (RFC 6598)"],
  ["127.0.0.0", 8, "loopback (RFC 1122)"],
  ["169.254.0.0", 16, "link-local, where cloud metadata services live (RFC 3927)"],
  ["172.16.0.0", 12, "private use (RFC 1918)"],
  ["192.0.0.0", 24, "IETF protocol assignments (RFC 6890)"],
  ["192.0.2.0", 24, "documentation, TEST-NET-1 (RFC 5737)"],
  ["192.88.99.0", 24, "6to4 relay anycast (RFC 7526)"],
  ["192.168.0.0", 16, "private use (RFC 1918)"],
  ["198.18.0.0", 15, "benchmarking (RFC 2544)"],
  ["198.51.100.0", 24, "documentation, TEST-NET-2 (RFC 5737)"],
  ["203.0.113.0", 24, "documentation, TEST-NET-3 (RFC 5737)"],
  ["224.0.0.0", 4, "multicast (RFC 5771)"],
  ["240.0.0.0", 4, "reserved, including the broadcast address (RFC 1112)"],
];

/** Special-purpose IPv6 ranges, apart from the two that embed an IPv4 address (below). */
const IPV6_NOT_PUBLIC: readonly (readonly [string, number, string])[] = [
  ["::", 8, "reserved: unspecified ::, loopback ::1 and the old IPv4-compatible form (RFC 4291)"],
  ["100::", 64, "discard-only (RFC 6666)"],
  ["2001::", 23, "IETF protocol assignments, including Teredo (RFC 2928, RFC 4380)"],
  ["2001:db8::", 32, "documentation (RFC 3849)"],
  ["2002::", 16, "6to4, which tunnels to an IPv4 address of the sender's choosing (RFC 3056)"],
  ["fc00::", 7, "unique local (RFC 4193)"],
  ["fe80::", 10, "link-local (RFC 4291)"],
  ["fec0::", 10, "site-local, deprecated (RFC 3879)"],
  ["ff00::", 8, "multicast (RFC 4291)"],
];

/**
 * IPv6 prefixes whose last 32 bits are an IPv4 address the connection really goes to: mapped
 * addresses (::ffff:127.0.0.1 is loopback) and NAT64 (64:ff9b::7f00:1 reaches 127.0.0.1 through
 * the gateway). Such an address is as public as the IPv4 address inside it.
 */
const IPV4_EMBEDDING_PREFIXES = ["::ffff:", "64:ff9b::"] as const;

// BlockList matches an IPv4 rule against IPv4-mapped IPv6 input and the other way round, so
// each family gets a list of its own and is only ever checked against that list.
const ipv4Refused = new BlockList();
for (const [base, prefix] of IPV4_NOT_PUBLIC) ipv4Refused.addSubnet(base, prefix, "ipv4");

const ipv6Refused = new BlockList();
for (const [base, prefix] of IPV6_NOT_PUBLIC) ipv6Refused.addSubnet(base, prefix, "ipv6");

const embedsIpv4 = new BlockList();
for (const prefix of IPV4_EMBEDDING_PREFIXES) embedsIpv4.addSubnet(`${prefix}0.0.0.0`, 96, "ipv6");

// The IPv4 ranges again, as seen through each embedding prefix: ::ffff:127.0.0.0/104 and so on.
const embeddedIpv4Refused = new BlockList();
for (const prefix of IPV4_EMBEDDING_PREFIXES) {
  for (const [base, length] of IPV4_NOT_PUBLIC) {
    embeddedIpv4Refused.addSubnet(`${prefix}${base}`, 96 + length, "ipv6");
  }
}

/** True when `address` is an IPv4 or IPv6 address on the public internet; false for anything else. */
export function isPublicAddress(address: string): boolean {
  // A zone index (fe80::1%eth0) only says which interface; the address decides.
  const bare = address.replace(/%.*$/, "");
  switch (isIP(bare)) {
    case 4:
      return !ipv4Refused.check(bare, "ipv4");
    case 6:
      if (embedsIpv4.check(bare, "ipv6")) return !embeddedIpv4Refused.check(bare, "ipv6");
      return !ipv6Refused.check(bare, "ipv6");
    default:
      // Not an IP address at all (a resolver answering with a name, say): fail closed.
      return false;
  }
}

/** Raised instead of connecting when a host is, or resolves to, an address that is not public. */
export class PrivateAddressError extends Error {
  /** A Node-style error code, so connection errors can be told apart by code alone. */
  readonly code = "ERR_PRIVATE_ADDRESS";

  constructor(
    /** The host name (or literal address) that was asked for. */
    readonly hostname: string,
    /** The address that was refused. */
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, which is not a public address.`);
    this.name = "PrivateAddressError";
  }
}
