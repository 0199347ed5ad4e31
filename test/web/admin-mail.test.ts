import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "../../src/db/schema/index.ts";
import { type OutgoingMail, queueMail } from "../../src/domain/mail/outbox.ts";
import { WebClient } from "../helpers/client.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";
import { expectSoundHeadings } from "../helpers/page-structure.ts";

// With no SMTP_URL, mail is written as .eml files under the data directory, and the admin page
// at /admin/mail lists the outbox, shows those files and retries failed mail; nobody else may.

function mail(n: number): OutgoingMail {
  return {
    to: `reader${n}@council.example`,
    subject: `Daily digest ${n} <Highways>`,
    text: `Three new topics in Highways (${n}).`,
    html: `<p>Three new topics in <strong>Highways</strong> (${n}).</p>`,
    headers: { "List-Unsubscribe": `<https://copse.example/unsubscribe/${n}>` },
  };
}

describe("outgoing mail without SMTP, and the admin page", () => {
  let copse: TestInstance;
  let admin: WebClient;
  let bob: WebClient;
  const mailDir = () => join(copse.config.dataDir, "mail");

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  beforeAll(async () => {
    copse = await startTestInstance("Emlbury");
    await copse.createUser("ada", { admin: true });
    await copse.createUser("bob");
    admin = await signedIn("ada");
    bob = await signedIn("bob");
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("writes each mail as an RFC 5322 .eml file named by its number and counts it sent", async () => {
    const first = queueMail(copse.db, mail(1), copse.origin);
    const second = queueMail(copse.db, mail(2), copse.origin);
    await copse.jobs.runNow("mail.send");

    const files = readdirSync(mailDir()).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^0+1-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.eml$/);
    expect(files[1]).toMatch(/^0+2-.*\.eml$/);

    const raw = readFileSync(join(mailDir(), files[0]!));
    // RFC 5322 lines end in CRLF.
    expect(raw.toString("latin1")).toMatch(/^[^\n]*\r\n/);
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(first.messageId);
    expect(parsed.subject).toBe("Daily digest 1 <Highways>");
    expect(parsed.text?.trim()).toBe("Three new topics in Highways (1).");
    expect(parsed.html).toContain("<strong>Highways</strong>");
    expect(parsed.headerLines.find((h) => h.key === "list-unsubscribe")?.line).toBe(
      "List-Unsubscribe: <https://copse.example/unsubscribe/1>",
    );

    for (const { id } of [first, second]) {
      const stored = copse.db.select().from(mailOutbox).where(eq(mailOutbox.id, id)).get();
      expect(stored?.state).toBe("sent");
    }
  });

  it("lists the outbox, newest first, for an admin, with each .eml viewable as text", async () => {
    const { response, body } = await admin.get("/admin/mail");
    expect(response.status).toBe(200);
    expect(body).toContain("Outgoing mail");
    expect(body).toContain("written as an .eml file in");
    // The subject is escaped, not markup.
    expect(body).toContain("Daily digest 2 &lt;Highways&gt;");
    expect(body.indexOf("reader2@council.example")).toBeLessThan(
      body.indexOf("reader1@council.example"),
    );
    expect(body).toContain('href="/admin/mail/1/eml"');
    expectSoundHeadings(body);
    // Six columns are wider than a phone: the table scrolls in a region reachable by keyboard.
    expect(body).toContain(
      '<section class="copse-scroll-region" aria-label="Outgoing mail" tabindex="0">',
    );

    const eml = await admin.get("/admin/mail/1/eml");
    expect(eml.response.status).toBe(200);
    expect(eml.response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(eml.body).toContain("Subject: Daily digest 1 <Highways>");
    expect(eml.body).toMatch(/Message-ID: <[^>]+@127\.0\.0\.1>/);

    // Only numbers name a mail; anything else, or a mail with no file, is simply not found.
    for (const path of [
      "/admin/mail/..%2F..%2Fcopse.db/eml",
      "/admin/mail/1x/eml",
      "/admin/mail/999/eml",
    ]) {
      expect((await admin.get(path)).response.status, path).toBe(404);
    }
  });

  it("links the administration pages for admins only", async () => {
    const home = await admin.get("/");
    expect(home.body).toContain('href="/admin"');
    const index = await admin.get("/admin");
    expect(index.response.status).toBe(200);
    expect(index.body).toContain('href="/admin/mail"');
    expect((await bob.get("/")).body).not.toContain('href="/admin"');
  });

  it("refuses the pages to people who are not admins", async () => {
    for (const path of ["/admin", "/admin/mail", "/admin/mail/1/eml"]) {
      const { response, body } = await bob.get(path);
      expect(response.status, path).toBe(403);
      expect(body).not.toContain("reader1@council.example");
      const anonymous = await new WebClient(copse.origin).get(path);
      expect(anonymous.response.status, path).toBe(303);
      expect(anonymous.response.headers.get("location")).toBe(
        `/signin?return=${encodeURIComponent(path)}`,
      );
    }
    const failed = queueMail(copse.db, mail(3), copse.origin);
    copse.db
      .update(mailOutbox)
      .set({ state: "failed", attempts: 10 })
      .where(eq(mailOutbox.id, failed.id))
      .run();
    const { response } = await bob.post(`/admin/mail/${failed.id}/retry`, {});
    expect(response.status).toBe(403);
    const after = copse.db.select().from(mailOutbox).where(eq(mailOutbox.id, failed.id)).get();
    expect(after?.state).toBe("failed");
  });

  it("retries a failed mail when an admin asks, and refuses to resend a sent one", async () => {
    const failed = queueMail(copse.db, mail(4), copse.origin);
    copse.db
      .update(mailOutbox)
      .set({ state: "failed", attempts: 10, lastError: "451 4.3.0 Try again later" })
      .where(eq(mailOutbox.id, failed.id))
      .run();
    const page = await admin.get("/admin/mail");
    expect(page.body).toContain(`action="/admin/mail/${failed.id}/retry"`);
    expect(page.body).toContain("451 4.3.0 Try again later");

    // A sent mail cannot be "retried": the page explains, and nothing changes.
    const refused = await admin.post("/admin/mail/1/retry", { page: "1" });
    expect(refused.response.status).toBe(409);
    expect(refused.body).toContain("There is a problem");
    expect(refused.body).toContain("only failed mail can be retried, and it is sent");
    expect(readdirSync(mailDir()).filter((f) => f.startsWith("000001-"))).toHaveLength(1);
    expect((await admin.post("/admin/mail/999/retry", {})).response.status).toBe(404);

    const retried = await admin.post(`/admin/mail/${failed.id}/retry`, { page: "1" });
    expect(retried.response.status).toBe(303);
    expect(retried.response.headers.get("location")).toBe("/admin/mail?page=1");
    const stateOf = () =>
      copse.db.select().from(mailOutbox).where(eq(mailOutbox.id, failed.id)).get()!;
    // Put back to be sent afresh; the background sender may already have taken it up.
    expect(stateOf().state).not.toBe("failed");
    expect(stateOf().attempts).toBeLessThanOrEqual(1);

    await copse.jobs.runNow("mail.send");
    await eventually(() => stateOf().state === "sent");
    const listing = await admin.get("/admin/mail");
    expect(listing.body).toContain(`href="/admin/mail/${failed.id}/eml"`);
  });
});
