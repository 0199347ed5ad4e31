// The messages between synchronous PostgreSQL clients (bridge.ts) and the one thread per
// process that holds their connections (bridge-worker.ts).

/** What the main thread asks the PostgreSQL thread to do, on one of its connections. */
export type BridgeRequest = {
  connection: number;
  /** The request's number, which its answer carries back. */
  seq?: number;
} & (
  | { op: "open"; url: string; migrationsFolder: string }
  | {
      op: "query";
      text: string;
      values: unknown[];
      /** Run inside a savepoint, so a failure leaves the open transaction usable. */
      guard: boolean;
      /** Planned afresh with the values bound, every time (never a named, generic plan). */
      planWithValues?: boolean;
    }
  | { op: "exec"; text: string }
  | { op: "migrate" }
  | { op: "close" }
);

/** The answer: rows as arrays with their column names, or PostgreSQL's error. */
export type BridgeReply = { seq?: number } & (
  | { ok: true; columns: string[]; rows: unknown[][]; rowCount: number }
  | { ok: false; message: string; code?: string; detail?: string; constraint?: string }
);
