import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { itemPagePath } from "../../src/domain/paths.ts";
import { voteTallies } from "../../src/domain/votes.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import type { WebClient } from "../helpers/client.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

// Two real instances over loopback: Somerset hosts the community, Bob on Sunderland is a
// member. Votes made on either instance's pages travel to the community's home, which counts
// them and announces them, so both instances show the same score.
describe("votes across two instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let aliceWeb: WebClient;
  let bobWeb: WebClient;
  let topic: ItemRow;
  let copy: ItemRow;
  let gardenThere: ActorRow;

  const tally = (instance: TestInstance, item: ItemRow) =>
    voteTallies(instance.db, [item.id]).get(item.id)!;

  beforeAll(async () => {
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
    ]);
    alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    const garden = somerset.createCommunity("garden", alice, "public");
    gardenThere = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), bob.actor, gardenThere);
    await eventually(
      () => findMembership(sunderland.db, gardenThere.id, bob.actor.id)?.state === "active",
    );
    topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Raised beds",
      body: "Wood or brick?",
    });
    await publishItemChange(somerset.ctx(), topic, "create");
    copy = await eventually(() => findItemByIri(sunderland.db, topic.iri));
    [aliceWeb, bobWeb] = await Promise.all([
      signedIn(somerset, "alice"),
      signedIn(sunderland, "bob"),
    ]);
  });
  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close()]);
  });

  it("sends a member's vote from their instance to the community's home, which counts it", async () => {
    const page = itemPagePath(copy, gardenThere);
    const { response } = await bobWeb.post(`/items/${copy.id}/vote`, { vote: "up", return: page });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${page}#item-${copy.id}`);
    expect(tally(sunderland, copy)).toMatchObject({ up: 1, mine: null });
    await eventually(() => tally(somerset, topic).up === 1);
    const { body } = await bobWeb.get(page);
    expect(body).toContain("Score 1: 1 up, 0 down");
    expect(body).toContain("Remove up-vote");
  });

  it("announces a vote made at the home to the member's instance, so both show one score", async () => {
    const { response } = await aliceWeb.post(`/items/${topic.id}/vote`, {
      vote: "down",
      return: `/c/garden/forum/${topic.id}`,
    });
    expect(response.status).toBe(303);
    await eventually(() => tally(sunderland, copy).down === 1);
    expect(tally(sunderland, copy)).toMatchObject({ up: 1, down: 1, score: 0 });
    expect(tally(somerset, topic)).toMatchObject({ up: 1, down: 1, score: 0 });
  });

  it("takes a vote back everywhere", async () => {
    await bobWeb.post(`/items/${copy.id}/vote`, { vote: "none", return: "/" });
    await eventually(() => tally(somerset, topic).up === 0);
    await eventually(() => tally(sunderland, copy).up === 0);
    expect(tally(somerset, topic)).toMatchObject({ up: 0, down: 1, score: -1 });
  });

  it("refuses a vote that is neither up, down nor none, and changes nothing", async () => {
    const before = tally(somerset, topic);
    for (const vote of ["sideways", "toString", ""]) {
      const { response } = await aliceWeb.post(`/items/${topic.id}/vote`, { vote, return: "/" });
      expect(response.status).toBe(303);
      expect(tally(somerset, topic)).toEqual(before);
    }
    const unsigned = await aliceWeb.post(
      `/items/${topic.id}/vote`,
      { vote: "up" },
      { csrf: false },
    );
    expect(unsigned.response.status).toBe(403);
    expect(tally(somerset, topic)).toEqual(before);
  });
});
