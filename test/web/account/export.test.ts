import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, pollOptions, polls, pollVotes, rsvps } from "../../../src/db/schema/index.ts";
import { signInWithIdentity } from "../../../src/domain/account/identities.ts";
import type { AccountWithActor } from "../../../src/domain/accounts.ts";
import { createDocument } from "../../../src/domain/documents.ts";
import { storeUpload } from "../../../src/domain/files.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { requestMembership } from "../../../src/domain/membership.ts";
import { sendMessage } from "../../../src/domain/messages.ts";
import { fileStoreFor } from "../../../src/domain/storage/store.ts";
import { WebClient } from "../../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../../helpers/instances.ts";
import { signedIn } from "../../helpers/sign-in.ts";
import { readZip } from "../../helpers/unzip.ts";

// "Download your data" over HTTP: a ZIP streamed to the signed-in person, holding JSON files
// of what they did here and the files they uploaded, and nothing of anyone else's.

describe("downloading your data", () => {
  let copse: TestInstance;
  let bob: AccountWithActor;
  const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(50_000)]);

  beforeAll(async () => {
    copse = await startTestInstance("Exportby");
    const ada = await copse.createUser("ada");
    bob = await copse.createUser("bob", { name: "Bob Builder" });
    const garden = copse.createCommunity("garden", ada);
    requestMembership(copse.db, { groupId: garden.actor.id, memberId: bob.actor.id });
    const groups = [garden.actor];
    const db = copse.db;
    const topic = composeItem(db, copse.origin, {
      kind: "topic",
      author: ada.actor,
      groups,
      title: "Compost",
      body: "Ada's own words",
    });
    composeItem(db, copse.origin, {
      kind: "reply",
      author: bob.actor,
      groups,
      parent: topic,
      body: "Bob's reply about compost",
    });
    composeItem(db, copse.origin, {
      kind: "topic",
      author: bob.actor,
      groups,
      title: "Bob's topic",
      body: "Worms",
    });
    sendMessage(db, copse.origin, { sender: bob.actor, recipient: ada.actor, body: "Hello Ada" });
    const file = await storeUpload(
      fileStoreFor(copse.config.files),
      (async function* () {
        yield pdf;
      })(),
      10_000_000,
    );
    createDocument(db, copse.origin, {
      author: bob.actor,
      group: garden.actor,
      title: "Plan",
      description: "The plan",
      fileName: "plan ../ 2026.pdf",
      file,
    });
    const event = composeItem(db, copse.origin, {
      kind: "event",
      author: ada.actor,
      groups,
      title: "Dig day",
      body: "Bring a spade",
    });
    const day = new Date(Date.now() + 86_400_000);
    db.insert(events).values({ itemId: event.id, startsAt: day, endsAt: day }).run();
    db.insert(rsvps)
      .values({ itemId: event.id, actorId: bob.actor.id, status: "going", updatedAt: new Date() })
      .run();
    const poll = composeItem(db, copse.origin, {
      kind: "poll",
      author: ada.actor,
      groups,
      title: "Which day?",
      body: "",
    });
    db.insert(polls).values({ itemId: poll.id, multiple: false, endsAt: day }).run();
    const option = db
      .insert(pollOptions)
      .values({ itemId: poll.id, position: 0, name: "Saturday" })
      .returning()
      .get();
    db.insert(pollVotes)
      .values({ itemId: poll.id, optionId: option.id, voterId: bob.actor.id })
      .run();
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("is for signed-in people only", async () => {
    const { response } = await new WebClient(copse.origin).get("/account/export");
    expect(response.status).toBe(303);
  });

  it("streams a ZIP of the person's own data and uploads", async () => {
    // Bob's council sign-in is linked by his verified address, so the export names it.
    await signInWithIdentity(
      copse.db,
      copse.origin,
      {
        issuer: "https://id.exportby.example",
        subject: "b-1",
        email: "bob@exportby.example",
        emailVerified: true,
      },
      { createAccounts: false, emailDomains: [] },
    );
    const web = await signedIn(copse, "bob");
    const response = await fetch(new URL("/account/export", copse.origin), {
      headers: { cookie: `copse_session=${web.cookie("copse_session")}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="bob-data-/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const files = readZip(Buffer.from(await response.arrayBuffer()));
    const read = (name: string) => JSON.parse(files.get(name)?.toString() ?? "null");

    expect(read("profile.json")).toMatchObject({
      name: "Bob Builder",
      email: "bob@exportby.example",
      signInIdentities: [{ issuer: "https://id.exportby.example", subject: "b-1" }],
    });
    expect(read("memberships.json")).toMatchObject([{ name: "Garden", state: "active" }]);
    const posts = read("posts.json");
    expect(posts.forumTopics.map((p: { title: string }) => p.title)).toEqual(["Bob's topic"]);
    expect(posts.forumReplies[0].markdown).toBe("Bob's reply about compost");
    expect(posts.documents[0].title).toBe("Plan");
    expect(JSON.stringify(posts)).not.toContain("Ada's own words");
    expect(read("messages.json")).toMatchObject([{ markdown: "Hello Ada" }]);
    expect(read("event-replies.json")).toMatchObject([{ title: "Dig day", answer: "going" }]);
    expect(read("poll-votes.json")).toMatchObject([{ question: "Which day?", choice: "Saturday" }]);
    const [listed] = read("files.json");
    expect(listed.inArchive).toMatch(/^files\/\d+-2026\.pdf$/);
    expect(files.get(listed.inArchive)?.equals(pdf)).toBe(true);
  });
});
