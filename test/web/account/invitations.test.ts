import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAccount } from "../../../src/domain/accounts.ts";
import { findActorByIri } from "../../../src/domain/actors.ts";
import { findMembership } from "../../../src/domain/membership.ts";
import { WebClient } from "../../helpers/client.ts";
import { eventually, startTestInstance, type TestInstance } from "../../helpers/instances.ts";
import { signedIn } from "../../helpers/sign-in.ts";
import { type SmtpSink, startSmtpSink } from "../../helpers/smtp-sink.ts";

// Invitations over HTTP with mail through a real SMTP server, on an instance whose
// registration is closed: the invitation still creates the account and joins the community.

function recipientOf(mail: ParsedMail): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined;
}

describe("inviting people by email", () => {
  let sink: SmtpSink;
  let copse: TestInstance;

  /** Sends the queued mail and returns the invitation path that reached `to` over SMTP. */
  async function invitationPathFor(to: string): Promise<string> {
    await copse.jobs.runNow("mail.send");
    const mail = await eventually(() => sink.messages.filter((m) => recipientOf(m) === to).pop());
    const link = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/.exec(mail.text ?? "")?.[0];
    if (!link) throw new Error(`No invitation reached ${to}`);
    return new URL(link).pathname;
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    copse = await startTestInstance("Invitown", {
      SMTP_URL: sink.url,
      COPSE_REGISTRATION: "closed",
    });
    await copse.createUser("ada", { admin: true });
    const fay = await copse.createUser("fay");
    await copse.createUser("bob");
    copse.createCommunity("planning", fay, "private");
  });

  afterAll(async () => {
    await copse?.close();
    await sink?.stop();
  });

  it("lets a facilitator invite from the members page; the link creates a member, once", async () => {
    const fay = await signedIn(copse, "fay");
    const members = await fay.get("/c/planning/people");
    expect(members.body).toContain('href="/c/planning/people/invite"');
    expect((await fay.get("/c/planning/people/invite")).response.status).toBe(200);
    const bad = await fay.post("/c/planning/people/invite", { email: "nonsense" });
    expect(bad.response.status).toBe(422);
    const sent = await fay.post("/c/planning/people/invite", { email: "gail@elsewhere.example" });
    expect(sent.response.status).toBe(200);
    expect(sent.body).toContain("We have sent an invitation to");

    const path = await invitationPathFor("gail@elsewhere.example");
    const visitor = new WebClient(copse.origin);
    const page = await visitor.get(path);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("gail@elsewhere.example");
    const done = await visitor.post(path, {
      name: "Gail",
      handle: "gail",
      password: "a long new passphrase",
    });
    expect(done.response.status).toBe(303);
    expect((await visitor.get("/account")).body).toContain("gail@elsewhere.example");
    const gail = findAccount(copse.db, "gail")!;
    const planning = findActorByIri(copse.db, `${copse.origin}/ap/actors/planning`)!;
    expect(findMembership(copse.db, planning.id, gail.actor.id)?.state).toBe("active");

    const again = await new WebClient(copse.origin).post(path, {
      name: "Other",
      handle: "other",
      password: "a long new passphrase",
    });
    expect(again.response.status).toBe(404);
    expect(findAccount(copse.db, "other")).toBeUndefined();
  });

  it("refuses members who do not run the community", async () => {
    const bob = await signedIn(copse, "bob");
    expect((await bob.get("/c/planning/people/invite")).response.status).toBe(403);
    const refused = await bob.post("/c/planning/people/invite", { email: "z@z.example" });
    expect(refused.response.status).toBe(403);
    expect((await bob.get("/admin/invitations")).response.status).toBe(403);
  });

  it("lets an administrator invite someone to the instance", async () => {
    const ada = await signedIn(copse, "ada");
    expect((await ada.get("/admin/accounts")).body).toContain('href="/admin/invitations"');
    const sent = await ada.post("/admin/invitations", { email: "hal@elsewhere.example" });
    expect(sent.response.status).toBe(200);
    const path = await invitationPathFor("hal@elsewhere.example");
    const visitor = new WebClient(copse.origin);
    const weak = await visitor.post(path, { name: "Hal", handle: "hal", password: "short" });
    expect(weak.response.status).toBe(422);
    const done = await visitor.post(path, {
      name: "Hal",
      handle: "hal",
      password: "a long passphrase",
    });
    expect(done.response.status).toBe(303);
    expect(findAccount(copse.db, "hal")?.email).toBe("hal@elsewhere.example");
  });
});
