import { Hono } from "hono";
import { getItemImage } from "../../domain/item-media.ts";
import { canView, getItem } from "../../domain/items.ts";
import { fileStoreFor } from "../../domain/storage/store.ts";
import { castVote, mayVote, type VoteValue, withdrawVote } from "../../domain/votes.ts";
import { newVoteIri, sendLocalVote } from "../../federation/votes.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { safeReturnPath } from "./preferences.ts";

// Voting on a post, reply or comment (a plain form, so it works without JavaScript), and the
// copies of remote posts' pictures, served from here so readers never load them from the
// sender's server.

const VOTES: Record<string, VoteValue | null> = { up: 1, down: -1, none: null };

/** The vote form's target and the pictures of remote posts. */
export function voteRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/items/:id{[0-9]+}/vote", requireSignIn(), async (c) => {
    const { db } = c.get("deps");
    const voter = c.get("account")!.actor;
    const f = await formFields(c);
    const back = safeReturnPath(f.return);
    const item = getItem(db, Number(c.req.param("id")));
    if (!item || !canView(db, item, voter.id)) return c.notFound();
    if (!f.vote || !Object.hasOwn(VOTES, f.vote)) {
      setFlash(c, "Choose to vote up, down or to take your vote back.");
      return c.redirect(back, 303);
    }
    if (!mayVote(db, item, voter.id)) {
      setFlash(c, "You cannot vote on this post.");
      return c.redirect(back, 303);
    }
    const value = VOTES[f.vote] ?? null;
    const id = newVoteIri(federationContext(c), value);
    if (value === null) {
      const previous = withdrawVote(db, item.id, voter.id);
      if (previous) await sendLocalVote(federationContext(c), item, voter, null, previous, id);
      setFlash(c, "Your vote has been taken back.");
    } else {
      const previous = castVote(db, item, voter.id, value, id.href);
      if (previous !== undefined) {
        await sendLocalVote(federationContext(c), item, voter, value, previous, id);
      }
      setFlash(c, value > 0 ? "You voted this post up." : "You voted this post down.");
    }
    return c.redirect(`${back}#item-${item.id}`, 303);
  });

  app.get("/media/images/:id{[0-9]+}", async (c) => {
    const { db, config } = c.get("deps");
    const image = getItemImage(db, Number(c.req.param("id")));
    const item = image ? getItem(db, image.itemId) : undefined;
    const viewer = c.get("account")?.actor;
    // A picture is shown to whoever may see its post, and to nobody else.
    if (!image?.storagePath || !item || item.deletedAt || !canView(db, item, viewer?.id)) {
      return c.notFound();
    }
    const bytes = await fileStoreFor(config.files).get(image.storagePath);
    if (!bytes) return c.notFound();
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": "image/webp",
      "cache-control": `${item.visibility === "public" ? "public" : "private"}, max-age=86400`,
      "x-content-type-options": "nosniff",
    });
  });
  return app;
}
