import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { frequencyFor, setFrequency } from "../../src/domain/alerts/settings.ts";
import { communityTopic } from "../../src/domain/alerts/topics.ts";
import { composeItem, findItemByIri } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { itemPagePath } from "../../src/domain/paths.ts";
import { createWikiPage, editWikiPage, latestRevision } from "../../src/domain/wiki/wiki.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { publishWikiRevision } from "../../src/federation/wiki.ts";
import { alertsOf } from "../helpers/alerts.ts";
import { failInsertsWhere } from "../helpers/failing-inserts.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { recipientOf, type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";

/** A header exactly as sent (mailparser folds List-* headers into one parsed object). */
function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(name.length + 1).trim();
}

// The "done when": Bob and Carol on Bexley belong to Alice's community on Ashford. A
// topic Alice posts reaches Bexley by federation, Bexley's alert sweep finds it, and its daily
// digest reaches both over real SMTP, once each, even though the digest run fails half-way.
describe("alert digests across instances", () => {
  let sink: SmtpSink;
  let ashford: TestInstance;
  let bexley: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  let garden: ActorRow;
  let gardenOnBexley: ActorRow;

  beforeAll(async () => {
    sink = await startSmtpSink();
    [ashford, bexley] = await Promise.all([
      startTestInstance("Ashford"),
      startTestInstance("Bexley", { SMTP_URL: sink.url }),
    ]);
    alice = await ashford.createUser("alice", { name: "Alice Adams" });
    bob = await bexley.createUser("bob");
    carol = await bexley.createUser("carol");
    garden = ashford.createCommunity("garden", alice, "public").actor;
    gardenOnBexley = await resolveActor(bexley.ctx(), `@garden@${ashford.host}`);
    for (const member of [bob, carol]) {
      await joinCommunity(bexley.ctx(), member.actor, gardenOnBexley);
    }
    await eventually(() =>
      [bob, carol].every(
        (m) => findMembership(bexley.db, gardenOnBexley.id, m.actor.id)?.state === "active",
      ),
    );
    // Bexley's sweep has taken its starting point, so only what follows is news.
    await bexley.jobs.runNow("alerts.sweep");
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ashford?.close(), bexley?.close()]);
    await sink?.stop();
  });

  it("mails a digest with the remote topic over SMTP, once per person despite a crash", async () => {
    const topic = composeItem(ashford.db, ashford.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Allotment waiting lists",
      body: "How long is yours?",
    });
    await publishItemChange(ashford.ctx(), topic, "create");
    const copy = await eventually(() => findItemByIri(bexley.db, topic.iri));

    await bexley.jobs.runNow("alerts.sweep");
    expect(alertsOf(bexley.db, [bob, carol])).toEqual(
      [bob, carol].map(
        (m) =>
          `${m.actor.handle} ${communityTopic(gardenOnBexley.id, "forum")} item:${copy.id} daily`,
      ),
    );

    // Carol's digest fails as a full disk would fail it, after Bob's has been queued.
    const allowCarol = failInsertsWhere(
      bexley.db,
      "mail_outbox",
      "to_address",
      carol.email,
      "disk I/O error",
    );
    await expect(bexley.jobs.runNow("alerts.digest.daily")).rejects.toThrow(/disk I\/O error/);
    await bexley.jobs.runNow("mail.send");
    await sink.waitFor(1);

    // The fault clears and the task runs again: only Carol's digest is left to send.
    allowCarol();
    await bexley.jobs.runNow("alerts.digest.daily");
    await bexley.jobs.runNow("mail.send");
    await sink.waitFor(2);
    // Yet another run has nothing left to send.
    await bexley.jobs.runNow("alerts.digest.daily");
    await bexley.jobs.runNow("mail.send");
    expect(sink.messages.map(recipientOf).sort()).toEqual([bob.email, carol.email].sort());

    const link = `${bexley.origin}${itemPagePath(copy, gardenOnBexley)}`;
    for (const mail of sink.messages) {
      expect(mail.subject).toBe("Your daily digest from Bexley: 1 new");
      expect(mail.text).toContain(
        `* Allotment waiting lists, by Alice Adams\n  How long is yours?\n  ${link}`,
      );
      expect(mail.html).toContain(`<a href="${link}">Allotment waiting lists</a>`);
      expect(rawHeader(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    }

    // Bob uses the one-click link from his mail, as his mail provider would.
    const bobsMail = sink.messages.find((m) => recipientOf(m) === bob.email)!;
    const unsubscribeUrl = String(rawHeader(bobsMail, "List-Unsubscribe")).replace(/^<|>$/g, "");
    expect(unsubscribeUrl.startsWith(`${bexley.origin}/alerts/unsubscribe/`)).toBe(true);
    expect(bobsMail.text).toContain(unsubscribeUrl);
    const response = await fetch(unsubscribeUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(response.status).toBe(200);
    expect(frequencyFor(bexley.db, bob.actor.id, communityTopic(gardenOnBexley.id, "forum"))).toBe(
      "off",
    );
  }, 60_000);

  it("mails an edit of a wiki page made on another instance: who, why and the new text", async () => {
    const created = createWikiPage(ashford.db, ashford.origin, {
      author: alice.actor,
      group: garden,
      title: "Potholes",
      body: "Report them to the council.",
    });
    await publishWikiRevision(ashford.ctx(), created.page, created.revision);
    const copy = await eventually(() => findItemByIri(bexley.db, created.page.iri));
    await eventually(() => latestRevision(bexley.db, copy.id)?.number === 1);
    await bexley.jobs.runNow("alerts.sweep");
    setFrequency(bexley.db, carol.actor.id, communityTopic(gardenOnBexley.id, "wiki"), "immediate");
    const mailsBefore = sink.messages.length;

    const edited = editWikiPage(ashford.db, created.page, {
      editor: alice.actor,
      title: "Potholes",
      body: "Report them **online** with the council's form.",
      reason: "The council has a form now",
      related: [],
      baseRevision: 1,
    });
    await publishWikiRevision(ashford.ctx(), edited.page, edited.revision);
    const revision = await eventually(() => {
      const latest = latestRevision(bexley.db, copy.id);
      return latest?.number === 2 ? latest : undefined;
    });
    await bexley.jobs.runNow("alerts.sweep");
    // Carol hears of the new page once, as an item, and of the edit once, at once. Bob used
    // his digest's unsubscribe link above, which stopped everything that digest carried.
    // The edit went out in its own mail (below), so only the page waits for a digest.
    expect(
      alertsOf(bexley.db, [bob, carol]).filter(
        (line) => line.includes(`item:${copy.id} `) || line.includes(" revision:"),
      ),
    ).toEqual([`carol ${communityTopic(gardenOnBexley.id, "wiki")} item:${copy.id} daily`]);
    expect(revision.number).toBe(2);

    await bexley.jobs.runNow("mail.send");
    const mail = (await sink.waitFor(mailsBefore + 1)).at(-1)!;
    expect(recipientOf(mail)).toBe(carol.email);
    expect(mail.subject).toBe("Garden: Alice Adams edited the page “Potholes”");
    const diff = `${bexley.origin}${itemPagePath(copy, gardenOnBexley)}/diff?from=1&to=2`;
    expect(mail.text).toContain(
      `* Alice Adams edited the page “Potholes”: The council has a form now\n  Report them online with the council's form.\n  ${diff}`,
    );
    expect(mail.html).toContain(`edited the page <a href="${diff.replace("&", "&amp;")}">`);
  }, 60_000);
});
