import "../../helpers/temporal.ts";
import { describe, expect, it } from "vitest";
import { alertTokens, mailOutbox } from "../../../src/db/schema/index.ts";
import { DigestError, sendDigests } from "../../../src/domain/alerts/digest.ts";
import { nextDigestAt } from "../../../src/domain/alerts/schedule.ts";
import { frequencyFor, setFrequency } from "../../../src/domain/alerts/settings.ts";
import { sweepAlerts } from "../../../src/domain/alerts/sweep.ts";
import {
  createUnsubscribeToken,
  findUnsubscription,
  unsubscribe,
} from "../../../src/domain/alerts/tokens.ts";
import { communityTopic } from "../../../src/domain/alerts/topics.ts";
import { composeItem, deleteItem } from "../../../src/domain/items.ts";
import { leaveGroup } from "../../../src/domain/membership.ts";
import { failInsertsWhere } from "../../helpers/failing-inserts.ts";
import { alertsOf, alertWorld, ORIGIN, SITE } from "./setup.ts";

type World = Awaited<ReturnType<typeof alertWorld>>;

function topic(world: World, group: "garden" | "secret", title: string) {
  return composeItem(world.db, ORIGIN, {
    kind: "topic",
    author: world.alice.actor,
    groups: [world[group]],
    title,
    body: `About ${title}.`,
  });
}

function mails(world: World) {
  return world.db.select().from(mailOutbox).orderBy(mailOutbox.id).all();
}

describe("digests", () => {
  it("sends one mail per person, grouped by community, with titles, authors and links", async () => {
    const world = await alertWorld();
    sweepAlerts(world.db, SITE);
    const bins = topic(world, "garden", "Compost bins");
    const budget = topic(world, "secret", "Budget <cuts>");
    sweepAlerts(world.db, SITE);
    expect(sendDigests(world.db, SITE, "daily")).toEqual({ mails: 2, failed: 0 });
    // Nothing is sent twice, and the weekly digest has nothing to say.
    expect(sendDigests(world.db, SITE, "daily")).toEqual({ mails: 0, failed: 0 });
    expect(sendDigests(world.db, SITE, "weekly")).toEqual({ mails: 0, failed: 0 });

    const [forBob, forCarol] = mails(world);
    expect(forBob!.toAddress).toBe("bob@example.org");
    expect(forBob!.subject).toBe("Your daily digest from Copse Test: 2 new");
    const gardenAt = forBob!.text.indexOf("Garden\n======");
    const secretAt = forBob!.text.indexOf("Secret\n======");
    expect(gardenAt).toBeGreaterThan(-1);
    expect(secretAt).toBeGreaterThan(gardenAt);
    expect(forBob!.text).toContain(
      `* Compost bins, by Alice\n  About Compost bins.\n  https://copse.test/c/garden/forum/${bins.id}`,
    );
    expect(forBob!.html).toContain(
      `<a href="https://copse.test/c/secret/forum/${budget.id}">Budget &lt;cuts&gt;</a>, by Alice`,
    );
    expect(forBob!.html).toContain("<h2>Garden</h2>");
    expect(forBob!.html).toContain("<h3>Forum</h3>");
    expect(JSON.parse(forBob!.headers)["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    // Carol is no member of the private community: her digest does not mention it.
    expect(forCarol!.toAddress).toBe("carol@example.org");
    expect(forCarol!.text).toContain("Compost bins");
    expect(forCarol!.text).not.toContain("Budget");
    expect(forCarol!.html).not.toContain("Budget");
  });

  it("re-checks what each person may see when the digest is built", async () => {
    const world = await alertWorld();
    const { db, bob, carol, secret, alice } = world;
    sweepAlerts(db, SITE);
    topic(world, "secret", "Reorganisation");
    const gone = topic(world, "garden", "Soon deleted");
    sweepAlerts(db, SITE);
    leaveGroup(db, secret.id, bob.actor.id);
    deleteItem(db, gone, alice.actor.id);
    expect(sendDigests(db, SITE, "daily")).toEqual({ mails: 0, failed: 0 });
    // The entries are used up, so nothing resurfaces later either.
    expect(alertsOf(db, [bob, carol])).toEqual([]);
    expect(carol).toBeDefined();
  });

  it("sends each digest once when the run fails part-way and is run again", async () => {
    const world = await alertWorld();
    const { db } = world;
    sweepAlerts(db, SITE);
    const hedge = topic(world, "garden", "Hedge laying");
    sweepAlerts(db, SITE);
    // A real failure for Carol's mail only (as a full disk or a broken row would cause): Bob's
    // digest, earlier in the run, is queued; Carol's transaction is rolled back whole.
    const allowCarol = failInsertsWhere(
      db,
      "mail_outbox",
      "to_address",
      "carol@example.org",
      "disk I/O error",
    );
    expect(() => sendDigests(db, SITE, "daily")).toThrow(DigestError);
    expect(mails(world).map((m) => m.toAddress)).toEqual(["bob@example.org"]);
    // Carol's news still waits for her: her digest's position did not move.
    expect(alertsOf(db, [world.carol])).toEqual([
      `carol ${communityTopic(world.garden.id, "forum")} item:${hedge.id} daily`,
    ]);
    // No token was kept for the mail that was never queued.
    expect(
      db
        .select()
        .from(alertTokens)
        .all()
        .filter((t) => t.personId === world.carol.actor.id),
    ).toEqual([]);

    allowCarol();
    expect(sendDigests(db, SITE, "daily")).toEqual({ mails: 1, failed: 0 });
    expect(mails(world).map((m) => m.toAddress)).toEqual(["bob@example.org", "carol@example.org"]);
  });

  it("sends community entries waiting from before news was recorded once, in the next digest", async () => {
    const world = await alertWorld();
    const { db, carol, garden } = world;
    sweepAlerts(db, SITE);
    const pond = topic(world, "garden", "Pond");
    // An entry as the sweep wrote them before alert_news: one row per member, still waiting.
    db.$client
      .prepare(
        `INSERT INTO alert_entries (person_id, topic, frequency, subject, group_id, created_at)
         VALUES (?, ?, 'daily', ?, ?, ?)`,
      )
      .run(
        carol.actor.id,
        communityTopic(garden.id, "forum"),
        `item:${pond.id}`,
        garden.id,
        Date.now(),
      );
    // No sweep runs here: the old sweep had already passed the item when it wrote the entry.
    expect(sendDigests(db, SITE, "daily")).toEqual({ mails: 1, failed: 0 });
    const [mail] = mails(world);
    expect(mail!.toAddress).toBe(carol.email);
    expect(mail!.text).toContain(`* Pond, by Alice`);
    expect(sendDigests(db, SITE, "daily")).toEqual({ mails: 0, failed: 0 });
  });

  it("leaves out what the person unsubscribed from since", async () => {
    const world = await alertWorld();
    const { db, bob, carol, garden } = world;
    sweepAlerts(db, SITE);
    topic(world, "garden", "Pond");
    sweepAlerts(db, SITE);
    setFrequency(db, bob.actor.id, communityTopic(garden.id, "forum"), "off");
    sendDigests(db, SITE, "daily");
    expect(mails(world).map((m) => m.toAddress)).toEqual(["carol@example.org"]);
    expect(carol).toBeDefined();
  });
});

describe("one-click unsubscribe tokens", () => {
  it("stores only a hash, names the topic, and switches it off", async () => {
    const world = await alertWorld();
    const { db, bob, garden } = world;
    const forum = communityTopic(garden.id, "forum");
    const token = createUnsubscribeToken(db, bob.actor.id, forum);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [stored] = db.select().from(alertTokens).all();
    expect(stored!.tokenHash).not.toContain(token);
    expect(findUnsubscription(db, token)).toEqual({
      personId: bob.actor.id,
      topic: forum,
      label: "Forum news from Garden",
    });
    // Looking a token up changes nothing; using it does.
    expect(frequencyFor(db, bob.actor.id, forum)).toBe("daily");
    expect(unsubscribe(db, token)?.topic).toBe(forum);
    expect(frequencyFor(db, bob.actor.id, forum)).toBe("off");
    expect(frequencyFor(db, bob.actor.id, "replies")).toBe("immediate");
  });

  it("refuses unknown and malformed tokens", async () => {
    const world = await alertWorld();
    expect(findUnsubscription(world.db, "x".repeat(43))).toBeUndefined();
    expect(unsubscribe(world.db, "not a token")).toBeUndefined();
    expect(unsubscribe(world.db, "")).toBeUndefined();
  });

  it("stops everything a digest carries with its digest link", async () => {
    const world = await alertWorld();
    const { db, bob, garden, secret } = world;
    setFrequency(db, bob.actor.id, communityTopic(secret.id, "wiki"), "weekly");
    const token = createUnsubscribeToken(db, bob.actor.id, "digest:daily");
    expect(unsubscribe(db, token)?.label).toBe("Your daily digest");
    expect(frequencyFor(db, bob.actor.id, communityTopic(garden.id, "forum"))).toBe("off");
    expect(frequencyFor(db, bob.actor.id, communityTopic(secret.id, "events"))).toBe("off");
    expect(frequencyFor(db, bob.actor.id, communityTopic(secret.id, "wiki"))).toBe("weekly");
    expect(frequencyFor(db, bob.actor.id, "messages")).toBe("immediate");
  });
});

describe("digest times", () => {
  const at = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds;

  it("is the next digest hour in the instance's zone, across summer time", () => {
    // 06:59 BST on 29 March 2026 (the day clocks go forward) -> 07:00 BST that day.
    expect(nextDigestAt(at("2026-03-29T05:59:00Z"), 7, "Europe/London")).toBe(
      at("2026-03-29T06:00:00Z"),
    );
    // Just after 07:00 GMT on 28 March -> 07:00 BST next day, 23 hours later.
    expect(nextDigestAt(at("2026-03-28T07:00:00Z"), 7, "Europe/London")).toBe(
      at("2026-03-29T06:00:00Z"),
    );
  });

  it("is on a Monday for weekly digests", () => {
    // Wednesday 14 January 2026 -> Monday 19 January, 07:00 GMT.
    const next = nextDigestAt(at("2026-01-14T12:00:00Z"), 7, "Europe/London", true);
    expect(next).toBe(at("2026-01-19T07:00:00Z"));
    // On Monday at 07:00 exactly, the next one is a week later.
    expect(nextDigestAt(next, 7, "Europe/London", true)).toBe(at("2026-01-26T07:00:00Z"));
  });
});
