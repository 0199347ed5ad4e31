import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { ensureInstanceActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import {
  checkOrigin,
  moveOrigin,
  moveRisks,
  OriginMismatchError,
  recordedOrigin,
} from "../../src/domain/origin.ts";
import { INSTANCE_ACTOR } from "../../src/domain/paths.ts";
import { freshDb } from "../helpers/db.ts";

const OLD = "http://localhost:3000";
const NEW = "https://copse.example.gov.uk";

async function instanceAt(origin: string) {
  const db = freshDb();
  ensureInstanceActor(db, origin, INSTANCE_ACTOR, "Copse");
  const alice = await createAccount(db, origin, {
    handle: "alice",
    email: "alice@example.org",
    password: "a long enough secret",
  });
  createCommunity(db, origin, {
    handle: "garden",
    name: "Garden",
    description: "See http://localhost:30001/elsewhere",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  return db;
}

describe("the origin a database belongs to", () => {
  it("is the instance actor's, and another origin is refused with the way out", async () => {
    const db = await instanceAt(OLD);
    expect(recordedOrigin(db)).toBe(OLD);
    expect(() => checkOrigin(db, OLD)).not.toThrow();
    expect(() => checkOrigin(db, NEW)).toThrow(OriginMismatchError);
    expect(() => checkOrigin(db, NEW)).toThrow(/move-origin https:\/\/copse\.example\.gov\.uk/);
    expect(() => checkOrigin(freshDb(), NEW)).not.toThrow();
  });

  it("moves every local address to a new origin, leaving look-alike origins alone", async () => {
    const db = await instanceAt(OLD);
    expect(moveRisks(db)).toEqual({ remoteMembers: 0, remoteContacts: 0, queuedMessages: 0 });
    const { from, changed } = moveOrigin(db, NEW);
    expect(from).toBe(OLD);
    expect(changed).toBeGreaterThan(3);
    expect(recordedOrigin(db)).toBe(NEW);
    const rows = db.$client
      .prepare("SELECT iri, host, url, inbox_url AS inbox FROM actors WHERE is_local = 1")
      .all() as { iri: string; host: string; url: string | null; inbox: string | null }[];
    expect(rows.length).toBe(3);
    for (const row of rows) {
      expect(row.iri.startsWith(`${NEW}/`)).toBe(true);
      expect(row.host).toBe("copse.example.gov.uk");
      expect(JSON.stringify(row)).not.toContain(`${OLD}/`);
    }
    const summary = db.$client
      .prepare("SELECT summary FROM actors WHERE handle = 'garden'")
      .get() as { summary: string };
    expect(summary.summary).toContain("http://localhost:30001/elsewhere");
  });
});
