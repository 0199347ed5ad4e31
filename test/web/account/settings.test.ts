import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "../../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../../helpers/instances.ts";
import { signedIn } from "../../helpers/sign-in.ts";
import { type SmtpSink, startSmtpSink } from "../../helpers/smtp-sink.ts";

// The account page over HTTP, with mail going out through a real SMTP server: changing the
// password, and changing the address through the link mailed to the new one.

/** The address a parsed mail was sent to. */
function recipientOf(mail: ParsedMail): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined;
}

describe("the account page", () => {
  let sink: SmtpSink;
  let copse: TestInstance;

  /** Sends the queued mail and returns the newest one that reached `to` through SMTP. */
  async function mailTo(to: string, count: number): Promise<ParsedMail> {
    await copse.jobs.runNow("mail.send");
    await sink.waitFor(count);
    const mail = sink.messages.filter((m) => recipientOf(m) === to).pop();
    if (!mail) throw new Error(`No mail reached ${to}`);
    return mail;
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    copse = await startTestInstance("Accountham", { SMTP_URL: sink.url });
    await copse.createUser("bob");
    await copse.createUser("cat");
  });

  afterAll(async () => {
    await copse?.close();
    await sink?.stop();
  });

  it("needs a signed-in person and is linked from the header", async () => {
    const anonymous = await new WebClient(copse.origin).get("/account");
    expect(anonymous.response.status).toBe(303);
    const web = await signedIn(copse, "cat");
    const page = await web.get("/account");
    expect(page.response.status).toBe(200);
    expect(page.body).toContain('href="/account"');
    expect(page.body).toContain("cat@accountham.example");
  });

  it("changes the password with the current one, signs out elsewhere and mails the owner", async () => {
    const web = await signedIn(copse, "bob");
    const elsewhere = await signedIn(copse, "bob");
    const wrong = await web.post("/account/password", {
      "current-password": "not the password",
      "new-password": "a much newer passphrase",
    });
    expect(wrong.response.status).toBe(422);
    expect(wrong.body).toContain("Your current password is not right");

    const done = await web.post("/account/password", {
      "current-password": TEST_PASSWORD,
      "new-password": "a much newer passphrase",
    });
    expect(done.response.status).toBe(303);
    expect((await web.get("/account")).response.status).toBe(200);
    expect((await elsewhere.get("/account")).response.status).toBe(303);
    const mail = await mailTo("bob@accountham.example", 1);
    expect(mail.subject).toBe("Your password on Accountham was changed");

    const signIn = await new WebClient(copse.origin).post("/signin", {
      login: "bob",
      password: "a much newer passphrase",
    });
    expect(signIn.response.status).toBe(303);
  });

  it("changes the address through a single-use link mailed to the new one, and tells the old", async () => {
    const web = await signedIn(copse, "cat");
    const sent = await web.post("/account/email", {
      email: "cat@newtown.example",
      "email-password": TEST_PASSWORD,
    });
    expect(sent.response.status).toBe(200);
    expect(sent.body).toContain("Check your new email address");
    const before = sink.messages.length;
    const mail = await mailTo("cat@newtown.example", before + 1);
    const link = /https?:\/\/\S+\/account\/email\/confirm\/[A-Za-z0-9_-]{43}/.exec(
      mail.text ?? "",
    )?.[0];
    expect(link).toBeDefined();
    const path = new URL(link!).pathname;
    expect((await web.get("/account")).body).toContain("cat@accountham.example");

    // Opening the link (as a mail scanner would) changes nothing; the button does.
    const opened = await new WebClient(copse.origin).get(path);
    expect(opened.response.status).toBe(200);
    expect(opened.response.headers.get("referrer-policy")).toBe("no-referrer");
    const confirmed = await new WebClient(copse.origin).post(path, {});
    expect(confirmed.response.status).toBe(303);
    expect((await web.get("/account")).body).toContain("cat@newtown.example");
    const notice = await mailTo("cat@accountham.example", before + 2);
    expect(notice.text).toContain("cat@newtown.example");

    const again = await new WebClient(copse.origin).post(path, {});
    expect(again.response.status).toBe(404);
  });

  it("refuses a wrong password for an address change and sends nothing", async () => {
    const web = await signedIn(copse, "cat");
    const before = sink.messages.length;
    const refused = await web.post("/account/email", {
      email: "cat@elsewhere.example",
      "email-password": "wrong",
    });
    expect(refused.response.status).toBe(422);
    expect(refused.body).toContain('value="cat@elsewhere.example"');
    await copse.jobs.runNow("mail.send");
    expect(sink.messages.length).toBe(before);
  });
});
