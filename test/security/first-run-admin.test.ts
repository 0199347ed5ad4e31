import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, mailOutbox, setupTokens } from "../../src/db/schema/index.ts";
import { findAccount } from "../../src/domain/accounts.ts";
import { createSetupToken, hasAdministrator, setupPath } from "../../src/domain/first-run.ts";
import { hashSecretToken } from "../../src/domain/secret-tokens.ts";
import { startupMessage } from "../../src/instance.ts";
import { WebClient } from "../helpers/client.ts";
import { freePort } from "../helpers/free-port.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Attack: on a new public server whose first account became its administrator, whoever found
// the server first and signed up owned it. Now the first administrator is created only through
// a one-time set-up link printed on the server's console, and sign-up stays closed until then.

const ADMIN = {
  name: "Rowan Root",
  handle: "rowan",
  email: "rowan@council.example",
  password: "a perfectly fine passphrase",
};

describe("first-run administrator", () => {
  let copse: TestInstance;
  const accountCount = () => copse.db.select({ n: count() }).from(accounts).get()!.n;

  beforeAll(async () => {
    copse = await startTestInstance("FirstRun");
  });
  afterAll(() => copse?.close());

  it("keeps sign-up closed, creating nothing, while the instance has no administrator", async () => {
    const web = new WebClient(copse.origin);
    const page = await web.get("/signup");
    expect(page.body).toContain("Sign-up is closed until this instance has been set up");
    expect(page.body).not.toContain('action="/signup"');
    const attempt = await web.post("/signup", {
      handle: "mallory",
      email: "mallory@evil.example",
      password: "a perfectly fine passphrase",
    });
    expect(attempt.response.status).toBe(403);
    expect(attempt.body).toContain("Sign-up is closed until this instance has been set up");
    expect(web.cookie("copse_session")).toBeUndefined();
    expect(accountCount()).toBe(0);
    expect(copse.db.select({ n: count() }).from(mailOutbox).get()!.n).toBe(0);
  });

  it("stores only a hash of the set-up link, and only the newest link works", async () => {
    const older = createSetupToken(copse.db)!;
    const newer = createSetupToken(copse.db)!;
    const rows = copse.db.select().from(setupTokens).all();
    expect(rows.map((r) => r.tokenHash)).toEqual([hashSecretToken(newer)]);
    expect(JSON.stringify(rows)).not.toContain(newer);
    const web = new WebClient(copse.origin);
    const stale = await web.get(setupPath(older));
    expect(stale.response.status).toBe(404);
    expect(stale.body).toContain("This set-up link does not work");
    const fresh = await web.get(setupPath(newer));
    expect(fresh.response.status).toBe(200);
    expect(fresh.response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(fresh.body).toContain("<title>Set up FirstRun");
  });

  it("creates the administrator through the link once, then opens sign-up", async () => {
    const token = createSetupToken(copse.db)!;
    const web = new WebClient(copse.origin);
    const bad = await web.post(setupPath(token), { ...ADMIN, password: "short" });
    expect(bad.response.status).toBe(422);
    expect(bad.body).toContain("Password must be at least 10 characters long");
    expect(accountCount()).toBe(0);

    // Two submissions racing with the same link: exactly one administrator.
    const racer = new WebClient(copse.origin);
    const [first, second] = await Promise.all([
      web.post(setupPath(token), ADMIN),
      racer.post(setupPath(token), { ...ADMIN, handle: "mallory", email: "m@evil.example" }),
    ]);
    const statuses = [first.response.status, second.response.status].sort();
    expect(statuses).toEqual([303, 404]);
    expect(accountCount()).toBe(1);
    const winner = first.response.status === 303 ? web : racer;
    expect(winner.cookie("copse_session")).toBeDefined();
    const admin = copse.db.select().from(accounts).get()!;
    expect(admin.isAdmin).toBe(true);
    expect(copse.db.select().from(setupTokens).all()).toEqual([]);

    const reused = await new WebClient(copse.origin).post(setupPath(token), {
      ...ADMIN,
      handle: "eve",
      email: "eve@evil.example",
    });
    expect(reused.response.status).toBe(404);
    expect(reused.body).toContain("This instance already has an administrator");
    expect(accountCount()).toBe(1);
    expect(createSetupToken(copse.db)).toBeUndefined();

    const signup = await new WebClient(copse.origin).get("/signup");
    expect(signup.body).toContain('action="/signup"');
  });

  it("never makes the first person to sign up on the web an administrator", async () => {
    const web = new WebClient(copse.origin);
    const form = await web.post("/signup", {
      handle: "first_visitor",
      email: "visitor@example.org",
      password: "a perfectly fine passphrase",
    });
    expect(form.response.status).toBe(200);
    expect(findAccount(copse.db, "first_visitor")).toBeUndefined();
  });
});

describe("first run with the command line's create-user --admin", () => {
  let copse: TestInstance;
  beforeAll(async () => {
    copse = await startTestInstance("CliAdmin");
  });
  afterAll(() => copse?.close());

  it("ends the first-run state: set-up links stop working and sign-up opens", async () => {
    const token = createSetupToken(copse.db)!;
    await copse.createUser("ada", { admin: true });
    expect(hasAdministrator(copse.db)).toBe(true);
    const web = new WebClient(copse.origin);
    expect((await web.get(setupPath(token))).response.status).toBe(404);
    expect((await web.get("/signup")).body).toContain('action="/signup"');
    expect(startupMessage(copse.config, copse.db)).not.toContain("/setup/");
  });
});

describe("npm start on a new instance", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-first-start-"));
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the address to open and a set-up link that works", async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        COPSE_ORIGIN: origin,
        COPSE_DATA_DIR: dataDir,
        COPSE_LOG_LEVEL: "error",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let printed = "";
    const link = await new Promise<string>((resolve, reject) => {
      const look = (chunk: Buffer) => {
        printed += chunk.toString("utf8");
        const found = new RegExp(`${origin}/setup/[A-Za-z0-9_-]{43}`).exec(printed);
        if (found) resolve(found[0]);
      };
      server!.stdout!.on("data", look);
      server!.stderr!.on("data", look);
      server!.once("exit", (code) => reject(new Error(`Copse exited (${code}):\n${printed}`)));
    });
    expect(printed).toContain(`Open ${origin} in your browser.`);
    const page = await new WebClient(origin).get(new URL(link).pathname);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Create administrator account");
  }, 60_000);
});
