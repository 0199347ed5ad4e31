import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import { findActorByIri, getActor } from "../../src/domain/actors.ts";
import { mediaOfItems } from "../../src/domain/item-media.ts";
import { findItemByIri, getItem, groupsOfItem } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { findMessageByIri } from "../../src/domain/messages.ts";
import { listReports } from "../../src/domain/moderation/reports.ts";
import { findVote } from "../../src/domain/votes.ts";
import { configureLogging, resetLogging } from "../../src/logging.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { ACTOR_TYPES, AS_CONTEXT, PUBLIC } from "./fixtures-sweep/documents.ts";
import { ACTIVITY_CASES, ACTOR_BUGS, OBJECT_CASES } from "./fixtures-sweep/expectations.ts";
import { discover, fixture, haveFixtures } from "./fixtures-sweep/fixtures.ts";
import { deliver, snapshot, stage } from "./fixtures-sweep/staging.ts";

// Every captured fediverse payload in ../shared/fixtures/fediverse goes through the real inbox
// of a real Copse instance, signed by a fake foreign server, and the test says what Copse must
// have done with it, read back from the database. The files are discovered when the tests are
// collected, so a new fixture is a new test, and it fails until the table below says what it
// must do. The fixtures live beside the project (in CI only); they are read in place.
//
// How one fixture is staged is told in fixtures-sweep/staging.ts; the expected outcome of every
// fixture is in fixtures-sweep/expectations.ts.

/**
 * A test of a known bug is expected to fail (`it.fails`) until the bug is fixed. Run with
 * SWEEP_SHOW_BUGS=1 to run them as plain tests and see how each one fails now.
 */
function testFor(bug: string | undefined) {
  return bug && !process.env.SWEEP_SHOW_BUGS ? it.fails : it;
}

/** Fails if stored HTML still holds anything the sanitizer must take out. */
function expectSanitized(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/style\s*=/i);
  expect(html).not.toMatch(/javascript:/i);
}

describe.skipIf(!haveFixtures)("every captured fediverse payload through Copse's inbox", () => {
  let copse: TestInstance;
  let peer: FakePeer;

  beforeAll(async () => {
    // SWEEP_LOG=debug (or info) shows why Copse did what it did with each fixture.
    const level = process.env.SWEEP_LOG as "debug" | "info" | undefined;
    if (level) await configureLogging(level);
    [copse, peer] = await Promise.all([startTestInstance("Sweep"), startFakePeer()]);
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
    if (process.env.SWEEP_LOG) await resetLogging();
  });

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

  describe("objects wrapped in a Create to a community", () => {
    const paths = discover("objects");

    it("has an expected outcome for every object fixture, and a fixture for every outcome", () => {
      expect(paths.filter((p) => !(p in OBJECT_CASES))).toEqual([]);
      expect(Object.keys(OBJECT_CASES).filter((p) => !paths.includes(p))).toEqual([]);
    });

    paths.forEach((path, index) => {
      const expected = OBJECT_CASES[path];
      const label = expected
        ? `${path} → ${expected.outcome === "stored" ? `stored as ${expected.kind}` : `ignored (${expected.reason})`}`
        : `${path} → (no expected outcome in the table)`;
      const test = testFor(expected?.bug);
      test(label, async () => {
        if (!expected) throw new Error(`Add ${path} to OBJECT_CASES with its expected outcome`);
        const db = copse.db;
        const raw = fixture(path);
        const isContent = ["Note", "Page", "Article"].includes(raw.type);
        const author = isContent && typeof raw.attributedTo === "string" ? raw.attributedTo : null;
        // The community the object is sent to, and (for a reply) the post it answers.
        const community = `https://copse-sweep.invalid/c/o${index}`;
        const creator = author ?? `https://copse-sweep.invalid/u/creator${index}`;
        const parent = isContent && typeof raw.inReplyTo === "string" ? raw.inReplyTo : null;
        const parentAuthor = `https://copse-sweep.invalid/u/parent${index}`;
        const create = {
          "@context": raw["@context"],
          id: `${raw.id}/sweep-create`,
          type: "Create",
          actor: creator,
          to: [PUBLIC, community],
          object: (() => {
            const { "@context": _, ...object } = raw;
            const to =
              object.to === undefined ? [] : Array.isArray(object.to) ? object.to : [object.to];
            return { ...object, to: [...to, community] };
          })(),
        };
        const staged = await stage(copse, peer, `o${index}`, path, create, {
          communities: [community],
          members: [creator],
          seed: parent ? [{ iri: parent, kind: "topic", author: parentAuthor }] : [],
          expect: { outcome: "ignored", reason: "" },
        });
        const before = snapshot(db);
        const response = await deliver(copse, peer, staged);
        expect(response.status, await response.clone().text()).toBe(202);
        if (expected.outcome === "ignored") {
          expect(snapshot(db)).toEqual(before);
          return;
        }
        const item = findItemByIri(db, staged.r(raw.id));
        if (process.env.SWEEP_LOG) console.log("STORED", path, JSON.stringify(item));
        expect(item, `no item ${staged.r(raw.id)} was stored`).toBeDefined();
        expect(item!.kind).toBe(expected.kind);
        if (expected.title !== undefined) expect(item!.title).toBe(expected.title);
        if (expected.keeps) {
          const link = mediaOfItems(db, [item!.id]).get(item!.id)?.link?.href;
          expect(`${item!.bodyHtml} ${item!.url} ${link}`).toContain(expected.keeps);
        }
        expect(item!.title.length > 0 || item!.kind === "reply").toBe(true);
        expect(item!.parentId).toBe(parent ? staged.seeds.get(parent)!.id : null);
        expect(item!.bodyHtml.trim()).not.toBe("");
        expectSanitized(item!.bodyHtml);
        expect(groupsOfItem(db, item!.id).map((g) => g.iri)).toEqual([
          staged.groups.get(community)!.iri,
        ]);
      });
    });
  });

  describe("actor documents", () => {
    // Every actor document in objects/, served as the peer's actor, signs a Follow of a
    // community here: Copse must find its key, store it and let it join.
    const paths = discover("objects").filter((p) => ACTOR_TYPES.includes(fixture(p).type));

    paths.forEach((path, index) => {
      const bug = ACTOR_BUGS[path];
      const test = testFor(bug);
      test(`${path} (${fixture(path).type}) can sign a Follow and join`, async () => {
        const db = copse.db;
        const raw = fixture(path);
        const community = `https://copse-sweep.invalid/c/actor${index}`;
        const follow = {
          "@context": AS_CONTEXT,
          id: `${raw.id}/sweep-follow`,
          type: "Follow",
          actor: raw.id,
          object: community,
        };
        const staged = await stage(copse, peer, `p${index}`, path, follow, {
          communities: [community],
          actorShapes: { [raw.id]: path },
          inbox: "group",
          expect: { outcome: "ignored", reason: "" },
        });
        const response = await deliver(copse, peer, staged);
        expect(response.status, await response.clone().text()).toBe(202);
        const actor = findActorByIri(db, staged.r(raw.id));
        expect(actor?.type).toBe(raw.type);
        const group = staged.groups.get(community)!;
        expect(findMembership(db, group.id, actor!.id)?.state).toBe("active");
      });
    });
  });
});
