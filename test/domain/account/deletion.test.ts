import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, actors, memberships, messages } from "../../../src/db/schema/index.ts";
import { deleteAccount, FORMER_MEMBER } from "../../../src/domain/account/deletion.ts";
import {
  accountForSession,
  authenticate,
  createAccount,
  createSession,
} from "../../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../../src/domain/actors.ts";
import { createCommunity } from "../../../src/domain/communities.ts";
import { ConflictError } from "../../../src/domain/errors.ts";
import { composeItem, getItem } from "../../../src/domain/items.ts";
import { requestMembership } from "../../../src/domain/membership.ts";
import { sendMessage } from "../../../src/domain/messages.ts";
import { freshDb } from "../../helpers/db.ts";
import { latestMailTo } from "../../helpers/sign-up.ts";

const SITE = { origin: "https://copse.test", instanceName: "Copse Test" };
const PASSWORD = "correct horse battery";

async function world() {
  const db = freshDb();
  const make = (handle: string, admin = false) =>
    createAccount(db, SITE.origin, {
      handle,
      email: `${handle}@council.example`,
      password: PASSWORD,
      admin,
    });
  const ada = await make("ada", true);
  const bob = await make("bob");
  const garden = createCommunity(db, SITE.origin, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: ada.actor.id,
  }).actor;
  requestMembership(db, { groupId: garden.id, memberId: bob.actor.id });
  const topic = composeItem(db, SITE.origin, {
    kind: "topic",
    author: bob.actor,
    groups: [garden],
    title: "Bob's topic",
    body: "Bob's words",
  });
  const message = sendMessage(db, SITE.origin, {
    sender: bob.actor,
    recipient: ada.actor,
    body: "Hi Ada",
  });
  // A remote person in the garden: their server knows bob through it.
  const remote = upsertRemoteActor(db, {
    iri: "https://far.example/users/zoe",
    type: "Person",
    handle: "zoe",
    host: "far.example",
    name: "Zoe",
    inboxUrl: "https://far.example/users/zoe/inbox",
    sharedInboxUrl: "https://far.example/inbox",
  } as Parameters<typeof upsertRemoteActor>[1]);
  db.insert(memberships).values({ groupId: garden.id, memberId: remote.id, state: "active" }).run();
  return { db, ada, bob, garden, topic, message, remote };
}

describe("deleting an account", () => {
  it("removes the posts and sent messages when asked, and the account with its sessions", async () => {
    const { db, bob, topic, message, remote } = await world();
    const session = createSession(db, bob.id);
    const deleted = deleteAccount(db, SITE, { accountId: bob.id, keep: "remove", byAdmin: false });

    expect(deleted.removedItems.map((i) => i.id)).toEqual([topic.id]);
    expect(getItem(db, topic.id)?.deletedAt).toBeInstanceOf(Date);
    expect(getItem(db, topic.id)?.bodyHtml).toBe("");
    expect(db.select().from(messages).where(eq(messages.id, message.id)).get()).toBeUndefined();
    expect(deleted.knownBy.map((a) => a.iri)).toEqual([remote.iri]);
    expect(accountForSession(db, session)).toBeUndefined();
    expect(db.select().from(accounts).where(eq(accounts.id, bob.id)).get()).toBeUndefined();
    expect(await authenticate(db, "bob", PASSWORD, "1")).toBeUndefined();
    expect(
      db.select().from(memberships).where(eq(memberships.memberId, bob.actor.id)).all(),
    ).toEqual([]);
    expect(latestMailTo(db, "bob@council.example")?.subject).toMatch(/was deleted/);
  });

  it("keeps the posts under 'A former member' when asked, and keeps the handle taken", async () => {
    const { db, bob, topic, message } = await world();
    const deleted = deleteAccount(db, SITE, {
      accountId: bob.id,
      keep: "anonymise",
      byAdmin: true,
    });
    expect(deleted.removedItems).toEqual([]);
    expect(getItem(db, topic.id)?.bodySource).toBe("Bob's words");
    expect(db.select().from(messages).where(eq(messages.id, message.id)).get()).toBeDefined();
    const actor = db.select().from(actors).where(eq(actors.id, bob.actor.id)).get();
    expect(actor).toMatchObject({ name: FORMER_MEMBER, summary: "", handle: "bob" });
    expect(actor?.deletedAt).toBeInstanceOf(Date);
    await expect(
      createAccount(db, SITE.origin, { handle: "bob", email: "new@x.example", password: PASSWORD }),
    ).rejects.toThrow(/already taken/);
    expect(latestMailTo(db, "bob@council.example")?.text).toContain("An administrator");
  });

  it("refuses to delete the last administrator and changes nothing", async () => {
    const { db, ada } = await world();
    expect(() =>
      deleteAccount(db, SITE, { accountId: ada.id, keep: "anonymise", byAdmin: false }),
    ).toThrow(ConflictError);
    expect(await authenticate(db, "ada", PASSWORD, "1")).toBeDefined();
  });
});
