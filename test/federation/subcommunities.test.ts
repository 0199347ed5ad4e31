import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findActorByIri } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { findMembership, listMembers } from "../../src/domain/membership.ts";
import { communityPagePath } from "../../src/domain/paths.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity } from "../../src/federation/membership.ts";
import { WebClient } from "../helpers/client.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";

// Two real instances on loopback: Somerset hosts a community with a sub-community, Sunderland
// fetches both Groups and shows how they are related.
describe("sub-communities across instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;

  beforeAll(async () => {
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
    ]);
  });
  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close()]);
  });

  it("links the child Group to its parent, and the remote side shows it", async () => {
    const alice = await somerset.createUser("alice");
    const highways = somerset.createCommunity("highways", alice, "public");
    createCommunity(somerset.db, somerset.origin, {
      handle: "gritting",
      name: "Gritting",
      description: "Winter roads.",
      visibility: "public",
      ownerActorId: alice.actor.id,
      parent: { groupId: highways.actor.id },
    });

    // The actor document names the parent as an attachment Link with rel "up".
    const childIri = `${somerset.origin}/ap/actors/gritting`;
    const response = await fetch(childIri, { headers: { accept: "application/activity+json" } });
    const document = (await response.json()) as { type: string; attachment?: unknown };
    expect(document.type).toBe("Group");
    // A list of one, as an array (FEDERATION.md: lists are always arrays, for Lemmy).
    expect(document.attachment).toEqual([
      expect.objectContaining({
        type: "Link",
        rel: "up",
        href: highways.actor.iri,
        name: "Parent community",
      }),
    ]);
    // The top-level community names no parent.
    const parentDoc = (await (
      await fetch(highways.actor.iri, { headers: { accept: "application/activity+json" } })
    ).json()) as { attachment?: unknown };
    expect(parentDoc.attachment).toBeUndefined();

    // Sunderland fetches the child before it knows the parent: no "Part of" yet.
    const bob = await sunderland.createUser("bob");
    const child = await resolveActor(sunderland.ctx(), `@gritting@${somerset.host}`);
    const web = new WebClient(sunderland.origin);
    await web.post("/signin", { login: "bob", password: TEST_PASSWORD });
    const childPath = communityPagePath("gritting", somerset.host);
    expect((await web.get(childPath)).body).not.toContain("Part of");

    // Once the parent is known there, the child's page names it and the parent lists the child.
    const parent = await resolveActor(sunderland.ctx(), `@highways@${somerset.host}`);
    const page = await web.get(childPath);
    const parentPath = communityPagePath("highways", somerset.host);
    expect(page.body).toContain(`Part of <a class="govuk-link" href="${parentPath}">Highways</a>`);
    const parentPage = await web.get(parentPath);
    expect(parentPage.body).toContain("Sub-communities");
    expect(parentPage.body).toContain(`href="${childPath}">Gritting</a>`);
    expect(parent.iri).toBe(highways.actor.iri);

    // Bob joins the child; when Somerset moves it to the top level, Sunderland hears of it.
    await joinCommunity(sunderland.ctx(), bob.actor, child);
    await eventually(
      () => findMembership(sunderland.db, child.id, bob.actor.id)?.state === "active",
    );
    const somersetWeb = new WebClient(somerset.origin);
    await somersetWeb.post("/signin", { login: "alice", password: TEST_PASSWORD });
    const moved = await somersetWeb.post("/c/gritting/settings/parent", { parent: "" });
    expect(moved.response.status).toBe(303);
    await eventually(async () => !(await web.get(childPath)).body.includes("Part of"));
  });

  it("lets a remote member of a private parent into an inheriting child at once", async () => {
    const fran = await somerset.createUser("fran");
    const planning = somerset.createCommunity("planning", fran, "private");
    createCommunity(somerset.db, somerset.origin, {
      handle: "localplan",
      name: "Local plan",
      description: "",
      visibility: "public",
      ownerActorId: fran.actor.id,
      parent: { groupId: planning.actor.id, inheritsMembership: true },
    });
    const carol = await sunderland.createUser("carol");
    const remotePlanning = await resolveActor(sunderland.ctx(), `@planning@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), carol.actor, remotePlanning);
    const request = await eventually(() =>
      listMembers(somerset.db, planning.actor.id, "pending").find(
        (m) => m.member.iri === carol.actor.iri,
      ),
    );
    await decideRequest(somerset.ctx(), {
      group: planning.actor,
      member: request.member,
      byActorId: fran.actor.id,
      approve: true,
    });
    await eventually(
      () => findMembership(sunderland.db, remotePlanning.id, carol.actor.id)?.state === "active",
    );

    // The child is private like its parent, yet Carol is accepted without a facilitator.
    const localplan = await resolveActor(sunderland.ctx(), `@localplan@${somerset.host}`);
    expect(localplan.manuallyApprovesFollowers).toBe(true);
    await joinCommunity(sunderland.ctx(), carol.actor, localplan);
    await eventually(
      () => findMembership(sunderland.db, localplan.id, carol.actor.id)?.state === "active",
    );
    const onSomerset = findActorByIri(somerset.db, localplan.iri)!;
    expect(listMembers(somerset.db, onSomerset.id, "pending")).toEqual([]);
  });
});
