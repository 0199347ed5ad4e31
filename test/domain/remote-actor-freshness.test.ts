import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { actors } from "../../src/db/schema/index.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import {
  findFreshRemoteActor,
  REMOTE_ACTOR_FRESH_MS,
  upsertRemoteActor,
} from "../../src/domain/actors.ts";
import { freshDb } from "../helpers/db.ts";

const IRI = "https://remote.example/users/rosa";

function storeRosa(db: ReturnType<typeof freshDb>) {
  return upsertRemoteActor(db, {
    iri: IRI,
    type: "Person",
    handle: "rosa",
    host: "remote.example",
    name: "Rosa",
    summary: "",
    url: null,
    inboxUrl: `${IRI}/inbox`,
    sharedInboxUrl: "https://remote.example/inbox",
    followersUrl: `${IRI}/followers`,
    manuallyApprovesFollowers: false,
  });
}

describe("the stored copy of a remote actor", () => {
  it("stands in for its document until an hour after it was fetched", () => {
    const db = freshDb();
    const rosa = storeRosa(db);
    const fetched = rosa.fetchedAt!.getTime();
    expect(findFreshRemoteActor(db, IRI, fetched + 1000)?.id).toBe(rosa.id);
    expect(findFreshRemoteActor(db, IRI, fetched + REMOTE_ACTOR_FRESH_MS - 1)?.id).toBe(rosa.id);
    expect(findFreshRemoteActor(db, IRI, fetched + REMOTE_ACTOR_FRESH_MS)).toBeUndefined();
    // Fetching again makes it fresh again.
    const again = storeRosa(db);
    expect(findFreshRemoteActor(db, IRI, again.fetchedAt!.getTime() + 1000)?.id).toBe(rosa.id);
  });

  it("is never used for an unknown, deleted or local actor", async () => {
    const db = freshDb();
    expect(findFreshRemoteActor(db, IRI)).toBeUndefined();
    const rosa = storeRosa(db);
    db.update(actors).set({ deletedAt: new Date() }).where(eq(actors.id, rosa.id)).run();
    expect(findFreshRemoteActor(db, IRI)).toBeUndefined();
    const local = await createAccount(db, "https://copse.example", {
      handle: "alice",
      email: "alice@example.org",
      password: "a long enough secret",
    });
    expect(findFreshRemoteActor(db, local.actor.iri)).toBeUndefined();
  });
});
