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

/** The client's address for throttling: the socket's, as Copse cannot trust proxy headers by default. */
export function clientKey(c: Context<AppEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}
