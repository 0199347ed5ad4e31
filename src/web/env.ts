import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { AccountWithActor } from "../domain/accounts.ts";
import type { CopseFederation } from "../federation/context.ts";
import type { QueueBackend } from "../federation/queue-backend.ts";
import type { Stylesheet } from "./assets/css.ts";
import type { ImageUploadOutcome } from "./views/page-context.ts";

/** What the web layer is built from. */
export interface AppDeps {
  db: Db;
  config: Config;
  federation: CopseFederation;
  stylesheet: Stylesheet;
  /**
   * Where the federation queue lives, for /metrics and /readyz (without it they read the
   * queue table of `db`, the SQLite queue), and the live stream's wake-ups across processes.
   */
  queue?: Pick<QueueBackend, "figures" | "problem"> & Partial<Pick<QueueBackend, "live">>;
}

/** Hono's environment: per-request variables set by the middleware in auth.ts. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    account: AccountWithActor | null;
    csrfToken: string;
    sessionToken: string | null;
    /** Set by src/web/images/uploads.tsx when a writing form added a picture. */
    imageUpload?: ImageUploadOutcome;
  };
}
