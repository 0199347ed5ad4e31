import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { closeCommunity } from "../../src/domain/admin/communities.ts";
import { setFrequency } from "../../src/domain/alerts/settings.ts";
import { composeItem, type ItemRow } from "../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { removeItem } from "../../src/domain/moderation/content.ts";
import { dismissReport, fileReport, getReport } from "../../src/domain/moderation/reports.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { recipientOf, type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";

// Email alerts for what moderation decides, over a real SMTP server on loopback: facilitators
// hear at once of requests to join and of reports; a person hears at once of the answer to their
// request, of a facilitator removing their post (with the reason) and of what came of their
// report. Everything goes through the mail outbox and the mail sender, as in production.

describe("email alerts for moderation", () => {
  let sink: SmtpSink;
  let copse: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  let dan: AccountWithActor;
  let garden: ActorRow;
  let secret: ActorRow;
  let topic: ItemRow;

  /** Runs the sweep and the sender, and returns the mails that arrived because of it. */
  async function mailsAfterSweep(expected: number): Promise<ParsedMail[]> {
    const before = sink.messages.length;
    await copse.jobs.runNow("alerts.sweep");
    await copse.jobs.runNow("mail.send");
    if (expected === 0) return sink.messages.slice(before);
    return (await sink.waitFor(before + expected)).slice(before);
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    copse = await startTestInstance("Mailwood", { SMTP_URL: sink.url });
    alice = await copse.createUser("alice", { name: "Alice Adams" });
    bob = await copse.createUser("bob", { name: "Bob Brown" });
    carol = await copse.createUser("carol", { name: "Carol Clark" });
    dan = await copse.createUser("dan", { name: "Dan Dean" });
    garden = copse.createCommunity("garden", alice, "public").actor;
    secret = copse.createCommunity("secret", alice, "private").actor;
    for (const m of [bob, carol, dan]) {
      requestMembership(copse.db, { groupId: garden.id, memberId: m.actor.id });
    }
    topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [garden],
      title: "Cheap watches",
      body: "Buy now",
    });
    // Nobody wants the forum news in these tests: only moderation mail is looked at.
    for (const m of [alice, bob, carol, dan]) {
      setFrequency(copse.db, m.actor.id, `community:${garden.id}:forum`, "off");
    }
    // The sweep takes its starting point, so only what follows is news.
    await copse.jobs.runNow("alerts.sweep");
  }, 60_000);

  afterAll(async () => {
    await copse?.close();
    await sink?.stop();
  });

  it("tells the facilitator at once of a request to join and of a report", async () => {
    requestMembership(copse.db, { groupId: secret.id, memberId: carol.actor.id });
    const report = fileReport(copse.db, {
      reporterId: carol.actor.id,
      groupId: garden.id,
      itemId: topic.id,
      reason: "Advertising, not gardening",
    });
    const mails = await mailsAfterSweep(2);
    expect(mails.map(recipientOf)).toEqual([alice.email, alice.email]);
    const subjects = mails.map((m) => m.subject).sort();
    expect(subjects).toEqual([
      "Garden: Carol Clark reported a post by Bob Brown",
      "Secret: Carol Clark asked to join",
    ]);
    const reportMail = mails.find((m) => m.subject?.includes("reported"))!;
    expect(reportMail.text).toContain("Advertising, not gardening");
    expect(reportMail.text).toContain(`${copse.origin}/c/garden/reports/${report.id}`);
    // The one-click unsubscribe link stops just this community's reports.
    expect(reportMail.text).toContain("Reports in Garden");
  });

  it("tells people at once of their request's answer, a removal with its reason, and their report's outcome", async () => {
    decideMembership(copse.db, {
      groupId: secret.id,
      memberId: carol.actor.id,
      byActorId: alice.actor.id,
      approve: true,
    });
    removeItem(copse.db, {
      item: topic,
      groupId: garden.id,
      byActorId: alice.actor.id,
      reason: "No adverts here",
    });
    const mails = await mailsAfterSweep(3);
    const byRecipient = (email: string) => mails.filter((m) => recipientOf(m) === email);
    const [removal] = byRecipient(bob.email);
    expect(removal?.subject).toBe("Garden: The facilitators of Garden removed “Cheap watches”");
    expect(removal?.text).toContain("Their reason: No adverts here");
    const carols = byRecipient(carol.email)
      .map((m) => m.subject)
      .sort();
    expect(carols).toEqual([
      "Garden: Your report in Garden was acted on: the post was removed",
      "Secret: Your request to join Secret was accepted",
    ]);
    expect(byRecipient(alice.email)).toEqual([]);
  });

  it("sends nothing to someone who switched decisions off, and mails a dismissal's note", async () => {
    const post = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [garden],
      title: "Slugs",
      body: "They are everywhere",
    });
    const fromDan = fileReport(copse.db, {
      reporterId: dan.actor.id,
      groupId: garden.id,
      itemId: post.id,
      reason: "Off topic",
    });
    const fromCarol = fileReport(copse.db, {
      reporterId: carol.actor.id,
      groupId: garden.id,
      itemId: post.id,
      reason: "Boring",
    });
    setFrequency(copse.db, alice.actor.id, `community:${garden.id}:reports`, "daily");
    setFrequency(copse.db, dan.actor.id, "decisions", "off");
    expect(await mailsAfterSweep(0)).toEqual([]);
    for (const report of [fromDan, fromCarol]) {
      dismissReport(copse.db, {
        report: getReport(copse.db, report.id)!,
        byActorId: alice.actor.id,
        note: "Slugs are on topic in a garden",
      });
    }
    const mails = await mailsAfterSweep(1);
    expect(mails.map(recipientOf)).toEqual([carol.email]);
    expect(mails[0]!.subject).toBe("Garden: Your report in Garden was dismissed");
    expect(mails[0]!.text).toContain("Slugs are on topic in a garden");
  });

  it("tells members at once when an administrator closes their community, with the reason", async () => {
    closeCommunity(copse.db, garden.id, "The season is over");
    // Dan switched decisions off above, so he hears nothing.
    const mails = await mailsAfterSweep(3);
    expect(mails.map(recipientOf).sort()).toEqual([alice.email, bob.email, carol.email].sort());
    for (const mail of mails) {
      expect(mail.subject).toBe(
        "Garden: Garden was closed by an administrator: it is read-only now",
      );
      expect(mail.text).toContain("Reason: The season is over");
    }
  });
});
