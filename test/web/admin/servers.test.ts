import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDomainBlocks } from "../../../src/domain/admin/servers.ts";
import type { WebClient } from "../../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../../helpers/instances.ts";
import { expectSoundHeadings } from "../../helpers/page-structure.ts";
import { signedIn } from "../../helpers/sign-in.ts";

// The other-servers page: blocking after a confirmation, lifting blocks, and CSV import
// (checked, confirmed, all or nothing) and export.

describe("the other servers page", () => {
  let copse: TestInstance;
  let admin: WebClient;

  beforeAll(async () => {
    copse = await startTestInstance("Serverton");
    await copse.createUser("ada", { admin: true });
    await copse.createUser("bob");
    admin = await signedIn(copse, "ada");
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("is for administrators only", async () => {
    const bob = await signedIn(copse, "bob");
    expect((await bob.get("/admin/servers")).response.status).toBe(403);
    expect((await bob.get("/admin/servers/export.csv")).response.status).toBe(403);
  });

  it("blocks a server only after confirmation, and lifts it", async () => {
    const page = await admin.get("/admin/servers");
    expectSoundHeadings(page.body);
    const bad = await admin.post("/admin/servers", { domain: "nope", severity: "block" });
    expect(bad.response.status).toBe(422);
    const ask = await admin.post("/admin/servers", {
      domain: "Spam.Example",
      severity: "block",
      reason: "Spam",
    });
    expect(ask.body).toContain("Block spam.example?");
    expect(listDomainBlocks(copse.db)).toEqual([]);
    const done = await admin.post("/admin/servers", {
      domain: "spam.example",
      severity: "block",
      reason: "Spam",
      confirmed: "yes",
    });
    expect(done.response.status).toBe(303);
    expect(listDomainBlocks(copse.db).map((b) => b.domain)).toEqual(["spam.example"]);
    const csv = await admin.get("/admin/servers/export.csv");
    expect(csv.body).toContain("spam.example,suspend,false,false,Spam,false");
    await admin.post("/admin/servers/spam.example/remove", {});
    expect(listDomainBlocks(copse.db)).toEqual([]);
  });

  it("imports a CSV after showing what it holds, and refuses a malformed one whole", async () => {
    const malformed = "quiet.example,silence\nbad line with spaces,suspend\n";
    const refused = await admin.post("/admin/servers/import", { text: malformed });
    expect(refused.response.status).toBe(422);
    expect(refused.body).toContain("Line 2:");
    expect(listDomainBlocks(copse.db)).toEqual([]);

    const good = "#domain,#severity\nquiet.example,silence\nloud.example,suspend\n";
    const preview = await admin.post("/admin/servers/import", { text: good });
    expect(preview.body).toContain("Import the list?");
    expect(listDomainBlocks(copse.db)).toEqual([]);
    const done = await admin.post("/admin/servers/import", { text: good, confirmed: "yes" });
    expect(done.response.status).toBe(303);
    expect(listDomainBlocks(copse.db).map((b) => [b.domain, b.severity])).toEqual([
      ["loud.example", "block"],
      ["quiet.example", "limit"],
    ]);
  });
});
