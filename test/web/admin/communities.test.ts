import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { communityNoticesFor } from "../../../src/domain/admin/communities.ts";
import { findCommunity } from "../../../src/domain/communities.ts";
import { getItem } from "../../../src/domain/items.ts";
import { findMembership } from "../../../src/domain/membership.ts";
import type { WebClient } from "../../helpers/client.ts";
import { ACTIVITY_JSON } from "../../helpers/fake-peer.ts";
import { startTestInstance, type TestInstance } from "../../helpers/instances.ts";
import { expectSoundHeadings } from "../../helpers/page-structure.ts";
import { signedIn } from "../../helpers/sign-in.ts";

// The administrators' communities pages: new communities waiting for approval when the setting
// is on (unlisted, not federated, seen only by their creator), approving and rejecting them,
// closing a community (read-only) and deleting one (members told first, then gone).

describe("the communities pages", () => {
  let copse: TestInstance;
  let admin: WebClient;
  let bob: WebClient;
  let cara: WebClient;

  const create = (web: WebClient, handle: string) =>
    web.post("/communities/new", {
      name: handle[0]!.toUpperCase() + handle.slice(1),
      handle,
      description: "",
      visibility: "public",
    });

  beforeAll(async () => {
    copse = await startTestInstance("Communitybury");
    await copse.createUser("ada", { admin: true });
    await copse.createUser("bob");
    await copse.createUser("cara");
    admin = await signedIn(copse, "ada");
    bob = await signedIn(copse, "bob");
    cara = await signedIn(copse, "cara");
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("is refused to people who are not administrators", async () => {
    expect((await bob.get("/admin/communities")).response.status).toBe(403);
    expect(
      (await bob.post("/admin/communities/approval", { approval: "on" })).response.status,
    ).toBe(403);
  });

  it("holds new communities for approval when the setting is on", async () => {
    expect(
      (await admin.post("/admin/communities/approval", { approval: "on" })).response.status,
    ).toBe(303);
    const made = await create(bob, "quilting");
    expect(made.response.status).toBe(303);
    const quilting = findCommunity(copse.db, "quilting")!;
    expect(quilting.state).toBe("pending");
    // The creator sees it with a notice; nobody else does, nor other servers, nor the list.
    expect((await bob.get("/c/quilting")).body).toContain("awaiting an administrator");
    expect((await cara.get("/c/quilting")).response.status).toBe(404);
    expect((await cara.get("/communities")).body).not.toContain("Quilting");
    const actor = await fetch(quilting.actor.iri, { headers: { accept: ACTIVITY_JSON } });
    expect(actor.status).toBe(404);
    expect((await cara.post("/c/quilting/join", {})).response.status).toBe(404);

    expect((await admin.get("/notifications")).body).toContain(
      "Quilting is waiting for an administrator",
    );
    const page = await admin.get("/admin/communities");
    expect(page.response.status).toBe(200);
    expectSoundHeadings(page.body);
    expect(page.body).toContain("Waiting for approval");
    expect(page.body).toContain(`/admin/communities/${quilting.actor.id}`);

    const approved = await admin.post(`/admin/communities/${quilting.actor.id}/approve`, {});
    expect(approved.response.status).toBe(303);
    expect(findCommunity(copse.db, "quilting")?.state).toBe("open");
    expect((await fetch(quilting.actor.iri, { headers: { accept: ACTIVITY_JSON } })).status).toBe(
      200,
    );
    expect(communityNoticesFor(copse.db, quilting.createdById!)).toMatchObject([
      { kind: "approved" },
    ]);
    expect((await bob.get("/notifications")).body).toContain("An administrator approved Quilting");

    // A sub-community is a new community too: it waits, and its parent does not list it yet.
    const child = await bob.post("/c/quilting/subcommunities/new", [
      ["name", "Patchwork"],
      ["handle", "patchwork"],
      ["description", ""],
      ["visibility", "public"],
      ["sections", "forum"],
    ]);
    expect(child.response.status).toBe(303);
    expect(findCommunity(copse.db, "patchwork")?.state).toBe("pending");
    expect((await cara.get("/c/quilting")).body).not.toContain("/c/patchwork");
    const patchwork = findCommunity(copse.db, "patchwork")!;
    await admin.post(`/admin/communities/${patchwork.actor.id}/approve`, {});
    expect((await cara.get("/c/quilting")).body).toContain("/c/patchwork");
  });

  it("rejects a pending community only with a reason, which its creator is told", async () => {
    await create(bob, "knitting");
    const knitting = findCommunity(copse.db, "knitting")!;
    const path = `/admin/communities/${knitting.actor.id}/reject`;
    const empty = await admin.post(path, { reason: " " });
    expect(empty.response.status).toBe(422);
    expect(findCommunity(copse.db, "knitting")?.state).toBe("pending");
    expect((await admin.post(path, { reason: "Duplicate of Quilting" })).response.status).toBe(303);
    expect(findCommunity(copse.db, "knitting")?.state).toBe("rejected");
    expect((await bob.get("/c/knitting")).body).toContain("Duplicate of Quilting");
    await admin.post("/admin/communities/approval", { approval: "off" });
  });

  it("closes a community: readable, but nobody posts or joins, and members are told", async () => {
    await create(bob, "pottery");
    const pottery = findCommunity(copse.db, "pottery")!;
    expect(pottery.state).toBe("open");
    await cara.post("/c/pottery/join", {});
    const path = `/admin/communities/${pottery.actor.id}/close`;
    expect((await admin.get(path)).response.status).toBe(200);
    expect((await admin.post(path, { reason: "Moved to Quilting" })).response.status).toBe(303);
    const page = await cara.get("/c/pottery");
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("This community is closed");
    expect(page.body).toContain("Moved to Quilting");
    const topic = await cara.post("/c/pottery/forum/new", { title: "Kilns", body: "Anyone?" });
    expect(topic.response.status).not.toBe(303);
    const [notice] = communityNoticesFor(
      copse.db,
      findCommunity(copse.db, "pottery")!.createdById!,
    );
    expect(notice).toMatchObject({ kind: "closed", reason: "Moved to Quilting" });
    expect(
      (await admin.post(`/admin/communities/${pottery.actor.id}/reopen`, {})).response.status,
    ).toBe(303);
    expect(findCommunity(copse.db, "pottery")?.state).toBe("open");
  });

  it("deletes a community after telling its members", async () => {
    const pottery = findCommunity(copse.db, "pottery")!;
    const caraId = (await copse.db.query.actors.findFirst({
      where: (a, { eq }) => eq(a.handle, "cara"),
    }))!.id;
    const posted = await cara.post("/c/pottery/forum/new", { title: "Glazes", body: "Which?" });
    expect(posted.response.status).toBe(303);
    const topicId = Number(posted.response.headers.get("location")!.split("/").pop());
    const path = `/admin/communities/${pottery.actor.id}/delete`;
    expect((await admin.post(path, { reason: "" })).response.status).toBe(422);
    expect(getItem(copse.db, topicId)?.deletedAt).toBeNull();
    expect((await admin.post(path, { reason: "Nobody uses it" })).response.status).toBe(303);
    expect(findCommunity(copse.db, "pottery")?.state).toBe("deleted");
    expect(findMembership(copse.db, pottery.actor.id, caraId)).toBeUndefined();
    expect(communityNoticesFor(copse.db, caraId)[0]).toMatchObject({
      kind: "deleted",
      reason: "Nobody uses it",
    });
    expect((await cara.get("/c/pottery")).response.status).toBe(404);
    // Its content went with it: out of search, lists and feeds.
    expect(getItem(copse.db, topicId)?.deletedAt).toBeInstanceOf(Date);
    expect((await cara.get("/search?q=Glazes")).body).not.toContain("Glazes</a>");
    expect((await cara.get("/notifications")).body).toContain("Pottery was deleted");
    expect((await admin.get("/admin/communities")).body).not.toContain("@pottery");
    const actor = await fetch(pottery.actor.iri, { headers: { accept: ACTIVITY_JSON } });
    expect(actor.status).toBe(410);
  });
});
