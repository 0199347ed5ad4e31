import type { LookupAddress, LookupOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { PrivateAddressError } from "./address-policy.ts";

// Checking a host's addresses and then letting the socket resolve the name again leaves a gap:
// a hostile DNS server can answer a public address to the check and a private one to the
// connection (DNS rebinding). So the check lives inside the socket's own lookup: the name is
// resolved once, every address it gave is checked, and the socket connects to exactly the
// addresses that passed.

/** One address a name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all of its addresses; tests inject their own DNS. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo), with every address it knows. */
export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

/** Which addresses may be connected to. */
export type AddressPolicy = (address: string) => boolean;

type LookupCallback = Parameters<LookupFunction>[2];

/**
 * A `lookup` for net/http/https sockets that resolves with `resolve` and refuses the connection
 * (with a PrivateAddressError) when any address the name resolved to fails `isAllowed`.
 */
export function guardedLookup(resolve: Resolver, isAllowed: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => answer(hostname, addresses, options, isAllowed, callback),
      (error: unknown) => callback(error as NodeJS.ErrnoException, []),
    );
  };
}

function answer(
  hostname: string,
  addresses: readonly ResolvedAddress[],
  options: LookupOptions,
  isAllowed: AddressPolicy,
  callback: LookupCallback,
): void {
  // Every address counts, not only the one a socket would try first: with several answers the
  // socket may fall back to any of them.
  const refused = addresses.find(({ address }) => !isAllowed(address));
  if (refused) {
    callback(new PrivateAddressError(hostname, refused.address), []);
    return;
  }
  const family = familyNumber(options.family);
  const usable: LookupAddress[] = addresses
    .filter((a) => family === 0 || a.family === family)
    .map(({ address, family }) => ({ address, family }));
  const first = usable[0];
  if (!first) {
    const error: NodeJS.ErrnoException = new Error(`No address found for ${hostname}.`);
    error.code = "ENOTFOUND";
    callback(error, []);
    return;
  }
  if (options.all) callback(null, usable);
  else callback(null, first.address, first.family);
}

function familyNumber(family: LookupOptions["family"]): number {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return 0;
}
