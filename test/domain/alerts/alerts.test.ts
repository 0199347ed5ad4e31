import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alertEntries, alertTokens, mailOutbox } from "../../../src/db/schema/index.ts";
import {
  alertChoices,
  frequencyFor,
  saveAlertChoices,
  setFrequency,
} from "../../../src/domain/alerts/settings.ts";
import { sweepAlerts } from "../../../src/domain/alerts/sweep.ts";
import { communityTopic } from "../../../src/domain/alerts/topics.ts";
import { composeEntry, editEntry } from "../../../src/domain/blog.ts";
import { composeComment } from "../../../src/domain/blog-comments.ts";
import { ValidationError } from "../../../src/domain/errors.ts";
import { composeItem, deleteItem } from "../../../src/domain/items.ts";
import { leaveGroup, requestMembership } from "../../../src/domain/membership.ts";
import { sendMessage } from "../../../src/domain/messages.ts";
import { alertsOf, alertWorld, ORIGIN, SITE } from "./setup.ts";

type World = Awaited<ReturnType<typeof alertWorld>>;

/** What people are to be told, as "handle topic subject frequency" lines, sorted. */
function entriesOf(world: World): string[] {
  return alertsOf(world.db, [world.alice, world.bob, world.carol, world.eve]);
}

function topicIn(world: World, group: "garden" | "secret", section: "forum" | "blog" | "requests") {
  return communityTopic(world[group].id, section);
}

describe("alert settings", () => {
  it("defaults to immediate for messages and replies and daily for community sections", async () => {
    const world = await alertWorld();
    const { db, bob, garden } = world;
    expect(frequencyFor(db, bob.actor.id, "messages")).toBe("immediate");
    expect(frequencyFor(db, bob.actor.id, "replies")).toBe("immediate");
    expect(frequencyFor(db, bob.actor.id, communityTopic(garden.id, "forum"))).toBe("daily");
    setFrequency(db, bob.actor.id, "replies", "weekly");
    expect(frequencyFor(db, bob.actor.id, "replies")).toBe("weekly");
  });

  it("lists each community's sections, and requests and reports only for facilitators", async () => {
    const world = await alertWorld();
    const forAlice = alertChoices(world.db, world.alice.actor.id);
    const forBob = alertChoices(world.db, world.bob.actor.id);
    expect(forAlice.personal.map((c) => c.label)).toEqual([
      "Direct messages",
      "Replies to you and mentions of you",
      "Decisions about you: requests to join, removed posts, your reports",
    ]);
    expect(forAlice.communities.map((c) => c.group.handle)).toEqual(["garden", "secret"]);
    expect(forAlice.communities[0]!.choices.map((c) => c.label)).toContain("Membership requests");
    expect(forAlice.communities[0]!.choices.map((c) => c.label)).toContain("Reports");
    // Facilitators hear of requests and reports at once unless they choose otherwise.
    const reports = forAlice.communities[0]!.choices.find((c) => c.label === "Reports")!;
    expect(reports.frequency).toBe("immediate");
    expect(forBob.communities[0]!.choices.map((c) => c.label)).toEqual([
      "Forum",
      "Blog",
      "Wiki",
      "Events",
      "Documents",
      "Polls",
    ]);
    expect(alertChoices(world.db, world.eve.actor.id).communities).toEqual([]);
  });

  it("refuses an unknown frequency and saves nothing from that form", async () => {
    const world = await alertWorld();
    const { db, bob } = world;
    const choices = alertChoices(db, bob.actor.id);
    const messages = choices.personal[0]!.field;
    const forum = choices.communities[0]!.choices[0]!.field;
    expect(() =>
      saveAlertChoices(db, bob.actor.id, { [messages]: "off", [forum]: "hourly" }),
    ).toThrow(ValidationError);
    expect(frequencyFor(db, bob.actor.id, "messages")).toBe("immediate");
    saveAlertChoices(db, bob.actor.id, { [messages]: "off", [forum]: "weekly" });
    expect(frequencyFor(db, bob.actor.id, "messages")).toBe("off");
    expect(frequencyFor(db, bob.actor.id, topicIn(world, "garden", "forum"))).toBe("weekly");
  });
});

describe("the alert sweep", () => {
  it("does not alert what was there before its first run", async () => {
    const world = await alertWorld();
    composeItem(world.db, ORIGIN, {
      kind: "topic",
      author: world.alice.actor,
      groups: [world.garden],
      title: "Old news",
      body: "From before alerts existed.",
    });
    expect(sweepAlerts(world.db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });
    expect(sweepAlerts(world.db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });
    expect(entriesOf(world)).toEqual([]);
  });

  it("tells members but not the author or non-members, once per person", async () => {
    const world = await alertWorld();
    const { db, alice, bob, garden } = world;
    sweepAlerts(db, SITE);
    const topic = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Compost rotas",
      body: "Who is in?",
    });
    // Bob answers Alice's topic: Alice hears of it once, as a reply to her, not also as forum news.
    const reply = composeItem(db, ORIGIN, {
      kind: "reply",
      author: bob.actor,
      groups: [garden],
      parent: topic,
      body: "Me!",
    });
    const result = sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([
      `alice replies item:${reply.id} immediate`,
      `bob ${topicIn(world, "garden", "forum")} item:${topic.id} daily`,
      `carol ${topicIn(world, "garden", "forum")} item:${topic.id} daily`,
      `carol ${topicIn(world, "garden", "forum")} item:${reply.id} daily`,
    ]);
    // One personal entry (Alice's reply) and one row of news for each item, whoever is told.
    expect(result).toEqual({ entries: 1, news: 2, mails: 1 });
    // A second sweep finds nothing new.
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });
  });

  it("never tells non-members about a private community, nor people who left", async () => {
    const world = await alertWorld();
    const { db, alice, bob, carol, secret } = world;
    sweepAlerts(db, SITE);
    // Carol has the default (daily) for the secret forum but is no member: nothing.
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [secret],
      title: "Budget cuts",
      body: "Confidential.",
    });
    sweepAlerts(db, SITE);
    expect(entriesOf(world).filter((e) => !e.startsWith("bob "))).toEqual([]);
    expect(entriesOf(world)).toHaveLength(1);
    leaveGroup(db, secret.id, bob.actor.id);
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [secret],
      title: "More cuts",
      body: "Still confidential.",
    });
    sweepAlerts(db, SITE);
    // Membership is read when the digest is built: Bob, gone, is told of neither topic now.
    expect(entriesOf(world)).toEqual([]);
    expect(carol).toBeDefined();
  });

  it("skips what a person switched off, and sections a community switched off", async () => {
    const world = await alertWorld();
    const { db, alice, bob, garden } = world;
    sweepAlerts(db, SITE);
    setFrequency(db, bob.actor.id, topicIn(world, "garden", "forum"), "off");
    const { setEnabledSections } = await import("../../../src/domain/sections.ts");
    setEnabledSections(db, garden.id, ["blog", "wiki", "events", "documents", "polls", "news"]);
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Quiet",
      body: "Nobody hears.",
    });
    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([]);
  });

  it("files blog comments under blog, and alerts a draft only once it is published", async () => {
    const world = await alertWorld();
    const { db, alice, bob, garden } = world;
    sweepAlerts(db, SITE);
    const fields = {
      title: "Seed swap",
      summary: "",
      body: "Bring seeds.",
      groupIds: [garden.id],
      status: "draft" as const,
    };
    const draft = composeEntry(db, ORIGIN, alice.actor, fields);
    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([]);
    const { after: entry } = editEntry(db, ORIGIN, draft, alice.actor.id, {
      ...fields,
      status: "published",
    });
    sweepAlerts(db, SITE);
    const comment = composeComment(db, ORIGIN, { author: bob.actor, entry, body: "Lovely." });
    sweepAlerts(db, SITE);
    const blog = topicIn(world, "garden", "blog");
    expect(entriesOf(world)).toEqual([
      `alice replies item:${comment.id} immediate`,
      `bob ${blog} item:${entry.id} daily`,
      `carol ${blog} item:${entry.id} daily`,
      `carol ${blog} item:${comment.id} daily`,
    ]);
  });

  it("mails a new direct message at once, with one-click unsubscribe", async () => {
    const world = await alertWorld();
    const { db, alice, eve } = world;
    sweepAlerts(db, SITE);
    sendMessage(db, ORIGIN, { sender: alice.actor, recipient: eve.actor, body: "Hello Eve" });
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 1, news: 0, mails: 1 });
    const [mail] = db.select().from(mailOutbox).all();
    expect(mail!.toAddress).toBe("eve@example.org");
    expect(mail!.subject).toBe("A message from Alice");
    const headers = JSON.parse(mail!.headers) as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(https:\/\/copse\.test\/alerts\/unsubscribe\/[A-Za-z0-9_-]{43})>$/.exec(
      headers["List-Unsubscribe"]!,
    )?.[1];
    expect(link).toBeDefined();
    expect(mail!.text).toContain(link);
    expect(mail!.html).toContain(link);
    expect(mail!.text).toContain("https://copse.test/messages/alice");
    const [entry] = db.select().from(alertEntries).all();
    expect(entry!.mailId).toBe(mail!.id);
  });

  it("tells a community's facilitators about a new membership request, at once by default", async () => {
    const world = await alertWorld();
    const { db, carol, secret } = world;
    sweepAlerts(db, SITE);
    const request = requestMembership(db, { groupId: secret.id, memberId: carol.actor.id });
    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([
      `alice ${topicIn(world, "secret", "requests")} membership:${request.id}:${request.requestedAt!.getTime()} immediate`,
    ]);
  });

  it("does not alert deleted items", async () => {
    const world = await alertWorld();
    const { db, alice, garden } = world;
    sweepAlerts(db, SITE);
    const topic = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Oops",
      body: "Wrong place.",
    });
    deleteItem(db, topic, alice.actor.id);
    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([]);
    expect(
      db.select().from(alertTokens).where(eq(alertTokens.personId, alice.actor.id)).all(),
    ).toEqual([]);
  });
});
