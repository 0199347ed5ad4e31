import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { itemAlerts } from "../../src/domain/alerts/recipients.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { renderMarkdown } from "../../src/domain/html.ts";
import { composeItem, editItem } from "../../src/domain/items.ts";
import { writtenMentions } from "../../src/domain/markdown-links.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { mentionedIn, remoteHandlesIn, renderWithMentions } from "../../src/domain/mentions.ts";
import { notificationsFor } from "../../src/domain/notifications/feed.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function world() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await person("alice");
  const bob = await person("bob");
  const eve = await person("eve");
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    });
  const open = community("open", "public");
  const secret = community("secret", "private");
  requestMembership(db, { groupId: secret.actor.id, memberId: bob.actor.id });
  decideMembership(db, {
    groupId: secret.actor.id,
    memberId: bob.actor.id,
    byActorId: alice.actor.id,
    approve: true,
  });
  const carol = upsertRemoteActor(db, {
    iri: "https://social.example/users/Carol",
    type: "Person",
    handle: "Carol",
    host: "social.example",
    name: "Carol",
    summary: "",
    url: "https://social.example/@Carol",
    inboxUrl: "https://social.example/users/Carol/inbox",
    sharedInboxUrl: null,
    followersUrl: null,
    manuallyApprovesFollowers: false,
  });
  const topic = (group: typeof open, body: string) =>
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [group.actor],
      title: "Forms",
      body,
    });
  return { db, alice, bob, eve, carol, open, secret, topic };
}

describe("writing mentions", () => {
  it("finds handles in text but not in code, e-mail addresses or paths", () => {
    expect(
      writtenMentions(
        "Hi @Bob and @carol@social.example. Mail me@example.org, see /x@y, `@code`\n\n```\n@fenced\n```",
      ),
    ).toEqual(["bob", "carol@social.example"]);
    expect(remoteHandlesIn("@bob @carol@social.example @x@copse.test", ORIGIN)).toEqual([
      "carol@social.example",
    ]);
  });

  it("links known people (local, or remote in any case) and leaves unknown handles as text", async () => {
    const { db } = await world();
    const { html, mentioned } = renderWithMentions(
      db,
      ORIGIN,
      "Thanks @bob, @CAROL@social.example and @nobody.",
    );
    expect(html).toContain(
      '<a href="/people/bob" class="mention" rel="nofollow ugc noopener">@bob</a>',
    );
    expect(html).toContain(
      '<a href="/people/Carol%40social.example" class="mention" rel="nofollow ugc noopener">@CAROL@social.example</a>',
    );
    expect(html).toContain("and @nobody.");
    expect(mentioned.map((p) => p.handle)).toEqual(["bob", "Carol"]);
  });

  it("stores a post's mentions, notifies and alerts the people who can see it, and updates on edit", async () => {
    const { db, alice, bob, eve, open, topic } = await world();
    const item = topic(open, "What do you think, @bob?");
    expect(mentionedIn(db, item.id).map((p) => p.handle)).toEqual(["bob"]);
    expect(notificationsFor(db, bob.actor.id).map((n) => [n.kind, n.itemId])).toContainEqual([
      "mention",
      item.id,
    ]);
    expect(itemAlerts(db, item).find((a) => a.personId === bob.actor.id)?.topic).toBe("replies");
    editItem(db, item, alice.actor.id, { title: "Forms", body: "Over to @eve now" });
    expect(mentionedIn(db, item.id).map((p) => p.handle)).toEqual(["eve"]);
    expect(notificationsFor(db, bob.actor.id).some((n) => n.kind === "mention")).toBe(false);
    expect(notificationsFor(db, eve.actor.id).some((n) => n.kind === "mention")).toBe(true);
  });

  it("tells nobody outside a private community about a mention in it", async () => {
    const { db, bob, eve, secret, topic } = await world();
    const item = topic(secret, "Ask @eve and @bob");
    // Eve is not a member: no notification, no alert, although the mention is stored.
    expect(notificationsFor(db, eve.actor.id)).toEqual([]);
    expect(itemAlerts(db, item).some((a) => a.personId === eve.actor.id)).toBe(false);
    expect(notificationsFor(db, bob.actor.id).map((n) => n.kind)).toContain("mention");
    expect(itemAlerts(db, item).find((a) => a.personId === bob.actor.id)?.topic).toBe("replies");
  });

  it("renders wiki links to existing and missing pages differently", () => {
    const html = renderMarkdown("See [[Style guide]] and [[Missing page]]; `[[code]]`", {
      wikiPage: (title) =>
        title === "Style guide"
          ? { href: "/c/open/wiki/3", exists: true }
          : { href: `/c/open/wiki/new?title=${encodeURIComponent(title)}`, exists: false },
    });
    expect(html).toContain(
      '<a href="/c/open/wiki/3" class="wiki-link" rel="nofollow ugc noopener">Style guide</a>',
    );
    expect(html).toContain(
      'class="wiki-link wiki-link--missing" rel="nofollow ugc noopener">Missing page<span class="govuk-visually-hidden"> (page not yet written)</span></a>',
    );
    expect(html).toContain("<code>[[code]]</code>");
  });

  it("keeps classes only on what Copse itself rendered", () => {
    expect(renderMarkdown('<a href="https://e.org" class="govuk-button">x</a>')).not.toContain(
      "govuk-button",
    );
  });
});
