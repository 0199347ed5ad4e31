import type pg from "pg";
import { loadPg } from "./driver.ts";

// A queue listener's own database session (src/federation/postgres/queue.ts): its claims name
// the session's server process, so that other listeners can tell a claim whose listener died
// (the server ended its session when the connection closed) from one still being handled.

/** The database session a listener holds while it listens, named in its claims. */
export interface Presence {
  pid: number;
  ended: boolean;
  close(): void;
}

/**
 * Opens a listener's session: a connection of its own, outside the pool, whose server process
 * id marks the listener's claims. If it breaks, the listener opens another before its next
 * claim; its earlier claims are then returned to the queue, and may run a second time.
 */
export async function openPresence(pool: pg.Pool): Promise<Presence> {
  const client = new (loadPg().Client)(pool.options);
  const presence: Presence = {
    pid: 0,
    ended: false,
    close: () => {
      presence.ended = true;
      client.end().catch(() => undefined);
    },
  };
  // Without a handler a broken connection's error event would end the process.
  client.on("error", () => presence.close());
  client.on("end", () => {
    presence.ended = true;
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    presence.pid = rows[0]!.pid;
  } catch (error) {
    presence.close();
    throw error;
  }
  return presence;
}
