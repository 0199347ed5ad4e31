import { asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "../../../src/db/client.ts";
import { actors, itemGroups, items, memberships } from "../../../src/db/schema/index.ts";
import type { ActorRow } from "../../../src/domain/actors.ts";
import { type ItemRow, insertItem, newItemIri, tombstoneItem } from "../../../src/domain/items.ts";
import {
  applyRemoteDecision,
  recordRemoteRequest,
  requestMembership,
} from "../../../src/domain/membership.ts";
import { castVote } from "../../../src/domain/votes.ts";
import { fetchAndStoreActor } from "../../../src/federation/lookup.ts";
import { joinRemoteCommunity } from "../../../src/federation/membership.ts";
import { type FakePeer, rewrite } from "../../helpers/fake-peer.ts";
import type { TestInstance } from "../../helpers/instances.ts";
import { drained } from "../../helpers/queue-rows.ts";
import type { Case } from "./cases.ts";
import {
  ACTOR_TYPES,
  AS_CONTEXT,
  actorsIn,
  bothSchemes,
  embeddedNodes,
  GROUP_SHAPES,
  hostsIn,
  idOf,
  loadableContext,
  PERSON_SHAPES,
  PUBLIC,
  queryUrlsIn,
} from "./documents.ts";
import { fixture, type Json } from "./fixtures.ts";

// How one fixture is staged:
//  - every origin in it (http and https alike) moves to its own folder on the fake peer,
//    under a per-test prefix, so tests never share an actor, object or activity id;
//  - groups the fixture targets become real Copse communities, people it addresses become
//    Copse users, and posts that live on a targeted group's host become local items;
//  - every actor it names is served by the peer (in the real shape of that software's actor
//    document, from objects/), and so is every object it embeds, under the fixture's @context;
//  - the case's preconditions are set up (members, facilitators, items that must already be
//    held, a pending Follow that an Accept answers); then the activity is delivered, signed
//    with HTTP Signatures by its actor, and the queue is drained before the outcome is read.

/** What "nothing changed" compares: items, their groups, memberships and local actors. */
export function snapshot(db: Db) {
  return {
    // In id order: PostgreSQL returns rows in no particular order without ORDER BY.
    items: db
      .select()
      .from(items)
      .orderBy(asc(items.id))
      .all()
      .map(({ activityAt: _, ...row }) => row),
    itemGroups: db
      .select()
      .from(itemGroups)
      .orderBy(asc(itemGroups.itemId), asc(itemGroups.groupId))
      .all(),
    memberships: db.select().from(memberships).orderBy(asc(memberships.id)).all(),
    localActors: db
      .select({
        id: actors.id,
        iri: actors.iri,
        handle: actors.handle,
        name: actors.name,
        summary: actors.summary,
        manuallyApprovesFollowers: actors.manuallyApprovesFollowers,
      })
      .from(actors)
      .where(eq(actors.isLocal, true))
      .orderBy(asc(actors.id))
      .all(),
  };
}

/** One staged fixture, ready to deliver. */
export interface Staged {
  /** Maps a fixture id to where it lives in this test. */
  r: (iri: string) => string;
  activity: Json;
  signerPath: string;
  inboxUrl: string;
  /** The Copse groups (local communities, then remote groups) by fixture id. */
  groups: Map<string, ActorRow>;
  seeds: Map<string, ItemRow>;
}

/**
 * Sets up one test's world on `copse` and `peer`: communities, users, peer actors,
 * memberships, held items and served documents; returns the rewritten activity and where to
 * deliver it.
 */
export async function stage(
  copse: TestInstance,
  peer: FakePeer,
  tag: string,
  path: string,
  raw: Json,
  spec: Case,
): Promise<Staged> {
  const db = copse.db;
  const ctx = copse.ctx();
  const software = path.split("/")[0]!;
  const map: Record<string, string> = {};
  const prefix = `${peer.origin}/${tag}`;
  const caseIris = [
    ...(spec.communities ?? []),
    ...(spec.remoteGroups ?? []),
    ...(spec.localUsers ?? []),
    ...(spec.seed ?? []).flatMap((s) => [s.iri, s.author ?? "", s.parent ?? ""]),
    ...(spec.members ?? []).map((m) => (typeof m === "string" ? m : m.actor)),
    ...(spec.pending ? [spec.pending.member, spec.pending.group, spec.pending.follow] : []),
  ].filter(Boolean);
  const extraDocs = (spec.serve ?? []).map((p) => fixture(p));
  for (const host of hostsIn([raw, caseIris, extraDocs])) {
    const folder = `${prefix}/${host.replace(/:/g, "_")}`;
    for (const origin of bothSchemes(`http://${host}`)) map[origin] = folder;
  }
  const r = (iri: string) => rewrite(iri, map);
  for (const url of queryUrlsIn([raw, extraDocs])) {
    const moved = r(url);
    const [base, query] = [moved.slice(0, moved.indexOf("?")), moved.slice(moved.indexOf("?") + 1)];
    map[url] = `${base.replace(/\/$/, "")}/q/${query.replace(/[^A-Za-z0-9_=-]/g, "_")}`;
  }
  const local = (fixtureIri: string, copseIri: string) => {
    for (const variant of bothSchemes(fixtureIri)) map[variant] = copseIri;
  };

  // Copse's side: the owner of every community, the communities, the people.
  const owner = await copse.createUser(`${tag}_owner`);
  const groups = new Map<string, ActorRow>();
  (spec.communities ?? []).forEach((iri, i) => {
    const community = copse.createCommunity(`${tag}_c${i}`, owner, "public");
    groups.set(iri, community.actor);
    local(iri, community.actor.iri);
  });
  const users = new Map<string, ActorRow>();
  for (const [i, iri] of (spec.localUsers ?? []).entries()) {
    const user = await copse.createUser(`${tag}_u${i}`);
    users.set(iri, user.actor);
    local(iri, user.actor.iri);
  }
  if (spec.pending && !users.has(spec.pending.member)) {
    const user = await copse.createUser(`${tag}_member`);
    users.set(spec.pending.member, user.actor);
    local(spec.pending.member, user.actor.iri);
  }

  // The peer's side: every actor named, in its software's shape.
  const remoteGroupIris = [
    ...(spec.remoteGroups ?? []),
    ...(spec.pending ? [spec.pending.group] : []),
  ];
  const peerActors = new Set<string>([
    ...actorsIn(raw),
    ...remoteGroupIris,
    ...(spec.members ?? []).map((m) => (typeof m === "string" ? m : m.actor)),
    ...(spec.seed ?? []).filter((s) => !s.local && s.author).map((s) => s.author!),
  ]);
  const paths = new Map<string, string>();
  let n = 0;
  for (const iri of peerActors) {
    const id = r(iri);
    if (!id.startsWith(peer.origin) || paths.has(id)) continue;
    const isGroup = remoteGroupIris.some((g) => r(g) === id);
    const shapePath = spec.actorShapes?.[iri] ?? (isGroup ? GROUP_SHAPES : PERSON_SHAPES)[software];
    let extra: Json = {};
    let type: "Person" | "Group" | "Service" | "Application" | "Organization" = isGroup
      ? "Group"
      : "Person";
    if (shapePath) {
      const shape = fixture(shapePath);
      const shapeMap: Record<string, string> = { [shape.id]: id };
      for (const host of hostsIn(shape)) {
        for (const origin of bothSchemes(`http://${host}`)) {
          shapeMap[origin] = `${prefix}/shape-${host.replace(/:/g, "_")}`;
        }
      }
      extra = rewrite(shape, shapeMap);
      extra["@context"] = loadableContext(shape["@context"]);
      if (ACTOR_TYPES.includes(shape.type)) type = shape.type;
    }
    const name = (new URL(id).pathname.split("/").filter(Boolean).pop() ?? "actor")
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, "_");
    extra.preferredUsername = `${tag}_${n++}_${name}`.slice(0, 60);
    const actor = await peer.addActor({
      path: new URL(id).pathname,
      type,
      preferredUsername: extra.preferredUsername,
      extra,
    });
    expect(actor.id).toBe(id);
    paths.set(id, actor.path);
  }

  // Remote groups a Copse user belongs to (they only pass things on to groups with members).
  for (const iri of spec.remoteGroups ?? []) {
    const group = await fetchAndStoreActor(ctx, r(iri));
    groups.set(iri, group);
    const member = await copse.createUser(`${tag}_rm${groups.size}`);
    const m = recordRemoteRequest(db, {
      groupId: group.id,
      memberId: member.actor.id,
      requestIri: `${copse.origin}/ap/follows/${tag}-${groups.size}`,
    });
    applyRemoteDecision(db, m.id, true);
  }
  if (spec.pending) {
    const group = await fetchAndStoreActor(ctx, r(spec.pending.group));
    groups.set(spec.pending.group, group);
    const member = users.get(spec.pending.member)!;
    const membership = await joinRemoteCommunity(ctx, member, group);
    expect(membership.state).toBe("pending");
    map[spec.pending.follow] = membership.requestIri!;
  }
  const firstGroup = groups.values().next().value as ActorRow | undefined;

  // Members of local communities, as if their Follow had been accepted.
  for (const m of spec.members ?? []) {
    const { actor, role, follow, group } = typeof m === "string" ? { actor: m } : m;
    const target = group ? groups.get(group)! : firstGroup!;
    const row = await fetchAndStoreActor(ctx, r(actor));
    const membership = requestMembership(db, {
      groupId: target.id,
      memberId: row.id,
      requestIri: follow ? r(follow) : null,
      requestType: "Follow",
    });
    expect(membership.state).toBe("active");
    if (role === "facilitator") {
      db.update(memberships)
        .set({ role: "facilitator" })
        .where(eq(memberships.id, membership.id))
        .run();
    }
  }

  // Items Copse holds already.
  const seeds = new Map<string, ItemRow>();
  const servedSeeds: Json[] = [];
  for (const s of spec.seed ?? []) {
    const group = s.group ? groups.get(s.group)! : firstGroup!;
    const parent = s.parent ? seeds.get(s.parent) : undefined;
    const author = s.local
      ? (users.get(s.author ?? "") ?? owner.actor)
      : await fetchAndStoreActor(ctx, r(s.author!));
    const iri = s.local ? newItemIri(copse.origin, s.kind) : r(s.iri);
    if (s.local) local(s.iri, iri);
    const title = s.kind === "reply" ? "" : (s.title ?? `Seeded ${s.kind} of ${tag}`);
    const bodyHtml = `<p>Seeded ${s.kind} of ${tag}, before the fixture.</p>`;
    let row = insertItem(db, {
      kind: s.kind,
      iri,
      authorId: author.id,
      groupIds: [group.id],
      parentId: parent?.id ?? null,
      title,
      bodyHtml,
      visibility: "public",
      isLocal: !!s.local,
    });
    if (s.deleted) row = tombstoneItem(db, row);
    seeds.set(s.iri, row);
    if (!s.local && !s.gone && !s.deleted) {
      servedSeeds.push({
        "@context": AS_CONTEXT,
        id: iri,
        type: s.kind === "entry" ? "Article" : s.kind === "reply" ? "Note" : "Page",
        attributedTo: author.iri,
        ...(title ? { name: title } : {}),
        content: bodyHtml,
        inReplyTo: parent?.iri ?? null,
        to: [PUBLIC, group.iri],
        audience: group.iri,
      });
    }
  }

  // Votes cast before the fixture arrives (the Undo fixtures withdraw them).
  for (const v of spec.votes ?? []) {
    const voter = await fetchAndStoreActor(ctx, r(v.actor));
    castVote(db, seeds.get(v.item)!, voter.id, v.value, r(v.activity));
  }

  // The activity, its embedded objects and the documents it names by id, as served now.
  const context = loadableContext(raw["@context"]);
  let activity = rewrite({ ...raw, "@context": context }, map);
  if (spec.wrap) {
    const { "@context": _, ...object } = activity;
    activity = {
      "@context": context,
      id: `${object.id}/wrapped-create`,
      type: "Create",
      actor: object.attributedTo,
      to: object.to,
      cc: object.cc,
      object,
    };
  }
  for (const doc of servedSeeds) peer.serve(new URL(doc.id).pathname, doc);
  for (const p of spec.serve ?? []) {
    const doc = fixture(p);
    const served = rewrite({ ...doc, "@context": loadableContext(doc["@context"]) }, map);
    peer.serve(new URL(served.id).pathname, served);
  }
  for (const node of embeddedNodes(activity)) {
    // A fragment id shares its path with another document (Mastodon's `status#delete`).
    if (!node.id.startsWith(peer.origin) || node.id.includes("#")) continue;
    const pathname = new URL(node.id).pathname;
    if (paths.has(node.id)) continue;
    peer.serve(pathname, { "@context": context, ...node });
  }

  const signer = r(idOf(activity.actor) ?? "");
  const signerPath = paths.get(signer);
  if (!signerPath) throw new Error(`${path}: its actor ${signer} is not on the fake peer`);
  const inbox = spec.inbox ?? "shared";
  const inboxUrl =
    inbox === "group"
      ? firstGroup!.inboxUrl!
      : inbox === "user"
        ? users.values().next().value!.inboxUrl!
        : `${copse.origin}/ap/inbox`;
  return { r, activity, signerPath, inboxUrl, groups, seeds };
}

/** Delivers a staged activity; fails if the queue is left retrying it. */
export async function deliver(
  copse: TestInstance,
  peer: FakePeer,
  staged: Staged,
): Promise<Response> {
  const response = await peer.deliver(staged.inboxUrl, staged.activity, {
    as: staged.signerPath,
  });
  const retrying = await drained(copse.db);
  const stuck = retrying.filter((row) => row.message.includes(staged.activity.id));
  expect(stuck, "the inbox listener threw and the activity waits for a retry").toEqual([]);
  return response;
}
