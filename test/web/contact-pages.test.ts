import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contacts } from "../../src/db/schema/index.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { countContacts } from "../../src/domain/contacts.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { remotePerson } from "../helpers/remote-person.ts";
import { signedIn } from "../helpers/sign-in.ts";

// The contacts page lists a person's contacts by name, 50 a page; requests waiting for an
// answer show on every page. A mutual pair of contacts is one line and counts once. Checked at
// 0, 50 and 51 contacts and with page numbers out of range.

describe("paged contacts list", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let aliceId: number;
  let made = 0;
  let people = 0;
  const lines = (body: string) => body.match(/Contact \d\d</g) ?? [];

  /** A person on another server, named so that the list's order by name is the order made. */
  function person(name = `Contact ${String(++made).padStart(2, "0")}`): ActorRow {
    return remotePerson(copse.db, `p${++people}`, name);
  }

  function relate(followerId: number, followeeId: number, state: "pending" | "accepted") {
    copse.db.insert(contacts).values({ followerId, followeeId, state }).run();
  }

  beforeAll(async () => {
    copse = await startTestInstance("Contacts");
    aliceId = (await copse.createUser("alice")).actor.id;
    alice = await signedIn(copse, "alice");
  });
  afterAll(() => copse?.close());

  it("shows no page links with no contacts, or exactly one page of them", async () => {
    const none = await alice.get("/contacts");
    expect(none.response.status).toBe(200);
    expect(none.body).toContain("You have no contacts yet.");
    expect(none.body).not.toContain('aria-label="Pages of contacts"');

    // 49 one way, and one mutual pair that is one contact: 50.
    for (let i = 0; i < 49; i++) relate(aliceId, person().id, "accepted");
    const mutual = person();
    relate(aliceId, mutual.id, "accepted");
    relate(mutual.id, aliceId, "accepted");
    expect(countContacts(copse.db, aliceId)).toBe(50);
    const full = await alice.get("/contacts");
    expect(lines(full.body)).toHaveLength(50);
    expect(full.body).not.toContain('aria-label="Pages of contacts"');
  });

  it("puts the 51st contact on a second page, with waiting requests on both", async () => {
    relate(person().id, aliceId, "accepted");
    relate(person("Asker").id, aliceId, "pending");
    expect(countContacts(copse.db, aliceId)).toBe(51);
    const first = await alice.get("/contacts");
    expect(lines(first.body)).toHaveLength(50);
    expect(first.body).toContain('href="/contacts?page=2" rel="next"');
    expect(first.body).toContain("<title>Contacts (page 1 of 2)");
    expect(first.body).toContain("Asker");

    const second = await alice.get("/contacts?page=2");
    expect(lines(second.body)).toEqual(["Contact 51<"]);
    expect(second.body).toContain('href="/contacts" rel="prev"');
    expect(second.body).toContain("Asker");
  });

  it("shows the last page for a page past the end, and the first for nonsense", async () => {
    expect(lines((await alice.get("/contacts?page=99")).body)).toEqual(["Contact 51<"]);
    for (const page of ["0", "-2", "x"]) {
      const { response, body } = await alice.get(`/contacts?page=${page}`);
      expect(response.status).toBe(200);
      expect(lines(body), page).toHaveLength(50);
    }
  });
});
