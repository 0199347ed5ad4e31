import { describe, expect, it } from "vitest";
import { isPublicAddress } from "../../src/federation/outbound/address-policy.ts";

// The table of addresses a server-side request may never reach, and some it may. Each row is an
// address an attacker could hand the feed fetcher (directly, through DNS or through a redirect).

const NOT_PUBLIC: [string, string][] = [
  ["127.0.0.1", "IPv4 loopback"],
  ["127.255.255.254", "the far end of 127.0.0.0/8"],
  ["::1", "IPv6 loopback"],
  ["::ffff:127.0.0.1", "IPv4-mapped loopback, dotted"],
  ["::ffff:7f00:1", "IPv4-mapped loopback, in hex"],
  ["::FFFF:10.0.0.1", "IPv4-mapped private address, upper case"],
  ["64:ff9b::7f00:1", "loopback through a NAT64 gateway"],
  ["169.254.169.254", "cloud metadata service (link-local)"],
  ["::ffff:169.254.169.254", "cloud metadata service, IPv4-mapped"],
  ["fe80::1", "IPv6 link-local"],
  ["fe80::1%eth0", "IPv6 link-local with a zone index"],
  ["fd00::1", "IPv6 unique local"],
  ["fc00::1", "IPv6 unique local, the other half"],
  ["fec0::1", "deprecated site-local"],
  ["0.0.0.0", "unspecified IPv4 (Linux connects it to loopback)"],
  ["::", "unspecified IPv6"],
  ["::127.0.0.1", "deprecated IPv4-compatible loopback"],
  ["10.0.0.1", "RFC 1918"],
  ["172.16.0.1", "RFC 1918, start of 172.16.0.0/12"],
  ["172.31.255.255", "RFC 1918, end of 172.16.0.0/12"],
  ["192.168.1.1", "RFC 1918"],
  ["100.64.0.1", "carrier-grade NAT"],
  ["100.127.255.254", "carrier-grade NAT, end of the range"],
  ["224.0.0.1", "IPv4 multicast"],
  ["239.255.255.250", "IPv4 multicast (SSDP)"],
  ["ff02::1", "IPv6 multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["192.0.2.1", "documentation"],
  ["198.18.0.1", "benchmarking"],
  ["2001:db8::1", "IPv6 documentation"],
  ["2002:7f00:1::1", "6to4 wrapping loopback"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
  ["news.example.org", "not an address at all"],
  ["", "empty"],
];

const PUBLIC: [string, string][] = [
  ["8.8.8.8", "a public resolver"],
  ["93.184.215.14", "a public web server"],
  ["172.32.0.1", "just past 172.16.0.0/12"],
  ["100.128.0.1", "just past carrier-grade NAT"],
  ["11.0.0.1", "just past 10.0.0.0/8"],
  ["223.255.255.255", "just below multicast"],
  ["2606:4700:4700::1111", "public IPv6"],
  ["2001:4860:4860::8888", "public IPv6 inside 2001::/16 but past 2001::/23"],
  ["::ffff:8.8.8.8", "IPv4-mapped public address"],
  ["64:ff9b::808:808", "a public address through a NAT64 gateway"],
];

describe("the public address policy", () => {
  it.each(NOT_PUBLIC)("refuses %s (%s)", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(PUBLIC)("allows %s (%s)", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
