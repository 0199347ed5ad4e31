import type { Context } from "hono";
import type { ActorRow } from "../../domain/actors.ts";
import { getActor } from "../../domain/actors.ts";
import { canView, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { findWikiPage, latestRevision, type WikiRevision } from "../../domain/wiki/wiki.ts";
import {
  type CommunityAccess,
  communityAccess,
  communityNotFound,
  membersOnly,
  sectionOff,
} from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";

// What the wiki's routes share: who may read the community, and which page a path names.

type C = Context<AppEnv>;

/** Resolves the community and checks the viewer may read its wiki, or answers with the page. */
export function wikiReadable(c: C): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.canRead) return membersOnly(c, access);
  return sectionOff(c, access, "wiki") ?? access;
}

/** The wiki page named by the path, if it belongs to this community and the viewer may see it. */
export function wikiPageIn(c: C, access: CommunityAccess): ItemRow | undefined {
  const { db } = c.get("deps");
  const id = Number(c.req.param("id"));
  const page = Number.isInteger(id) ? findWikiPage(db, id) : undefined;
  if (!page) return undefined;
  if (!groupsOfItem(db, page.id).some((g) => g.id === access.group.id)) return undefined;
  return canView(db, page, c.get("account")?.actor.id) ? page : undefined;
}

/** The 404 page for a wiki page that does not exist here. */
export function wikiPageNotFound(c: C, message = "That wiki page does not exist.") {
  return render(c, <NotFoundPage ctx={pageContext(c)} message={message} />, 404);
}

/** A page's newest revision with the person who saved it. */
export function latestWithAuthor(
  c: C,
  page: ItemRow,
): { revision: WikiRevision; author: ActorRow } | undefined {
  const { db } = c.get("deps");
  const revision = latestRevision(db, page.id);
  const author = revision ? getActor(db, revision.authorId) : undefined;
  return revision && author ? { revision, author } : undefined;
}
