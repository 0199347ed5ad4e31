import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, upsertRemoteActor } from "../../src/domain/actors.ts";
import { type ItemRow, insertItem } from "../../src/domain/items.ts";
import {
  applyRemoteDecision,
  applyRemoteRole,
  recordRemoteRequest,
} from "../../src/domain/membership.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

// The moderation pages of a community hosted on another server: offered only to someone that
// community has named a facilitator (as our copy records it), and refused, with a 403, to an
// ordinary member of it.
describe("moderation pages for a community hosted elsewhere", () => {
  let copse: TestInstance;
  let bob: AccountWithActor;
  let asBob: WebClient;
  let group: ActorRow;
  let topic: ItemRow;
  const path = "/c/garden@far.example";

  beforeAll(async () => {
    copse = await startTestInstance("Nearby");
    bob = await copse.createUser("bob");
    asBob = await signedIn(copse, "bob");
    group = upsertRemoteActor(copse.db, {
      iri: "https://far.example/c/garden",
      type: "Group",
      handle: "garden",
      host: "far.example",
      name: "Garden",
      summary: "",
      url: null,
      inboxUrl: "https://far.example/c/garden/inbox",
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    const request = recordRemoteRequest(copse.db, {
      groupId: group.id,
      memberId: bob.actor.id,
      requestIri: "https://nearby.example/follow/1",
    });
    applyRemoteDecision(copse.db, request.id, true);
    const dave = await copse.createUser("dave");
    const daves = recordRemoteRequest(copse.db, {
      groupId: group.id,
      memberId: dave.actor.id,
      requestIri: "https://nearby.example/follow/2",
    });
    applyRemoteDecision(copse.db, daves.id, true);
    topic = insertItem(copse.db, {
      kind: "topic",
      iri: "https://far.example/post/1",
      authorId: group.id,
      groupIds: [group.id],
      title: "Bulbs",
      bodyHtml: "<p>When?</p>",
      visibility: "public",
      isLocal: false,
    });
  });
  afterAll(() => copse?.close());

  it("refuses a member who does not facilitate it", async () => {
    expect((await asBob.get(`${path}/members`)).response.status).toBe(403);
    const attempt = await asBob.get(`${path}/moderation/items/${topic.id}/lock`);
    expect(attempt.response.status).toBe(403);
  });

  it("offers its facilitator the confirmation pages, which say where the act goes", async () => {
    applyRemoteRole(copse.db, group.id, bob.actor.id, true);
    const members = await asBob.get(`${path}/members`);
    expect(members.response.status).toBe(200);
    expect(members.body).toContain("is hosted on far.example");
    // Dave can be banned from here; removing a member has no activity to carry it.
    expect(members.body).toContain("Ban<span");
    expect(members.body).not.toContain("Remove<span");
    const lock = await asBob.get(`${path}/moderation/items/${topic.id}/lock`);
    expect(lock.response.status).toBe(200);
    expect(lock.body).toContain("Lock topic");
    // A removal without a reason is refused before anything is sent.
    const empty = await asBob.post(`${path}/moderation/items/${topic.id}/remove`, { reason: "" });
    expect(empty.response.status).toBe(422);
  });
});
