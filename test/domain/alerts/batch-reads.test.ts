import { describe, expect, it } from "vitest";
import { actors, mailOutbox } from "../../../src/db/schema/index.ts";
import { createAccount } from "../../../src/domain/accounts.ts";
import { AlertLookups } from "../../../src/domain/alerts/lookups.ts";
import { frequencyFor, setFrequency } from "../../../src/domain/alerts/settings.ts";
import { sweepAlerts } from "../../../src/domain/alerts/sweep.ts";
import { communityTopic } from "../../../src/domain/alerts/topics.ts";
import { canView, composeItem } from "../../../src/domain/items.ts";
import {
  isActiveMember,
  isFacilitator,
  leaveGroup,
  requestMembership,
} from "../../../src/domain/membership.ts";
import { alertsOf, alertWorld, ORIGIN, SITE } from "./setup.ts";

// The sweep reads a community's members with their choices in one query, and digests read
// shared rows once per run through AlertLookups. These tests hold both to the answers of the
// one-row functions they stand in for, so a faster path can never tell someone more.

describe("alert look-ups shared by a run", () => {
  it("answer who may see what, and each person's choices, as the one-row functions do", async () => {
    const world = await alertWorld();
    const { db, alice, bob, carol, eve, garden, secret } = world;
    const post = (author: typeof alice, groups: (typeof garden)[], status?: "draft") =>
      composeItem(db, ORIGIN, {
        kind: "topic",
        author: author.actor,
        groups,
        title: "Something",
        body: "Text.",
        status,
      });
    const items = [
      post(alice, [garden]),
      post(alice, [secret]),
      post(bob, [secret]),
      // Members-only, but also in the public community: its members may see it too.
      post(alice, [garden, secret]),
      post(alice, [garden], "draft"),
      post(bob, [secret], "draft"),
    ];
    const people = [alice, bob, carol, eve].map((p) => p.actor.id);
    setFrequency(db, bob.actor.id, communityTopic(garden.id, "forum"), "weekly");
    setFrequency(db, carol.actor.id, "replies", "off");
    const topics = ["messages", "replies", communityTopic(garden.id, "forum")];

    const compare = () => {
      const look = new AlertLookups(db);
      let visible = 0;
      for (const item of items) {
        for (const personId of people) {
          expect(look.canView(item, personId), `item ${item.id}, person ${personId}`).toBe(
            canView(db, item, personId),
          );
          if (look.canView(item, personId)) visible++;
        }
      }
      for (const personId of people) {
        for (const group of [garden, secret]) {
          expect(look.isActiveMember(group.id, personId)).toBe(
            isActiveMember(db, group.id, personId),
          );
          expect(look.isFacilitator(group.id, personId)).toBe(
            isFacilitator(db, group.id, personId),
          );
        }
        for (const topic of topics) {
          expect(look.frequency(personId, topic)).toBe(frequencyFor(db, personId, topic));
        }
      }
      return visible;
    };
    const before = compare();
    // A new run sees a member leave: the private posts are gone from Bob's view.
    leaveGroup(db, secret.id, bob.actor.id);
    const after = compare();
    expect(after).toBeLessThan(before);
  });
});

describe("the sweep's members and their choices, read in one query", () => {
  it("gives each member their own frequency, and nothing to those who chose off or have no account", async () => {
    const world = await alertWorld();
    const { db, alice, bob, carol, garden, secret } = world;
    const person = (handle: string) =>
      createAccount(db, ORIGIN, {
        handle,
        email: `${handle}@example.org`,
        password: "correct horse battery",
        name: handle,
      });
    const dave = await person("dave");
    const frank = await person("frank");
    // A member from another server: it has no account here, so no mail.
    const remote = db
      .insert(actors)
      .values({
        iri: "https://elsewhere.test/u/rita",
        type: "Person",
        handle: "rita",
        host: "elsewhere.test",
        isLocal: false,
      })
      .returning()
      .get();
    for (const id of [dave.actor.id, frank.actor.id, remote.id]) {
      requestMembership(db, { groupId: garden.id, memberId: id });
    }
    const forum = communityTopic(garden.id, "forum");
    setFrequency(db, bob.actor.id, forum, "weekly");
    setFrequency(db, carol.actor.id, forum, "immediate");
    setFrequency(db, frank.actor.id, forum, "off");
    // A choice for another topic does not leak into this one.
    setFrequency(db, dave.actor.id, communityTopic(garden.id, "blog"), "off");

    sweepAlerts(db, SITE);
    const topic = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Rotas",
      body: "Who is in?",
    });
    // One row of news, whoever hears of it; Carol, who chose "immediately", is mailed at once.
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 1, mails: 1 });
    const entries = () =>
      alertsOf(db, [alice, bob, carol, dave, frank]).map((line) => {
        const [handle, , subject, frequency] = line.split(" ");
        return `${handle} ${subject} ${frequency}`;
      });
    expect(entries()).toEqual([`bob item:${topic.id} weekly`, `dave item:${topic.id} daily`]);
    expect(
      db
        .select()
        .from(mailOutbox)
        .all()
        .map((m) => m.toAddress),
    ).toEqual(["carol@example.org"]);

    // Posted to both communities: Bob, a member of both, is told once; Carol, in the public one
    // only, may see it through that one and is told too.
    const both = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden, secret],
      title: "Budget and rotas",
      body: "For both.",
    });
    sweepAlerts(db, SITE);
    const forBoth = entries().filter((e) => e.includes(`item:${both.id} `));
    expect(forBoth).toEqual([`bob item:${both.id} weekly`, `dave item:${both.id} daily`]);
    expect(
      db
        .select()
        .from(mailOutbox)
        .all()
        .map((m) => `${m.toAddress} ${m.subject}`),
    ).toEqual(["carol@example.org Garden: Rotas", "carol@example.org Garden: Budget and rotas"]);
  });
});
