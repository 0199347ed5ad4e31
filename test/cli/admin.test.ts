import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { findAccount } from "../../src/domain/accounts.ts";
import { findCommunity } from "../../src/domain/communities.ts";
import { findMembership, requestMembership } from "../../src/domain/membership.ts";
import { openInstanceDatabase } from "../../src/instance.ts";

const dataDir = mkdtempSync(join(tmpdir(), "copse-cli-"));
// The origin comes from copse.env in the data directory, as on a server, so every command
// below also shows that the command line reads the configuration file.
const { COPSE_ORIGIN: _unset, COPSE_CONFIG: _none, ...inherited } = process.env;
const env: Record<string, string | undefined> = {
  ...inherited,
  COPSE_DATA_DIR: dataDir,
  COPSE_LOG_LEVEL: "error",
};

/** Runs the admin command line as a user would, in its own process. */
function admin(args: string[], input?: string, extraEnv: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    ["--enable-source-maps", "build/cli/admin.js", ...args],
    {
      env: { ...env, ...extraEnv },
      input: input ?? "",
      encoding: "utf8",
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function withDb<T>(fn: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(join(dataDir, "copse.db"));
  try {
    return fn(db);
  } finally {
    db.$client.close();
  }
}

// Each call starts a Node process running the built command line (build/cli/admin.js, what
// `npm run admin` runs) that opens and checks the database: about a second apiece, more on a
// busy machine, so a test making four or five calls gets more than the default 30 s.
describe("admin command line", { timeout: 120_000 }, () => {
  beforeAll(() => {
    writeFileSync(
      join(dataDir, "copse.env"),
      "# As the server reads it\nCOPSE_ORIGIN=http://copse.test\n",
    );
    // The server's first start creates the database; the command line never does.
    openInstanceDatabase(
      loadConfig({ COPSE_DATA_DIR: dataDir, COPSE_ORIGIN: "http://copse.test" }),
    ).$client.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("refuses a database made for another origin, and a data directory with no database", () => {
    // What happened before: run from a shell without the server's settings, the command line
    // made a community under http://localhost:3000 in the server's database.
    const wrong = admin(["list-communities"], "", { COPSE_ORIGIN: "http://localhost:3000" });
    expect(wrong.code).toBe(78);
    expect(wrong.err).toMatch(
      /This database belongs to http:\/\/copse\.test, but COPSE_ORIGIN is http:\/\/localhost:3000/,
    );
    expect(wrong.err).toMatch(/npm run admin -- move-origin/);
    const empty = mkdtempSync(join(tmpdir(), "copse-cli-empty-"));
    try {
      const none = admin(["list-communities"], "", { COPSE_DATA_DIR: empty });
      expect(none.code).toBe(78);
      expect(none.err).toMatch(/There is no Copse database at .*copse\.db/);
      expect(existsSync(join(empty, "copse.db"))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("prints a one-time set-up link while there is no administrator", () => {
    const first = admin(["setup-link"]);
    expect(first.code).toBe(0);
    const link = /http:\/\/copse\.test\/setup\/([A-Za-z0-9_-]{43})/.exec(first.out);
    expect(link).not.toBeNull();
    const second = admin(["setup-link"]);
    expect(second.out).toMatch(/http:\/\/copse\.test\/setup\//);
    expect(second.out).not.toContain(link![1]); // each call makes a new link
  });

  it("creates users, administrators only with --admin, and refuses bad input with a message", () => {
    const first = admin(
      [
        "create-user",
        "--handle",
        "alice",
        "--email",
        "alice@example.org",
        "--password-stdin",
        "--admin",
      ],
      "a long enough secret\n",
    );
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /Created user @alice@copse\.test <alice@example\.org> \(administrator\)/,
    );

    const second = admin(
      ["create-user", "--handle", "bob", "--email", "bob@example.org", "--password-stdin"],
      "another fine passphrase",
    );
    expect(second.code).toBe(0);
    expect(second.out).not.toMatch(/administrator/);

    const duplicate = admin(
      ["create-user", "--handle", "alice", "--email", "x@example.org", "--password-stdin"],
      "a long enough secret",
    );
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.err).toMatch(/--handle: The handle "alice" is already taken/);

    const weak = admin(
      ["create-user", "--handle", "carol", "--email", "carol@example.org", "--password-stdin"],
      "short",
    );
    expect(weak.code).not.toBe(0);
    expect(weak.err).toMatch(/--password: Password must be at least 10 characters/);
    withDb((db) => {
      expect(findAccount(db, "alice")?.isAdmin).toBe(true);
      expect(findAccount(db, "bob")?.isAdmin).toBe(false);
      expect(findAccount(db, "carol")).toBeUndefined();
    });
  });

  it("refuses a set-up link once create-user --admin has made an administrator", () => {
    const noLink = admin(["setup-link"]);
    expect(noLink.code).toBe(1);
    expect(noLink.err).toMatch(/already has an administrator/);
    expect(noLink.out).not.toMatch(/setup/);
  });

  it("creates and lists communities, and approves a pending request", () => {
    const created = admin([
      "create-community",
      "--handle",
      "garden",
      "--name",
      "Garden",
      "--owner",
      "alice",
      "--private",
    ]);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(
      /Created private community @garden@copse\.test \("Garden"\), facilitated by @alice/,
    );

    const noOwner = admin([
      "create-community",
      "--handle",
      "pond",
      "--name",
      "Pond",
      "--owner",
      "nobody",
    ]);
    expect(noOwner.code).not.toBe(0);
    expect(noOwner.err).toMatch(/no local user called "nobody"/);

    const bobIri = withDb((db) => {
      const garden = findCommunity(db, "garden")!;
      const bob = findAccount(db, "bob")!;
      requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id });
      return bob.actor.iri;
    });
    const listed = admin(["list-communities"]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/garden\tprivate\t1 members\t1 pending\tGarden/);

    const unknown = admin([
      "approve",
      "--community",
      "garden",
      "--actor",
      "http://elsewhere.test/users/zed",
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/has no pending request/);

    const approved = admin(["approve", "--community", "garden", "--actor", bobIri]);
    expect(approved.code).toBe(0);
    expect(approved.out).toMatch(/Approved .*bob for garden/);
    withDb((db) => {
      const garden = findCommunity(db, "garden")!;
      const bob = findAccount(db, "bob")!;
      expect(findMembership(db, garden.actor.id, bob.actor.id)?.state).toBe("active");
    });
  });

  it("prints usage for an unknown command or a missing option", () => {
    const unknown = admin(["frobnicate"]);
    expect(unknown.code).toBe(64);
    expect(unknown.err).toMatch(/Unknown command "frobnicate"[\s\S]*Usage:/);
    const missing = admin(["create-community", "--handle", "x1"]);
    expect(missing.code).toBe(64);
    expect(missing.err).toMatch(/Missing --owner/);
  });
});
