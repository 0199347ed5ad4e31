import type { Config } from "./config.ts";

// Kept apart from the configuration reader: these judge settings already read, for the
// warnings the server prints at start.

/** Settings that are legal but dangerous on a public server, each as a warning to print once at start. */
export function riskySettings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.allowPrivateAddress) {
    warnings.push(
      "COPSE_ALLOW_PRIVATE_ADDRESS is true: other servers can make this instance fetch from your private network. Use it only for tests and local demonstrations, never on a server reachable from the internet.",
    );
  }
  const { protocol, hostname } = new URL(config.origin);
  const loopback =
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "[::1]" ||
    hostname.startsWith("127.");
  if (protocol === "http:" && !loopback) {
    warnings.push(
      `COPSE_ORIGIN is ${config.origin}, plain http on a public name: passwords and session cookies cross the network unencrypted, and most fediverse servers refuse http. Put Copse behind an HTTPS proxy (see docs/production.md) and set an https origin.`,
    );
  }
  return warnings;
}
