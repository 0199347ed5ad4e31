import { describe, expect, it } from "vitest";
import { findActorByIri } from "../../src/domain/actors.ts";
import { mediaOfItems } from "../../src/domain/item-media.ts";
import { findItemByIri, groupsOfItem } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { ACTOR_TYPES, AS_CONTEXT, PUBLIC } from "./fixtures-sweep/documents.ts";
import { ACTOR_BUGS, OBJECT_CASES } from "./fixtures-sweep/expectations.ts";
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

describe.skipIf(!haveFixtures)(
  "every captured fediverse object and actor through Copse's inbox",
  () => {
    const servers = sweepServers("Sweeping");

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
          const copse = servers.copse();
          const peer = servers.peer();
          if (!expected) throw new Error(`Add ${path} to OBJECT_CASES with its expected outcome`);
          const db = copse.db;
          const raw = fixture(path);
          const isContent = ["Note", "Page", "Article"].includes(raw.type);
          const author =
            isContent && typeof raw.attributedTo === "string" ? raw.attributedTo : null;
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
          const copse = servers.copse();
          const peer = servers.peer();
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
  },
);
