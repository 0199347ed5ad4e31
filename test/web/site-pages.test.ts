import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteOperator, sitePageSource } from "../../src/domain/admin/site-pages.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

// The instance's own pages (rules, privacy notice, accessibility statement) and who runs it:
// written by administrators in Markdown, rendered safely, linked from every page's footer.

describe("the instance's own pages", () => {
  let copse: TestInstance;
  let admin: WebClient;
  let member: WebClient;
  const anon = () => new WebClient(copse.origin);

  beforeAll(async () => {
    copse = await startTestInstance("Aboutford");
    await copse.createUser("ada", { admin: true });
    await copse.createUser("ben");
    admin = await signedIn(copse, "ada");
    member = await signedIn(copse, "ben");
  });
  afterAll(() => copse?.close());

  const form = (fields: Partial<Record<string, string>>) => ({
    operator: "",
    rules: "",
    privacy: "",
    accessibility: "",
    ...fields,
  });

  it("links every page's footer to the three pages, which show sensible defaults", async () => {
    const { body } = await anon().get("/communities");
    for (const path of ["/about/rules", "/about/privacy", "/about/accessibility"])
      expect(body).toContain(`href="${path}"`);
    expect(body).toContain("Aboutford is a Copse instance.");
    const rules = await anon().get("/about/rules");
    expect(rules.response.status).toBe(200);
    expect(rules.body).toContain('<h1 class="govuk-heading-l">Rules</h1>');
    expect(rules.body).toContain("be kind and assume good intent");
    expect((await anon().get("/about/accessibility")).body).toContain("WCAG");
    expect((await anon().get("/about/nothing")).response.status).toBe(404);
  });

  it("lets an administrator say who runs the instance and rewrite a page, safely", async () => {
    const page = await admin.get("/admin/site");
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Showing the default text.");
    const saved = await admin.post(
      "/admin/site",
      form({
        operator: "The Digital Team at Aboutford Council",
        rules: "# Our rules\n\nBe **kind**.<script>alert(1)</script> [more](javascript:alert(2))",
      }),
    );
    expect(saved.response.status).toBe(303);
    const footer = (await anon().get("/")).body;
    expect(footer).toContain("Aboutford is run by The Digital Team at Aboutford Council.");
    const rules = (await anon().get("/about/rules")).body;
    expect(rules).toContain("<strong>kind</strong>");
    expect(rules).not.toContain("<script>");
    expect(rules).not.toContain("javascript:");
    // A page left empty goes back to its default.
    expect(sitePageSource(copse.db, "privacy", "Aboutford").isDefault).toBe(true);
  });

  it("refuses a page that is too long, saving nothing, and keeps the form from non-administrators", async () => {
    const before = siteOperator(copse.db);
    const refused = await admin.post(
      "/admin/site",
      form({ operator: "Somebody else", privacy: "x".repeat(20_001) }),
    );
    expect(refused.response.status).toBe(422);
    expect(refused.body).toContain("The privacy notice must be 20,000 characters or fewer");
    expect(siteOperator(copse.db)).toBe(before);

    expect((await member.get("/admin/site")).response.status).toBe(403);
    const sneaky = await member.post("/admin/site", form({ operator: "Ben" }));
    expect(sneaky.response.status).toBe(403);
    expect(siteOperator(copse.db)).toBe(before);
  });
});
