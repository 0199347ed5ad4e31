import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import { findItemByIri, getItem, type ItemRow } from "../../src/domain/items.ts";
import {
  applyRemoteDecision,
  findMembership,
  recordRemoteRequest,
} from "../../src/domain/membership.ts";
import { communityPagePath, itemPagePath } from "../../src/domain/paths.ts";
import { openPendingEdits, openPendingPages } from "../../src/domain/wiki/remote.ts";
import {
  createWikiPage,
  editWikiPage,
  latestRevision,
  listRevisions,
  listWikiPages,
  relatedPages,
} from "../../src/domain/wiki/wiki.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity } from "../../src/federation/membership.ts";
import { proposeWikiEdit, publishWikiRevision } from "../../src/federation/wiki.ts";
import { WebClient } from "../helpers/client.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";

// Three real instances: Somerset hosts the communities and their wikis; Bob on Sunderland and
// Carol on Cardiff edit the pages from their own servers. Somerset numbers every revision and
// announces it, so all three show the same history.
describe("wiki across three instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let cardiff: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  const groupOn = {} as Record<
    "somerset" | "sunderland" | "cardiff",
    Record<"garden" | "secret", ActorRow>
  >;

  async function joinFrom(
    instance: TestInstance,
    who: AccountWithActor,
    handle: string,
  ): Promise<ActorRow> {
    const group = await resolveActor(instance.ctx(), `@${handle}@${somerset.host}`);
    await joinCommunity(instance.ctx(), who.actor, group);
    return group;
  }

  /** Every instance's history of a page, as comparable tuples, once all show `count` revisions. */
  async function historiesOf(iri: string, count: number) {
    const histories = [];
    for (const instance of [somerset, sunderland, cardiff]) {
      const history = await eventually(() => {
        const page = findItemByIri(instance.db, iri);
        const rows = page ? listRevisions(instance.db, page.id) : [];
        return rows.length === count ? rows : undefined;
      });
      histories.push(
        history.map(({ revision, author }) => [
          revision.number,
          revision.iri,
          author.iri,
          revision.reason,
          revision.title,
          revision.bodyHtml,
        ]),
      );
    }
    return histories;
  }

  beforeAll(async () => {
    [somerset, sunderland, cardiff] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
      startTestInstance("Cardiff"),
    ]);
    alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    carol = await cardiff.createUser("carol");
    const garden = somerset.createCommunity("garden", alice, "public");
    const secret = somerset.createCommunity("secret", alice, "private");
    groupOn.somerset = { garden: garden.actor, secret: secret.actor };
    groupOn.sunderland = {
      garden: await joinFrom(sunderland, bob, "garden"),
      secret: await joinFrom(sunderland, bob, "secret"),
    };
    groupOn.cardiff = {
      garden: await joinFrom(cardiff, carol, "garden"),
      secret: await joinFrom(cardiff, carol, "secret"),
    };
    for (const member of [bob, carol]) {
      const remote = await eventually(() => findActorByIri(somerset.db, member.actor.iri));
      await eventually(
        () => findMembership(somerset.db, secret.actor.id, remote.id)?.state === "pending",
      );
      await decideRequest(somerset.ctx(), {
        group: secret.actor,
        member: remote,
        byActorId: alice.actor.id,
        approve: true,
      });
    }
    await eventually(
      () =>
        findMembership(sunderland.db, groupOn.sunderland.garden.id, bob.actor.id)?.state ===
          "active" &&
        findMembership(sunderland.db, groupOn.sunderland.secret.id, bob.actor.id)?.state ===
          "active" &&
        findMembership(cardiff.db, groupOn.cardiff.garden.id, carol.actor.id)?.state === "active" &&
        findMembership(cardiff.db, groupOn.cardiff.secret.id, carol.actor.id)?.state === "active",
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), cardiff?.close()]);
  });

  it("applies edits from every instance in turn and shows the same history everywhere", async () => {
    const related = createWikiPage(somerset.db, somerset.origin, {
      author: alice.actor,
      group: groupOn.somerset.garden,
      title: "Salt suppliers",
      body: "Three suppliers.",
    });
    await publishWikiRevision(somerset.ctx(), related.page, related.revision);
    const created = createWikiPage(somerset.db, somerset.origin, {
      author: alice.actor,
      group: groupOn.somerset.garden,
      title: "Gritting guide",
      body: "Grit the **main roads** first.",
      reason: "First draft",
    });
    await publishWikiRevision(somerset.ctx(), created.page, created.revision);
    const { iri } = created.page;

    // Every copy is a wiki page of the community, attributed to the group, at revision 1.
    const [onSunderland, onCardiff] = await Promise.all(
      [sunderland, cardiff].map((instance) => eventually(() => findItemByIri(instance.db, iri))),
    );
    for (const copy of [onSunderland!, onCardiff!]) {
      expect(copy.kind).toBe("wiki");
      expect(copy.isLocal).toBe(false);
      expect(copy.bodyHtml).toContain("<strong>main roads</strong>");
      expect(copy.bodySource).toBe("Grit the **main roads** first.");
    }
    expect(await historiesOf(iri, 1)).toEqual([
      [
        [
          1,
          `${iri}/revisions/1`,
          alice.actor.iri,
          "First draft",
          "Gritting guide",
          expect.any(String),
        ],
      ],
      expect.anything(),
      expect.anything(),
    ]);

    // Bob edits from Sunderland through the web pages, linking the related page.
    const relatedOnSunderland = await eventually(() =>
      findItemByIri(sunderland.db, related.page.iri),
    );
    const bobWeb = new WebClient(sunderland.origin);
    await bobWeb.post("/signin", { login: "bob", password: TEST_PASSWORD });
    const pagePath = itemPagePath(onSunderland!, groupOn.sunderland.garden);
    const form = await bobWeb.get(`${pagePath}/edit`);
    expect(form.response.status).toBe(200);
    expect(form.body).toContain("Grit the **main roads** first.");
    const sent = await bobWeb.post(`${pagePath}/edit`, {
      title: "Gritting guide",
      body: "Grit the **main roads** first.\n\nThen the bus routes.",
      reason: "Added bus routes",
      related: String(relatedOnSunderland.id),
      base: "1",
    });
    expect(sent.response.status).toBe(303);
    const waiting = await bobWeb.get(pagePath);
    expect(waiting.body).toContain("has been sent to");

    await historiesOf(iri, 2);
    const onSomerset = findItemByIri(somerset.db, iri)!;
    expect(latestRevision(somerset.db, onSomerset.id)?.authorId).toBe(
      findActorByIri(somerset.db, bob.actor.iri)?.id,
    );
    expect(relatedPages(somerset.db, onSomerset.id).map((p) => p.iri)).toEqual([related.page.iri]);
    // Bob's own instance marks his edit applied, so the notice goes.
    await eventually(
      () => openPendingEdits(sunderland.db, onSunderland!.id, bob.actor.id).length === 0,
    );

    // Carol edits from Cardiff, based on revision 2.
    const cardiffCopy = getItem(cardiff.db, onCardiff!.id)!;
    await proposeWikiEdit(cardiff.ctx(), cardiffCopy, {
      editor: carol.actor,
      title: "Gritting guide (winter 2026)",
      body: "Grit the main roads first.\n\nThen the bus routes.\n\nThen schools.",
      reason: "Added schools",
      related: [],
      baseRevision: 2,
    });

    const histories = await historiesOf(iri, 3);
    expect(histories[1]).toEqual(histories[0]);
    expect(histories[2]).toEqual(histories[0]);
    expect(histories[0]!.map((r) => [r[0], r[2], r[3]])).toEqual([
      [3, carol.actor.iri, "Added schools"],
      [2, bob.actor.iri, "Added bus routes"],
      [1, alice.actor.iri, "First draft"],
    ]);
    for (const instance of [somerset, sunderland, cardiff]) {
      expect(findItemByIri(instance.db, iri)?.title).toBe("Gritting guide (winter 2026)");
    }
    // The page is an Article attributed to the group; each revision is the Update that made
    // it, with the reason as summary and the revision it was based on as target.
    const accept = { accept: "application/activity+json" };
    const article = await (await fetch(iri, { headers: accept })).json();
    expect([article.type, article.attributedTo, article.name]).toEqual([
      "Article",
      groupOn.somerset.garden.iri,
      "Gritting guide (winter 2026)",
    ]);
    const revision = await (await fetch(`${iri}/revisions/3`, { headers: accept })).json();
    expect([revision.type, revision.actor, revision.summary, revision.target]).toEqual([
      "Update",
      carol.actor.iri,
      "Added schools",
      `${iri}/revisions/2`,
    ]);
    // Carol's edit cleared the related pages (she sent none); every copy agrees.
    await eventually(() => relatedPages(sunderland.db, onSunderland!.id).length === 0);
  });

  it("rejects an edit based on an old revision and tells its author", async () => {
    const created = createWikiPage(somerset.db, somerset.origin, {
      author: alice.actor,
      group: groupOn.somerset.garden,
      title: "Depot hours",
      body: "Open 8 to 4.",
    });
    await publishWikiRevision(somerset.ctx(), created.page, created.revision);
    const { iri } = created.page;
    await historiesOf(iri, 1);

    // Alice saves on Somerset; before the news reaches Cardiff, Carol sends an edit based on
    // revision 1. (The announcement is held back to make the race certain.)
    const alicesEdit = editWikiPage(somerset.db, getItem(somerset.db, created.page.id)!, {
      editor: alice.actor,
      title: "Depot hours",
      body: "Open 7 to 5.",
      reason: "Summer hours",
      related: [],
      baseRevision: 1,
    });
    const cardiffCopy = findItemByIri(cardiff.db, iri)!;
    const pending = await proposeWikiEdit(cardiff.ctx(), cardiffCopy, {
      editor: carol.actor,
      title: "Depot hours",
      body: "Open 8 to 4, closed on Sundays.",
      reason: "Sunday closing",
      related: [],
      baseRevision: 1,
    });

    const rejected = await eventually(() => {
      const open = openPendingEdits(cardiff.db, cardiffCopy.id, carol.actor.id);
      return open.find((e) => e.id === pending.id && e.state === "rejected");
    });
    expect(rejected.message).toMatch(/revision 2/);
    expect(rejected.bodySource).toBe("Open 8 to 4, closed on Sundays.");
    // Nothing changed on the home server or on Bob's.
    expect(listRevisions(somerset.db, created.page.id).map((r) => r.revision.reason)).toEqual([
      "Summer hours",
      "Created the page",
    ]);
    const sunderlandCopy = findItemByIri(sunderland.db, iri)!;
    expect(listRevisions(sunderland.db, sunderlandCopy.id)).toHaveLength(1);

    // Carol sees why, with her text, on her own instance.
    const carolWeb = new WebClient(cardiff.origin);
    await carolWeb.post("/signin", { login: "carol", password: TEST_PASSWORD });
    const page = await carolWeb.get(itemPagePath(cardiffCopy, groupOn.cardiff.garden));
    expect(page.body).toContain("Your edit was not applied because the page changed");
    expect(page.body).toContain("Open 8 to 4, closed on Sundays.");

    // Alice edits again and only that revision is announced: the copies fetch the one they
    // missed from Somerset, so their histories still match.
    const third = editWikiPage(somerset.db, alicesEdit.page, {
      editor: alice.actor,
      title: "Depot hours",
      body: "Open 7 to 5, closed on Sundays.",
      reason: "Took Carol's point",
      related: [],
      baseRevision: 2,
    });
    await publishWikiRevision(somerset.ctx(), third.page, third.revision);
    const histories = await historiesOf(iri, 3);
    expect(histories[1]).toEqual(histories[0]);
    expect(histories[2]).toEqual(histories[0]);
  });

  it("creates pages proposed from other instances, and refuses them from non-members", async () => {
    const carolWeb = new WebClient(cardiff.origin);
    await carolWeb.post("/signin", { login: "carol", password: TEST_PASSWORD });
    const { handle, host } = groupOn.cardiff.garden;
    const wikiPath = `${communityPagePath(handle, host)}/wiki`;
    const form = await carolWeb.get(`${wikiPath}/new`);
    expect(form.response.status).toBe(200);
    const sent = await carolWeb.post(`${wikiPath}/new`, {
      title: "Flood wardens",
      body: "Who to call when the river rises.",
      reason: "Started from the March meeting",
    });
    expect(sent.response.status).toBe(303);
    expect(sent.response.headers.get("location")).toBe(wikiPath);

    // Somerset creates the page with its own id and announces it back to everyone.
    const created = await eventually(() =>
      listWikiPages(somerset.db, groupOn.somerset.garden.id).find(
        (p) => p.page.title === "Flood wardens",
      ),
    );
    expect(created.page.isLocal).toBe(true);
    expect(created.page.iri.startsWith(somerset.origin)).toBe(true);
    const histories = await historiesOf(created.page.iri, 1);
    expect(histories[0]).toEqual([
      [
        1,
        `${created.page.iri}/revisions/1`,
        carol.actor.iri,
        "Started from the March meeting",
        "Flood wardens",
        expect.stringContaining("Who to call"),
      ],
    ]);
    expect(histories[2]).toEqual(histories[0]);
    await eventually(
      () => openPendingPages(cardiff.db, groupOn.cardiff.garden.id, carol.actor.id).length === 0,
    );

    // Dave asked to join the private community (so Somerset knows him) but is no member of the
    // garden, though his own server wrongly thinks he is: Somerset refuses his page.
    const dave = await cardiff.createUser("dave");
    await joinCommunity(cardiff.ctx(), dave.actor, groupOn.cardiff.secret);
    await eventually(() => findActorByIri(somerset.db, dave.actor.iri));
    const stale = recordRemoteRequest(cardiff.db, {
      groupId: groupOn.cardiff.garden.id,
      memberId: dave.actor.id,
      requestIri: `${cardiff.origin}/ap/follows/stale`,
    });
    applyRemoteDecision(cardiff.db, stale.id, true);
    const daveWeb = new WebClient(cardiff.origin);
    await daveWeb.post("/signin", { login: "dave", password: TEST_PASSWORD });
    const refused = await daveWeb.post(`${wikiPath}/new`, {
      title: "Dave's page",
      body: "Let me in.",
      reason: "",
    });
    expect(refused.response.status).toBe(303);
    await eventually(
      () =>
        openPendingPages(cardiff.db, groupOn.cardiff.garden.id, dave.actor.id)[0]?.state ===
        "rejected",
    );
    const list = await daveWeb.get(wikiPath);
    expect(list.body).toContain("did not create your page");
    expect(list.body).toContain("Let me in.");
    expect(
      listWikiPages(somerset.db, groupOn.somerset.garden.id).some(
        (p) => p.page.title === "Dave's page",
      ),
    ).toBe(false);
  });

  it("keeps a private community's pages and revisions among its members", async () => {
    const created = createWikiPage(somerset.db, somerset.origin, {
      author: alice.actor,
      group: groupOn.somerset.secret,
      title: "Budget lines",
      body: "Confidential figures.",
    });
    expect(created.page.visibility).toBe("members");
    await publishWikiRevision(somerset.ctx(), created.page, created.revision);
    const copy: ItemRow = await eventually(() => findItemByIri(sunderland.db, created.page.iri));
    expect(copy.visibility).toBe("members");
    for (const url of [created.page.iri, created.revision.iri]) {
      const anonymous = await fetch(url, { headers: { accept: "application/activity+json" } });
      expect(anonymous.status).toBe(401);
    }
    const outsider = await fetch(`${somerset.origin}/c/secret/wiki/${created.page.id}/history`);
    expect(outsider.status).toBe(403);
    expect(await outsider.text()).not.toContain("Budget lines");
  });
});
