import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import {
  composeEntry,
  type EntryFields,
  editEntry,
  listEntriesInGroup,
} from "../../src/domain/blog.ts";
import { composeComment } from "../../src/domain/blog-comments.ts";
import { deleteItem, findItemByIri, getItem, groupsOfItem } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { publishEntryEdit, publishNewEntry } from "../../src/federation/blog.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Three real instances. Somerset hosts "garden"; Sunderland hosts "roads" and is home to Bob,
// who belongs to both; Carol on Cardiff belongs to both too. Bob's entries go into garden
// (through Somerset) and roads (from Sunderland itself), and Carol's comments travel back.
describe("blog entries across three instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let cardiff: TestInstance;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  let gardenOnSomerset: ActorRow;
  let gardenOnSunderland: ActorRow;
  let gardenOnCardiff: ActorRow;
  let roadsOnSunderland: ActorRow;
  let roadsOnCardiff: ActorRow;

  const fields = (over: Partial<EntryFields> = {}): EntryFields => ({
    title: "Shared gritting routes",
    summary: "What we agreed with the county",
    body: "We grit **bus routes** first.",
    groupIds: [gardenOnSunderland.id, roadsOnSunderland.id],
    status: "published",
    ...over,
  });

  async function join(instance: TestInstance, who: AccountWithActor, handle: string) {
    const group = await resolveActor(instance.ctx(), handle);
    await joinCommunity(instance.ctx(), who.actor, group);
    await eventually(() => findMembership(instance.db, group.id, who.actor.id)?.state === "active");
    return group;
  }

  /** Fetches an object as a fediverse server would, unsigned. */
  async function fetchObject(iri: string): Promise<Response> {
    return fetch(iri, { headers: { accept: "application/activity+json" } });
  }

  beforeAll(async () => {
    [somerset, sunderland, cardiff] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
      startTestInstance("Cardiff"),
    ]);
    const alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    carol = await cardiff.createUser("carol");
    gardenOnSomerset = somerset.createCommunity("garden", alice, "public").actor;
    roadsOnSunderland = sunderland.createCommunity("roads", bob, "public").actor;
    gardenOnSunderland = await join(sunderland, bob, `@garden@${somerset.host}`);
    gardenOnCardiff = await join(cardiff, carol, `@garden@${somerset.host}`);
    roadsOnCardiff = await join(cardiff, carol, `@roads@${sunderland.host}`);
    // Somerset must know Bob as a member before it accepts his posts.
    await eventually(() => {
      const remote = findActorByIri(somerset.db, bob.actor.iri);
      return remote && findMembership(somerset.db, gardenOnSomerset.id, remote.id)?.state;
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), cardiff?.close()]);
  });

  it("carries an entry to both communities' members and comments back to both homes", async () => {
    const entry = composeEntry(sunderland.db, sunderland.origin, bob.actor, fields());
    await publishNewEntry(sunderland.ctx(), entry);

    const onSomerset = await eventually(() => findItemByIri(somerset.db, entry.iri));
    expect(onSomerset.kind).toBe("entry");
    expect(onSomerset.title).toBe("Shared gritting routes");
    expect(onSomerset.summary).toBe("What we agreed with the county");
    expect(onSomerset.bodyHtml).toContain("<strong>bus routes</strong>");
    expect(onSomerset.url).toBe(`${sunderland.origin}/people/bob/blog/${entry.id}`);
    expect(groupsOfItem(somerset.db, onSomerset.id).map((g) => g.iri)).toEqual([
      gardenOnSomerset.iri,
    ]);
    // Cardiff hears of it from both communities and lists it in both.
    const onCardiff = await eventually(() => {
      const copy = findItemByIri(cardiff.db, entry.iri);
      return copy && groupsOfItem(cardiff.db, copy.id).length === 2 ? copy : undefined;
    });
    for (const group of [gardenOnCardiff, roadsOnCardiff]) {
      const listed = listEntriesInGroup(cardiff.db, group.id, { viewerId: carol.actor.id });
      expect(listed.entries.map((e) => e.entry.iri)).toContain(entry.iri);
    }
    const page = await fetch(
      `${cardiff.origin}/c/${encodeURIComponent(`garden@${somerset.host}`)}/blog/${onCardiff.id}`,
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Shared gritting routes");

    // The Article served at its id names the entry's page on Bob's blog.
    const served = await fetchObject(entry.iri);
    expect(served.status).toBe(200);
    const article = (await served.json()) as Record<string, unknown>;
    expect(article.type).toBe("Article");
    expect(article.name).toBe("Shared gritting routes");
    expect(article.summary).toBe("What we agreed with the county");
    expect(article.url).toBe(`${sunderland.origin}/people/bob/blog/${entry.id}`);

    // Carol comments from Cardiff; it reaches both communities' homes.
    const comment = composeComment(cardiff.db, cardiff.origin, {
      author: carol.actor,
      entry: onCardiff,
      body: "We do the same near schools.",
    });
    await publishItemChange(cardiff.ctx(), comment, "create");
    const onHome = await eventually(() => findItemByIri(somerset.db, comment.iri));
    expect(onHome.parentId).toBe(onSomerset.id);
    const onBobs = await eventually(() => findItemByIri(sunderland.db, comment.iri));
    expect(onBobs.parentId).toBe(entry.id);
    expect(onBobs.bodyHtml).toContain("near schools");

    // Bob answers on his own instance; Carol sees the answer under her comment.
    const answer = composeComment(sunderland.db, sunderland.origin, {
      author: bob.actor,
      entry: getItem(sunderland.db, entry.id)!,
      parent: onBobs,
      body: "Good idea.",
    });
    await publishItemChange(sunderland.ctx(), answer, "create");
    const answerOnCardiff = await eventually(() => findItemByIri(cardiff.db, answer.iri));
    expect(answerOnCardiff.parentId).toBe(comment.id);
    expect(answerOnCardiff.rootId).toBe(onCardiff.id);
  });

  it("sends edits, withdrawal as a deletion, republication as new, and deletion", async () => {
    const entry = composeEntry(
      sunderland.db,
      sunderland.origin,
      bob.actor,
      fields({ title: "Salt stocks", status: "draft" }),
    );
    await publishNewEntry(sunderland.ctx(), entry);
    // A draft goes nowhere and is not served.
    expect((await fetchObject(entry.iri)).status).toBe(404);

    const published = editEntry(
      sunderland.db,
      sunderland.origin,
      entry,
      bob.actor.id,
      fields({
        title: "Salt stocks",
      }),
    );
    await publishEntryEdit(sunderland.ctx(), published);
    await eventually(() => findItemByIri(somerset.db, entry.iri));
    await eventually(() => findItemByIri(cardiff.db, entry.iri));

    const edited = editEntry(
      sunderland.db,
      sunderland.origin,
      published.after,
      bob.actor.id,
      fields({ title: "Salt stocks for 2027" }),
    );
    await publishEntryEdit(sunderland.ctx(), edited);
    for (const instance of [somerset, cardiff]) {
      await eventually(
        () => findItemByIri(instance.db, entry.iri)?.title === "Salt stocks for 2027",
      );
    }

    // Withdrawing sends a Delete of the id it was published under.
    const withdrawn = editEntry(
      sunderland.db,
      sunderland.origin,
      edited.after,
      bob.actor.id,
      fields({ title: "Salt stocks for 2027", status: "draft" }),
    );
    await publishEntryEdit(sunderland.ctx(), withdrawn);
    for (const instance of [somerset, cardiff]) {
      await eventually(() => findItemByIri(instance.db, entry.iri)?.deletedAt);
    }
    expect(findItemByIri(cardiff.db, entry.iri)?.title).toBe("");

    // Publishing it again sends it afresh, under its new id.
    const again = editEntry(
      sunderland.db,
      sunderland.origin,
      withdrawn.after,
      bob.actor.id,
      fields({ title: "Salt stocks, revised" }),
    );
    expect(again.after.iri).not.toBe(entry.iri);
    await publishEntryEdit(sunderland.ctx(), again);
    for (const instance of [somerset, cardiff]) {
      const copy = await eventually(() => findItemByIri(instance.db, again.after.iri));
      expect(copy.title).toBe("Salt stocks, revised");
    }

    const deleted = deleteItem(sunderland.db, again.after, bob.actor.id);
    await publishItemChange(sunderland.ctx(), deleted, "delete");
    for (const instance of [somerset, cardiff]) {
      await eventually(() => findItemByIri(instance.db, again.after.iri)?.deletedAt);
    }
    // A deleted entry is no longer served.
    expect([404, 410]).toContain((await fetchObject(again.after.iri)).status);
  });

  it("serves an entry in no community as a public Article on the author's blog", async () => {
    const entry = composeEntry(
      sunderland.db,
      sunderland.origin,
      bob.actor,
      fields({ title: "Personal reflections", groupIds: [] }),
    );
    await publishNewEntry(sunderland.ctx(), entry);
    const served = await fetchObject(entry.iri);
    expect(served.status).toBe(200);
    const article = (await served.json()) as Record<string, unknown>;
    expect(article.type).toBe("Article");
    expect(article.url).toBe(`${sunderland.origin}/people/bob/blog/${entry.id}`);
    expect(JSON.stringify(article.to)).toContain("Public");
    const page = await fetch(`${sunderland.origin}/people/bob/blog/${entry.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Personal reflections");
  });
});
