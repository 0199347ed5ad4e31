import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../../src/db/client.ts";
import { items, mailOutbox } from "../../../src/db/schema/index.ts";
import { sendDigests } from "../../../src/domain/alerts/digest.ts";
import { setFrequency } from "../../../src/domain/alerts/settings.ts";
import { sweepAlerts } from "../../../src/domain/alerts/sweep.ts";
import { markRestorePoint, readCursor } from "../../../src/domain/alerts/sweep-cursor.ts";
import { communityTopic } from "../../../src/domain/alerts/topics.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { claimNextMail, releaseInterruptedMail } from "../../../src/domain/mail/delivery.ts";
import { decideMembership, requestMembership } from "../../../src/domain/membership.ts";
import { failInsertsWhere } from "../../helpers/failing-inserts.ts";
import { alertsOf, alertWorld, ORIGIN, SITE } from "./setup.ts";

// Community news is one row per item whoever hears of it, and who gets what is decided when a
// mail is built (issue 12: 1,000 items in a community of 500 wrote 499,000 entries). These
// tests count rows, never time.

type World = Awaited<ReturnType<typeof alertWorld>>;

/** Rows in a table. */
function rows(db: Db, table: string): number {
  return (db.$client.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** The rows every alert table and the outbox hold, by table. */
function alertRows(db: Db): Record<string, number> {
  const tables = ["alert_entries", "alert_news", "alert_digest_cursors", "mail_outbox"];
  return Object.fromEntries(tables.map((t) => [t, rows(db, t)]));
}

/**
 * Adds `count` local members with accounts to a community, by direct SQL (an account through
 * the domain costs a password hash each), and returns their actor ids.
 */
function addMembers(db: Db, groupId: number, count: number): number[] {
  const sqlite = db.$client;
  const actor = sqlite.prepare(
    "INSERT INTO actors (iri, type, handle, host, is_local, name) VALUES (?, 'Person', ?, 'copse.test', 1, ?)",
  );
  const account = sqlite.prepare(
    "INSERT INTO accounts (actor_id, email, password_hash) VALUES (?, ?, 'x')",
  );
  const member = sqlite.prepare(
    "INSERT INTO memberships (group_id, member_id, state) VALUES (?, ?, 'active')",
  );
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const handle = `m${i}`;
    const id = Number(actor.run(`${ORIGIN}/u/${handle}`, handle, `M ${i}`).lastInsertRowid);
    account.run(id, `${handle}@example.org`);
    member.run(groupId, id);
    ids.push(id);
  }
  return ids;
}

function topics(world: World, group: "garden" | "secret", count: number, from = 0) {
  return Array.from({ length: count }, (_, i) =>
    composeItem(world.db, ORIGIN, {
      kind: "topic",
      author: world.alice.actor,
      groups: [world[group]],
      title: `Topic ${from + i}`,
      body: "Text.",
    }),
  );
}

function outbox(db: Db): string[] {
  return db
    .select()
    .from(mailOutbox)
    .orderBy(mailOutbox.id)
    .all()
    .map((m) => m.toAddress);
}

describe("community news storage", () => {
  it("writes rows in proportion to items plus members, not items times members", async () => {
    const world = await alertWorld();
    const { db } = world;
    const [changer, steady] = addMembers(db, world.garden.id, 40);
    // Bob, Carol and the forty hear of Alice's topics; Alice wrote them, but her digest has a
    // position in the news too, as every member's has.
    const told = 42;
    const members = 43;
    sweepAlerts(db, SITE);

    topics(world, "garden", 50);
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 50, mails: 0 });
    expect(alertRows(db)).toEqual({
      alert_entries: 0,
      alert_news: 50,
      alert_digest_cursors: 0,
      mail_outbox: 0,
    });
    // One digest and one position per member, each digest listing all fifty topics.
    expect(sendDigests(db, SITE, "daily").mails).toBe(told);
    expect(alertRows(db)).toEqual({
      alert_entries: 0,
      alert_news: 50,
      alert_digest_cursors: members,
      mail_outbox: told,
    });
    const [first] = db.select().from(mailOutbox).limit(1).all();
    expect(first!.subject).toBe("Your daily digest from Copse Test: 50 new");
    // Each section lists its newest ten and counts the rest, so a digest stays small.
    expect(first!.text.match(/, by Alice\n/g)).toHaveLength(10);
    expect(first!.text).toContain("Topic 49, by Alice");
    expect(first!.text).toContain("Topic 40, by Alice");
    expect(first!.text).not.toContain("Topic 39, by Alice");
    expect(first!.text).toContain(
      "* 40 earlier posts not listed here\n  https://copse.test/c/garden/forum\n",
    );

    // One member changes their mind and back: their digest takes the piece-by-piece rule, the
    // others the shared list; both must say the same.
    const forum = communityTopic(world.garden.id, "forum");
    setFrequency(db, changer!, forum, "weekly");
    setFrequency(db, changer!, forum, "daily");
    expect(rows(db, "alert_setting_changes")).toBe(1);

    // Twice the items: the news doubles, the per-member rows do not grow.
    topics(world, "garden", 100, 50);
    sweepAlerts(db, SITE);
    sendDigests(db, SITE, "daily");
    expect(alertRows(db)).toEqual({
      alert_entries: 0,
      alert_news: 150,
      alert_digest_cursors: members,
      mail_outbox: 2 * told,
    });
    const latest = (address: string) =>
      db
        .select()
        .from(mailOutbox)
        .where(eq(mailOutbox.toAddress, address))
        .orderBy(mailOutbox.id)
        .all()
        .at(-1)!;
    const body = (address: string) => latest(address).text.split("\n-- \n")[0]!.replace(/\n+$/, "");
    expect(body("m0@example.org")).toEqual(body("m1@example.org"));
    expect(body("m0@example.org")).toContain("* 90 earlier posts not listed here");
    expect(latest("m0@example.org").subject).toBe("Your daily digest from Copse Test: 100 new");
    expect(steady).toBeDefined();
  });

  it("mails a private community's news at once only to its members, even if others chose it", async () => {
    const world = await alertWorld();
    const { db, bob, carol, eve, secret } = world;
    const forum = communityTopic(secret.id, "forum");
    // Carol and Eve are not members; a stale or forged setting must not make them listeners.
    for (const person of [bob, carol, eve]) setFrequency(db, person.actor.id, forum, "immediate");
    sweepAlerts(db, SITE);
    topics(world, "secret", 1);
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 1, mails: 1 });
    expect(outbox(db)).toEqual(["bob@example.org"]);
    expect(sendDigests(db, SITE, "daily").mails).toBe(0);
  });

  it("does not tell a new member what was news before they joined", async () => {
    const world = await alertWorld();
    const { db, alice, carol, secret } = world;
    sweepAlerts(db, SITE);
    const [before] = topics(world, "secret", 1);
    sweepAlerts(db, SITE);
    requestMembership(db, { groupId: secret.id, memberId: carol.actor.id });
    decideMembership(db, {
      groupId: secret.id,
      memberId: carol.actor.id,
      byActorId: alice.actor.id,
      approve: true,
    });
    const [after] = topics(world, "secret", 1);
    sweepAlerts(db, SITE);
    const forum = communityTopic(secret.id, "forum");
    expect(alertsOf(db, [carol]).filter((line) => line.includes(" community:"))).toEqual([
      `carol ${forum} item:${after!.id} daily`,
    ]);
    expect(before).toBeDefined();
  });

  it("keeps the frequency news was recorded under when a member changes it", async () => {
    const world = await alertWorld();
    const { db, bob, garden } = world;
    const forum = communityTopic(garden.id, "forum");
    sweepAlerts(db, SITE);
    const [a] = topics(world, "garden", 1);
    sweepAlerts(db, SITE);
    setFrequency(db, bob.actor.id, forum, "weekly");
    const [b] = topics(world, "garden", 1, 1);
    sweepAlerts(db, SITE);
    // Topic A waits for the daily digest it was recorded for, B for the weekly one.
    expect(alertsOf(db, [bob])).toEqual([
      `bob ${forum} item:${a!.id} daily`,
      `bob ${forum} item:${b!.id} weekly`,
    ]);
    sendDigests(db, SITE, "daily");
    setFrequency(db, bob.actor.id, forum, "daily");
    sendDigests(db, SITE, "weekly");
    const bobs = db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, bob.email)).all();
    expect(bobs.map((m) => m.subject)).toEqual([
      "Your daily digest from Copse Test: 1 new",
      "Your weekly digest from Copse Test: 1 new",
    ]);
    expect(bobs[0]!.text).toContain("Topic 0");
    expect(bobs[1]!.text).toContain("Topic 1");
    // Told once each: nothing is left for either digest.
    expect(alertsOf(db, [bob])).toEqual([]);
  });
});

describe("a restored or imported database", () => {
  it("does not alert content dated long before the sweep found it", async () => {
    const world = await alertWorld();
    const { db, alice, bob, garden } = world;
    setFrequency(db, bob.actor.id, communityTopic(garden.id, "forum"), "immediate");
    sweepAlerts(db, SITE);
    // A month of history arrives at once, replies to Alice included (an import, or a remote
    // community's outbox read late): it is readable on the site, but it is not news.
    const old = topics(world, "garden", 30);
    for (const topic of old.slice(0, 5)) {
      composeItem(db, ORIGIN, {
        kind: "reply",
        author: bob.actor,
        groups: [garden],
        parent: topic,
        body: "Late reply.",
      });
    }
    db.update(items)
      .set({ publishedAt: new Date(Date.now() - 30 * 24 * 60 * 60 * 1000) })
      .run();
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });
    expect(alertRows(db)).toEqual({
      alert_entries: 0,
      alert_news: 0,
      alert_digest_cursors: 0,
      mail_outbox: 0,
    });
    expect(alice).toBeDefined();
  });

  it("does not alert what a restored backup held, only what follows its restore point", async () => {
    const world = await alertWorld();
    const { db } = world;
    sweepAlerts(db, SITE);
    // Written under the sweep's position when the backup was made, then restored.
    const held = topics(world, "garden", 20);
    const restoredAt = Math.max(...held.map((t) => t.publishedAt.getTime())) + 1;
    markRestorePoint(db.$client, restoredAt);
    expect(readCursor(db)!.notBefore).toBe(restoredAt);
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });

    const [after] = topics(world, "garden", 1, 20);
    db.update(items)
      .set({ publishedAt: new Date(restoredAt + 1000) })
      .where(eq(items.id, after!.id))
      .run();
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 1, mails: 0 });
    expect(sendDigests(db, SITE, "daily").mails).toBe(2);
  });
});

describe("a crash between building and sending", () => {
  it("leaves the sweep's news and immediate mails for a clean rerun", async () => {
    const world = await alertWorld();
    const { db, carol, garden } = world;
    setFrequency(db, carol.actor.id, communityTopic(garden.id, "forum"), "immediate");
    sweepAlerts(db, SITE);
    const position = readCursor(db)!.items;
    topics(world, "garden", 1);
    // The process fails while queuing Carol's mail: the news, the cursor and the mail go together.
    const allowCarol = failInsertsWhere(
      db,
      "mail_outbox",
      "to_address",
      "carol@example.org",
      "disk I/O error",
    );
    expect(() => sweepAlerts(db, SITE)).toThrow(/disk I\/O error/);
    expect(alertRows(db).alert_news).toBe(0);
    expect(readCursor(db)!.items).toBe(position);

    allowCarol();
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 1, mails: 1 });
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });
    expect(outbox(db)).toEqual(["carol@example.org"]);
  });

  it("sends a queued digest again after a crash mid-send, as the same mail, and builds it once", async () => {
    const world = await alertWorld();
    const { db } = world;
    sweepAlerts(db, SITE);
    topics(world, "garden", 3);
    sweepAlerts(db, SITE);
    expect(sendDigests(db, SITE, "daily").mails).toBe(2);
    const claimed = claimNextMail(db)!;
    // The process stops while the mail is with the mail server; the next one starts.
    expect(releaseInterruptedMail(db)).toBe(1);
    expect(sendDigests(db, SITE, "daily").mails).toBe(0);
    const again = db.select().from(mailOutbox).where(eq(mailOutbox.id, claimed.id)).get()!;
    expect(again.state).toBe("queued");
    // The same Message-ID, so a receiver that got the first attempt can drop the second.
    expect(again.messageId).toBe(claimed.messageId);
    expect(outbox(db)).toHaveLength(2);
  });
});
