import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailOutbox } from "../../../src/db/schema/index.ts";
import { sendDigests } from "../../../src/domain/alerts/digest.ts";
import { excerptOf } from "../../../src/domain/alerts/excerpt.ts";
import { setFrequency } from "../../../src/domain/alerts/settings.ts";
import { sweepAlerts } from "../../../src/domain/alerts/sweep.ts";
import { communityTopic } from "../../../src/domain/alerts/topics.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { sendMessage } from "../../../src/domain/messages.ts";
import { alertWorld, ORIGIN, SITE } from "./setup.ts";

/** Words numbered one after another, "w1 w2 w3 ...", so any cut shows where it fell. */
function numberedWords(count: number): string {
  return Array.from({ length: count }, (_, i) => `w${i + 1}`).join(" ");
}

describe("excerpts", () => {
  it("strips tags, collapses whitespace and decodes entities", () => {
    expect(excerptOf("<p>Fish &amp; <em>chips</em></p>\n\n<p>  on   Friday</p>", 100)).toBe(
      "Fish & chips on Friday",
    );
    expect(excerptOf("<ul><li>one</li><li>two</li></ul><p>3 &lt; 4</p>", 100)).toBe(
      "one two 3 < 4",
    );
    expect(excerptOf("<p> </p><img src='https://x.test/a.png' alt=''>", 100)).toBeUndefined();
  });

  it("cuts long text at a word boundary and ends it with an ellipsis", () => {
    const text = numberedWords(100);
    const cut = excerptOf(`<p>${text}</p>`, 40)!;
    expect(cut).toBe("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12…");
    expect(Array.from(cut).length).toBeLessThanOrEqual(40);
    // Text that fits is left whole, with no ellipsis.
    expect(excerptOf("<p>w1 w2 w3</p>", 8)).toBe("w1 w2 w3");
    // A word that would end exactly at the limit is kept.
    expect(excerptOf("<p>abcd efgh ijkl</p>", 10)).toBe("abcd efgh…");
    // One enormous word is cut rather than dropped.
    expect(excerptOf(`<p>${"x".repeat(50)}</p>`, 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("excerpts in alert mails", () => {
  it("quotes about 280 characters at once and 140 in digests, escaped in HTML", async () => {
    const world = await alertWorld();
    const { db, alice, bob, carol, garden } = world;
    sweepAlerts(db, SITE);
    setFrequency(db, bob.actor.id, communityTopic(garden.id, "forum"), "immediate");
    const body = `Tools <b>& gloves</b> needed: ${numberedWords(200)}`;
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Working party",
      body,
    });
    sweepAlerts(db, SITE);
    sendDigests(db, SITE, "daily");
    const toBob = db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, bob.email)).get()!;
    const toCarol = db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, carol.email))
      .get()!;
    const quoted = (text: string) => /\n {2}(Tools .*…)\n/.exec(text)?.[1];
    const long = quoted(toBob.text)!;
    const short = quoted(toCarol.text)!;
    expect(long.startsWith("Tools & gloves needed: w1 w2")).toBe(true);
    expect(Array.from(long).length).toBeGreaterThan(250);
    expect(Array.from(long).length).toBeLessThanOrEqual(280);
    expect(Array.from(short).length).toBeGreaterThan(120);
    expect(Array.from(short).length).toBeLessThanOrEqual(140);
    expect(long.startsWith(short.slice(0, -1))).toBe(true);
    // The HTML part carries the same words, escaped, and none of the post's markup.
    expect(toBob.html).toContain("Tools &amp; gloves needed: w1 w2");
    expect(toBob.html).not.toContain("<b>");
  });

  it("never quotes a private community's post to someone outside it", async () => {
    const world = await alertWorld();
    const { db, alice, bob, carol, garden, secret } = world;
    sweepAlerts(db, SITE);
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Open day",
      body: "Everyone is welcome on Saturday.",
    });
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [secret],
      title: "Members only",
      body: "The confidential figures are in.",
    });
    sweepAlerts(db, SITE);
    sendDigests(db, SITE, "daily");
    const textFor = (email: string) =>
      db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email)).get()!;
    expect(textFor(bob.email).text).toContain("The confidential figures are in.");
    expect(textFor(carol.email).text).toContain("Everyone is welcome on Saturday.");
    expect(textFor(carol.email).text).not.toContain("confidential");
    expect(textFor(carol.email).html).not.toContain("confidential");
  });

  it("quotes a direct message in its own mail but not in a digest", async () => {
    const world = await alertWorld();
    const { db, alice, bob, eve } = world;
    sweepAlerts(db, SITE);
    setFrequency(db, bob.actor.id, "messages", "daily");
    sendMessage(db, ORIGIN, { sender: alice.actor, recipient: eve.actor, body: "Eve, a secret." });
    sendMessage(db, ORIGIN, { sender: alice.actor, recipient: bob.actor, body: "Bob, a secret." });
    sweepAlerts(db, SITE);
    sendDigests(db, SITE, "daily");
    const mailTo = (email: string) =>
      db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email)).get()!;
    expect(mailTo(eve.email).text).toContain("* A message from Alice, by Alice\n  Eve, a secret.");
    expect(mailTo(bob.email).subject).toMatch(/daily digest/);
    expect(mailTo(bob.email).text).toContain("A message from Alice");
    expect(mailTo(bob.email).text).not.toContain("a secret");
    expect(mailTo(bob.email).html).not.toContain("a secret");
  });
});
