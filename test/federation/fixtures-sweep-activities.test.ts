import { describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import { findActorByIri, getActor } from "../../src/domain/actors.ts";
import { findItemByIri, getItem, groupsOfItem } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { findMessageByIri } from "../../src/domain/messages.ts";
import { listReports } from "../../src/domain/moderation/reports.ts";
import { findVote } from "../../src/domain/votes.ts";
import { ACTIVITY_CASES } from "./fixtures-sweep/expectations.ts";
import { discover, fixture, haveFixtures } from "./fixtures-sweep/fixtures.ts";
import { deliver, snapshot, stage } from "./fixtures-sweep/staging.ts";
import { expectSanitized, sweepServers, testFor } from "./fixtures-sweep/suite.ts";

// Every captured fediverse payload in ../shared/fixtures/fediverse goes through the real inbox
// of a real Copse instance, signed by a fake foreign server, and the test says what Copse must
// have done with it, read back from the database. The files are discovered when the tests are
// collected, so a new fixture is a new test, and it fails until the table below says what it
// must do. The fixtures live beside the project (in CI only); they are read in place.
//
// How one fixture is staged is told in fixtures-sweep/staging.ts; the expected outcome of every
// fixture is in fixtures-sweep/expectations.ts.

describe.skipIf(!haveFixtures)("every captured fediverse activity through Copse's inbox", () => {
  const servers = sweepServers("Sweep");

  describe("activities", () => {
    const paths = discover("activities");

    it("has an expected outcome for every activity fixture, and a fixture for every outcome", () => {
      expect(paths.filter((p) => !(p in ACTIVITY_CASES))).toEqual([]);
      expect(Object.keys(ACTIVITY_CASES).filter((p) => !paths.includes(p))).toEqual([]);
    });

    paths.forEach((path, index) => {
      const spec = ACTIVITY_CASES[path];
      const label = spec
        ? `${path} → ${spec.expect.outcome}${spec.expect.outcome === "ignored" ? ` (${spec.expect.reason})` : ""}`
        : `${path} → (no expected outcome in the table)`;
      const test = testFor(spec?.bug);
      test(label, async () => {
        const copse = servers.copse();
        const peer = servers.peer();
        if (!spec) throw new Error(`Add ${path} to ACTIVITY_CASES with its expected outcome`);
        const db = copse.db;
        if (process.env.SWEEP_LOG) console.log(`=== a${index} ${label}`);
        const staged = await stage(copse, peer, `a${index}`, path, fixture(path), spec);
        const before = snapshot(db);
        const response = await deliver(copse, peer, staged);
        expect(response.status, await response.clone().text()).toBe(202);
        const { r } = staged;
        const expected = spec.expect;
        switch (expected.outcome) {
          case "stored": {
            const item = findItemByIri(db, r(expected.item));
            expect(item, `no item ${r(expected.item)} was stored`).toBeDefined();
            expect(db.select().from(items).all().length).toBe(before.items.length + 1);
            expect(item!.kind).toBe(expected.kind);
            expect(item!.isLocal).toBe(false);
            expect(item!.deletedAt).toBeNull();
            if (expected.title !== undefined) expect(item!.title).toBe(expected.title);
            if (expected.parent) {
              expect(item!.parentId).toBe(findItemByIri(db, r(expected.parent))?.id);
            } else expect(item!.parentId).toBeNull();
            if (expected.body) expect(item!.bodyHtml).toContain(expected.body);
            expectSanitized(item!.bodyHtml);
            const group = staged.groups.values().next().value!;
            expect(groupsOfItem(db, item!.id).map((g) => g.iri)).toContain(group.iri);
            break;
          }
          case "updated": {
            const seeded = staged.seeds.get(expected.item)!;
            const item = findItemByIri(db, seeded.iri)!;
            expect(item.bodyHtml).not.toBe(seeded.bodyHtml);
            expect(item.bodyHtml).toContain(expected.body);
            expectSanitized(item.bodyHtml);
            if (expected.title !== undefined) expect(item.title).toBe(expected.title);
            expect(item.deletedAt).toBeNull();
            expect(db.select().from(items).all().length).toBe(before.items.length);
            break;
          }
          case "tombstoned": {
            const seeded = staged.seeds.get(expected.item)!;
            const item = findItemByIri(db, seeded.iri)!;
            expect(item.deletedAt).not.toBeNull();
            expect(item.bodyHtml).toBe("");
            break;
          }
          case "membership": {
            const group = findActorByIri(db, r(expected.group));
            const member = findActorByIri(db, r(expected.member));
            expect(group, "the group is stored").toBeDefined();
            expect(member, "the member is stored").toBeDefined();
            const membership = findMembership(db, group!.id, member!.id);
            expect(membership?.state ?? null).toBe(expected.state);
            break;
          }
          case "ignored": {
            expect(snapshot(db)).toEqual(before);
            break;
          }
          case "moderated": {
            if (expected.item) {
              const item = findItemByIri(db, staged.seeds.get(expected.item)!.iri)!;
              expect(item.deletedAt).toBeNull();
              const state = (at: Date | null) => at !== null;
              if (expected.removed !== undefined)
                expect(state(item.removedAt)).toBe(expected.removed);
              if (expected.locked !== undefined) expect(state(item.lockedAt)).toBe(expected.locked);
              if (expected.pinned !== undefined) expect(state(item.pinnedAt)).toBe(expected.pinned);
            }
            if (expected.member) {
              const group = staged.groups.values().next().value!;
              const member = findActorByIri(db, r(expected.member))!;
              expect(findMembership(db, group.id, member.id)?.role).toBe(expected.role);
            }
            break;
          }
          case "message": {
            const message = findMessageByIri(db, r(expected.message));
            expect(message, `no message ${r(expected.message)} was stored`).toBeDefined();
            expect(getActor(db, message!.senderId)?.iri).toBe(r(expected.from));
            expect(getActor(db, message!.recipientId)?.iri).toBe(r(expected.to));
            expect(message!.bodyHtml).toContain(expected.body);
            expectSanitized(message!.bodyHtml);
            // A message is never content: no item, group or membership changed.
            expect(snapshot(db).items).toEqual(before.items);
            break;
          }
          case "reported": {
            const group = findActorByIri(db, r(expected.group))!;
            const open = listReports(db, {
              groupId: group.id,
              state: "open",
              page: 1,
              pageSize: 50,
            });
            const reported = open.map((o) => getItem(db, o.itemId!)?.iri).sort();
            expect(reported).toEqual(
              expected.items.map((iri) => staged.seeds.get(iri)!.iri).sort(),
            );
            for (const o of open) expect(o.reason).toContain(expected.reason);
            break;
          }
          case "voted": {
            const item = staged.seeds.get(expected.item)!;
            const voter = findActorByIri(db, r(expected.actor));
            expect(voter, "the voter is stored").toBeDefined();
            expect(findVote(db, item.id, voter!.id)?.value ?? null).toBe(expected.value);
            // A vote changes no content.
            expect(snapshot(db).items).toEqual(before.items);
            break;
          }
        }
      });
    });
  });
});
