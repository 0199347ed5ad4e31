import { type Context, Hono } from "hono";
import { deleteAccount, type KeepChoice } from "../../../domain/account/deletion.ts";
import { checkCurrentPassword } from "../../../domain/account/settings.ts";
import {
  ConflictError,
  type FieldError,
  ThrottledError,
  ValidationError,
} from "../../../domain/errors.ts";
import { removeStoredFile } from "../../../domain/files.ts";
import { removePhoto } from "../../../domain/photos.ts";
import { fileStoreFor } from "../../../domain/storage/store.ts";
import { federateAccountDeletion } from "../../../federation/account-deletion.ts";
import { logger } from "../../../logging.ts";
import { requireSignIn, setFlash, signOut } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { federationContext } from "../../federation.ts";
import { clientKey, formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import { ACCOUNT_PATH } from "../../views/layout.tsx";
import { DeleteAccountPage } from "../../views/pages/account/delete.tsx";
import { siteOf } from "./settings.tsx";

const log = logger("web", "account", "deletion");

type C = Context<AppEnv>;

/** The path of the page where a person deletes their own account. */
export const ACCOUNT_DELETE_PATH = `${ACCOUNT_PATH}/delete`;

/** The posts choice from a form, or an error for the "keep" field. */
export function keepChoice(value: string | undefined): KeepChoice | FieldError {
  if (value === "remove" || value === "anonymise") return value;
  return { field: "keep", message: "Choose whether to keep or remove the posts" };
}

/**
 * Deletes an account and everything that follows from it, for the person and for
 * administrators alike: the domain deletion, the Delete activities, the files on disk.
 */
export async function performAccountDeletion(
  c: C,
  input: { accountId: number; handle: string; keep: KeepChoice; byAdmin: boolean },
): Promise<void> {
  const { db, config } = c.get("deps");
  const deleted = deleteAccount(db, siteOf(c), input);
  await federateAccountDeletion(federationContext(c), deleted);
  const files = fileStoreFor(config.files);
  await removePhoto(files, input.handle);
  for (const path of deleted.unusedFiles) await removeStoredFile(files, path);
  log.info("Deleted the account {handle} ({keep}, by {who})", {
    handle: input.handle,
    keep: input.keep,
    who: input.byAdmin ? c.get("account")?.actor.handle : "its owner",
  });
}

/** The person's own "Delete your account" page. */
export function accountDeletionRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(ACCOUNT_DELETE_PATH, requireSignIn());

  const page = (c: C, keep?: string, errors: FieldError[] = [], status: 200 | 422 | 429 = 200) =>
    render(
      c,
      <DeleteAccountPage
        ctx={pageContext(c)}
        handle={c.get("account")!.actor.handle}
        action={ACCOUNT_DELETE_PATH}
        backLink={ACCOUNT_PATH}
        own
        keep={keep}
        errors={errors}
      />,
      status,
    );

  app.get(ACCOUNT_DELETE_PATH, (c) => page(c));

  app.post(ACCOUNT_DELETE_PATH, async (c) => {
    const account = c.get("account")!;
    const f = await formFields(c);
    const keep = keepChoice(f.keep);
    const errors: FieldError[] = typeof keep === "string" ? [] : [keep];
    try {
      await checkCurrentPassword(c.get("deps").db, account.id, f.password ?? "", {
        clientKey: clientKey(c),
        field: "password",
      });
    } catch (error) {
      if (error instanceof ValidationError) errors.push(...error.errors);
      else if (error instanceof ThrottledError) {
        c.header("Retry-After", String(Math.ceil(error.retryAfterSeconds)));
        return page(c, f.keep, [{ field: "password", message: error.message }], 429);
      } else throw error;
    }
    if (errors.length > 0 || typeof keep !== "string") {
      log.info("Refused to delete {handle}: {reason}", {
        handle: account.actor.handle,
        reason: errors.map((e) => e.message).join("; "),
      });
      return page(c, f.keep, errors, 422);
    }
    try {
      await performAccountDeletion(c, {
        accountId: account.id,
        handle: account.actor.handle,
        keep,
        byAdmin: false,
      });
    } catch (error) {
      if (error instanceof ConflictError) {
        return page(c, f.keep, [{ field: "keep", message: error.message }], 422);
      }
      throw error;
    }
    signOut(c);
    setFlash(c, "Your account has been deleted. Goodbye, and thank you.");
    return c.redirect("/", 303);
  });

  return app;
}
