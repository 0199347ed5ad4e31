import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/** Reads a submitted form as trimmed-free strings (files and repeated fields are ignored). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === "string") fields[key] = value;
  }
  return fields;
}

/**
 * The client's address, for throttling sign-in attempts. Behind a reverse proxy every request
 * comes from the proxy, so with COPSE_TRUST_PROXY the address the proxy appended to
 * X-Forwarded-For (the last one, the only one it vouches for) is used instead.
 */
export function clientKey(c: Context<AppEnv>): string {
  if (c.get("deps").config.trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").pop()?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}
