import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

// A community's page shows how many members it has and the first ten, facilitators first; the
// full list is a link away, fifty to a page.

describe("community members", () => {
  let copse: TestInstance;
  const anonymous = () => new WebClient(copse.origin);

  beforeAll(async () => {
    copse = await startTestInstance("Members");
    const owner = await copse.createUser("owner", { name: "Olive Owner" });
    const garden = copse.createCommunity("garden", owner, "public");
    copse.createCommunity("vault", owner, "private");
    // People made directly: an account each would cost a password hash.
    const person = copse.db.$client.prepare(
      `INSERT INTO actors (iri, type, handle, host, is_local, name) VALUES (?, 'Person', ?, ?, 1, ?)`,
    );
    for (let i = 1; i <= 60; i++) {
      const handle = `m${String(i).padStart(2, "0")}`;
      const id = Number(
        person.run(`${copse.origin}/u/${handle}`, handle, copse.host, `Member ${handle}`)
          .lastInsertRowid,
      );
      requestMembership(copse.db, { groupId: garden.actor.id, memberId: id });
    }
  });
  afterAll(() => copse?.close());

  it("shows the count and the first five members, facilitator first, with a link to all", async () => {
    const { body } = await anonymous().get("/c/garden");
    expect(body).toContain("Members (61)");
    const rows = body.match(/Member m\d\d/g) ?? [];
    expect(rows).toEqual(Array.from({ length: 4 }, (_, i) => `Member m0${i + 1}`));
    expect(body.indexOf("Olive Owner")).toBeLessThan(body.indexOf("Member m01"));
    expect(body).toContain('href="/c/garden/people"');
    expect(body).toContain("See all 61 members");
  });

  it("lists every member fifty to a page", async () => {
    const first = await anonymous().get("/c/garden/people");
    expect(first.response.status).toBe(200);
    expect(first.body).toContain("Members (61)");
    expect(first.body.match(/Member m\d\d/g)).toHaveLength(49);
    expect(first.body).toContain('href="/c/garden/people?page=2"');
    const second = await anonymous().get("/c/garden/people?page=2");
    expect(second.body.match(/Member m\d\d/g)).toEqual(
      Array.from({ length: 11 }, (_, i) => `Member m${50 + i}`),
    );
  });

  it("keeps a private community's members to its members", async () => {
    expect((await anonymous().get("/c/vault/people")).response.status).toBe(403);
    expect((await anonymous().get("/c/nowhere/people")).response.status).toBe(404);
  });
});
