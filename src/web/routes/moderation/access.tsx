import type { Context } from "hono";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../../domain/errors.ts";
import { logger } from "../../../logging.ts";
import {
  type CommunityAccess,
  communityAccess,
  communityNotFound,
} from "../../community-access.tsx";
import type { AppEnv } from "../../env.ts";
import { pageContext, render } from "../../render.ts";
import type { FieldError } from "../../views/components.tsx";
import { ForbiddenPage } from "../../views/errors.tsx";

const log = logger("web", "moderation");

/** A local community the signed-in viewer facilitates (or, as an admin, may moderate). */
export interface Moderated {
  access: CommunityAccess;
  /** Who acts, as the domain's moderation functions take it. */
  actorId: number;
}

/** The 403 page for a moderation action by someone who may not take it. */
export function refusedPage(c: Context<AppEnv>, message: string) {
  return render(c, <ForbiddenPage ctx={pageContext(c)} message={message} />, 403);
}

/**
 * Resolves the community the path names and checks the viewer runs it; otherwise answers 404
 * (no such local community) or 403, logging the refused attempt. With `remote`, a community
 * hosted on another server will do when the viewer facilitates it: the page's action is then
 * sent there (src/federation/facilitator-sends.ts).
 */
export function moderated(
  c: Context<AppEnv>,
  options: { remote?: boolean } = {},
): Moderated | Promise<Response> {
  const access = communityAccess(c);
  if (!access || (!access.group.isLocal && !options.remote)) return communityNotFound(c);
  const account = c.get("account")!;
  if (!(access.group.isLocal ? access.canModerate : access.facilitatesRemote)) {
    log.warn("Refused {method} {path} by {actor}: not a facilitator of {group}", {
      method: c.req.method,
      path: c.req.path,
      actor: account.actor.handle,
      group: access.group.handle,
    });
    return refusedPage(c, `Only the facilitators of ${access.group.name} can do this.`);
  }
  return { access, actorId: account.actor.id };
}

/**
 * What the page says once an action is taken: what happened, or, for a community hosted on
 * another server, that it was sent there (its announcement updates our copy later).
 */
export function doneMessage(access: CommunityAccess, done: string): string {
  if (access.group.isLocal) return done;
  return `Sent to ${access.group.host}, where ${access.group.name} is hosted. It shows here once that server has applied it.`;
}

/**
 * Sorts a domain error from a moderation action into what the page shows: field errors to
 * show on the form again, or a 403 page; anything else is re-thrown.
 */
export function formProblems(
  c: Context<AppEnv>,
  error: unknown,
): { errors: FieldError[] } | Promise<Response> {
  if (error instanceof ValidationError) return { errors: error.errors };
  if (error instanceof ForbiddenError) return refusedPage(c, error.message);
  if (error instanceof ConflictError || error instanceof NotFoundError) {
    return { errors: [{ field: "reason", message: error.message }] };
  }
  throw error;
}
