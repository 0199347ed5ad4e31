import { Readable } from "node:stream";
import { Hono } from "hono";
import { accountExportEntries } from "../../../domain/account/export.ts";
import { fileStoreFor } from "../../../domain/storage/store.ts";
import { zipStream } from "../../../domain/zip.ts";
import { logger } from "../../../logging.ts";
import { requireSignIn } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { ACCOUNT_PATH } from "../../views/layout.tsx";

const log = logger("web", "account", "export");

/** The path of the signed-in person's data download. */
export const ACCOUNT_EXPORT_PATH = `${ACCOUNT_PATH}/export`;

/** "Download your data": the person's own data as a ZIP, streamed as it is written. */
export function accountExportRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(ACCOUNT_EXPORT_PATH, requireSignIn());

  app.get(ACCOUNT_EXPORT_PATH, (c) => {
    const { db, config } = c.get("deps");
    const account = c.get("account")!;
    const day = new Date().toISOString().slice(0, 10);
    log.info("{handle} downloaded their data", { handle: account.actor.handle });
    const entries = accountExportEntries(
      db,
      fileStoreFor(config.files),
      account.id,
      config.instanceName,
    );
    const body = Readable.toWeb(Readable.from(zipStream(entries))) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${account.actor.handle}-data-${day}.zip"`,
        // Personal data: never kept by a shared cache or the browser's.
        "Cache-Control": "no-store",
      },
    });
  });

  return app;
}
