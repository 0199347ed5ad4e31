import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findActorByIri } from "../../src/domain/actors.ts";
import { findMembership, listMembers } from "../../src/domain/membership.ts";
import { updateProfile } from "../../src/domain/profiles.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity, leaveCommunity } from "../../src/federation/membership.ts";
import { publishProfileUpdate } from "../../src/federation/profiles.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Two real instances on loopback: Somerset hosts the communities, Sunderland's people join
// them. Every activity goes over HTTP with real signatures through the durable queue.
describe("membership across instances", () => {
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

  it("joins a public community at once and leaves it, both sides agreeing", async () => {
    const alice = await somerset.createUser("alice");
    somerset.createCommunity("garden", alice, "public");
    const bob = await sunderland.createUser("bob");

    const group = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
    expect(group.type).toBe("Group");
    expect(group.manuallyApprovesFollowers).toBe(false);

    const pending = await joinCommunity(sunderland.ctx(), bob.actor, group);
    expect(pending.state).toBe("pending");

    // Sunderland learns of the Accept; Somerset lists bob as an active member.
    await eventually(
      () => findMembership(sunderland.db, group.id, bob.actor.id)?.state === "active",
    );
    const gardenOnSomerset = findActorByIri(somerset.db, group.iri)!;
    const members = listMembers(somerset.db, gardenOnSomerset.id).map((m) => m.member.iri);
    expect(members).toContain(bob.actor.iri);

    await leaveCommunity(sunderland.ctx(), bob.actor, group);
    expect(findMembership(sunderland.db, group.id, bob.actor.id)).toBeUndefined();
    await eventually(
      () =>
        !listMembers(somerset.db, gardenOnSomerset.id).some((m) => m.member.iri === bob.actor.iri),
    );
  });

  it("keeps a private community's request pending until a facilitator approves", async () => {
    const fran = await somerset.createUser("fran");
    somerset.createCommunity("planning", fran, "private");
    const carol = await sunderland.createUser("carol");

    const group = await resolveActor(sunderland.ctx(), `planning@${somerset.host}`);
    expect(group.manuallyApprovesFollowers).toBe(true);
    await joinCommunity(sunderland.ctx(), carol.actor, group);

    const planning = findActorByIri(somerset.db, group.iri)!;
    // The request reaches Somerset and waits there, exactly like a local one.
    const request = await eventually(() =>
      listMembers(somerset.db, planning.id, "pending").find(
        (m) => m.member.iri === carol.actor.iri,
      ),
    );
    expect(request.member.host).toBe(sunderland.host);
    // Nothing is decided yet, so Sunderland still shows it pending.
    await new Promise((r) => setTimeout(r, 300));
    expect(findMembership(sunderland.db, group.id, carol.actor.id)?.state).toBe("pending");

    await decideRequest(somerset.ctx(), {
      group: planning,
      member: request.member,
      byActorId: fran.actor.id,
      approve: true,
    });
    await eventually(
      () => findMembership(sunderland.db, group.id, carol.actor.id)?.state === "active",
    );
    expect(findMembership(somerset.db, planning.id, request.member.id)?.state).toBe("active");
  });

  it("tells the requester when a facilitator rejects them", async () => {
    const gina = await somerset.createUser("gina");
    somerset.createCommunity("audit", gina, "private");
    const dave = await sunderland.createUser("dave");
    const group = await resolveActor(sunderland.ctx(), `@audit@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), dave.actor, group);

    const audit = findActorByIri(somerset.db, group.iri)!;
    const request = await eventually(() => listMembers(somerset.db, audit.id, "pending")[0]);
    await decideRequest(somerset.ctx(), {
      group: audit,
      member: request.member,
      byActorId: gina.actor.id,
      approve: false,
    });
    await eventually(
      () => findMembership(sunderland.db, group.id, dave.actor.id)?.state === "rejected",
    );
    expect(listMembers(somerset.db, audit.id).map((m) => m.member.iri)).not.toContain(
      dave.actor.iri,
    );
  });

  it("refreshes a remote member's profile on the community's instance when they edit it", async () => {
    const jo = await somerset.createUser("jo");
    const waste = somerset.createCommunity("waste", jo, "public");
    const kim = await sunderland.createUser("kim");
    const group = await resolveActor(sunderland.ctx(), `@waste@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), kim.actor, group);
    await eventually(
      () => findMembership(sunderland.db, group.id, kim.actor.id)?.state === "active",
    );

    const updated = updateProfile(sunderland.db, kim.actor.id, {
      name: "Kim Lee",
      jobTitle: "Waste strategy officer",
      organisation: "Sunderland City Council",
      bio: "Recycling contracts.",
    });
    await publishProfileUpdate(sunderland.ctx(), updated);
    const onSomerset = await eventually(() =>
      listMembers(somerset.db, waste.actor.id).find(
        (m) => m.member.iri === kim.actor.iri && m.member.name === "Kim Lee",
      ),
    );
    expect(onSomerset.member.summary).toBe("Recycling contracts.");
  });

  it("refuses decisions from someone who is not a facilitator", async () => {
    const hal = await somerset.createUser("hal");
    const ivy = await somerset.createUser("ivy");
    const community = somerset.createCommunity("housing", hal, "private");
    const erin = await sunderland.createUser("erin");
    const group = await resolveActor(sunderland.ctx(), `@housing@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), erin.actor, group);
    const request = await eventually(
      () => listMembers(somerset.db, community.actor.id, "pending")[0],
    );

    await expect(
      decideRequest(somerset.ctx(), {
        group: community.actor,
        member: request.member,
        byActorId: ivy.actor.id,
        approve: true,
      }),
    ).rejects.toThrow(/facilitators/);
    expect(findMembership(somerset.db, community.actor.id, request.member.id)?.state).toBe(
      "pending",
    );
  });
});
