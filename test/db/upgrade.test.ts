import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import * as schema from "../../src/db/schema/index.ts";
import { projectPath } from "../../src/project-root.ts";

// Every earlier release's database is one of the journal's prefixes: migrations 0..k applied.
// For each, the test builds that database, puts people, a community, a membership and posts in it
// as that release would have, then starts it the way the server does (runMigrations) and checks
// the rows are still there and the schema is exactly a new database's.

interface JournalEntry {
  idx: number;
  tag: string;
}
interface Journal {
  entries: JournalEntry[];
  [key: string]: unknown;
}

const migrationsFolder = projectPath("migrations");
const journal = JSON.parse(
  readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"),
) as Journal;
const workDir = mkdtempSync(join(tmpdir(), "copse-upgrade-"));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A migrations folder holding only the first `count` migrations, as an older release shipped. */
function olderRelease(count: number): string {
  const folder = join(workDir, `release-${count}`);
  mkdirSync(join(folder, "meta"), { recursive: true });
  const entries = journal.entries.slice(0, count);
  writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const entry of entries) {
    cpSync(join(migrationsFolder, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  }
  return folder;
}

/**
 * Rows an instance of any release holds. Only columns present since the first migration are
 * named, so the same statements are valid for every prefix; later columns take their defaults.
 */
function seed(db: Db): void {
  const sqlite = db.$client;
  const now = Date.UTC(2026, 0, 15, 9, 30);
  const actor = sqlite.prepare(
    `INSERT INTO actors (iri, type, handle, host, is_local, name, inbox_url, followers_url)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const local = "https://copse.example.gov.uk";
  actor.run(
    `${local}/people/ada`,
    "Person",
    "ada",
    "copse.example.gov.uk",
    1,
    "Ada Officer",
    `${local}/people/ada/inbox`,
    `${local}/people/ada/followers`,
  );
  actor.run(
    `${local}/communities/planning`,
    "Group",
    "planning",
    "copse.example.gov.uk",
    1,
    "Planning officers",
    `${local}/communities/planning/inbox`,
    `${local}/communities/planning/followers`,
  );
  actor.run(
    "https://agency.example.org/users/bea",
    "Person",
    "bea",
    "agency.example.org",
    0,
    "Bea Remote",
    "https://agency.example.org/users/bea/inbox",
    null,
  );
  sqlite
    .prepare("INSERT INTO accounts (actor_id, email, password_hash, is_admin) VALUES (1, ?, ?, 1)")
    .run("ada@example.gov.uk", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo");
  sqlite
    .prepare(
      "INSERT INTO communities (actor_id, visibility, created_by_id) VALUES (2, 'public', 1)",
    )
    .run();
  const membership = sqlite.prepare(
    "INSERT INTO memberships (group_id, member_id, state, role, decided_at) VALUES (2, ?, 'accepted', ?, ?)",
  );
  membership.run(1, "admin", now);
  membership.run(3, "member", now);
  const item = sqlite.prepare(
    `INSERT INTO items (iri, kind, author_id, parent_id, root_id, title, body_source, body_html,
       visibility, is_local, published_at, updated_at, activity_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'public', ?, ?, ?, ?)`,
  );
  item.run(
    `${local}/items/1`,
    "discussion",
    1,
    null,
    null,
    "Hedgerow surveys",
    "Who has a template?",
    "<p>Who has a template?</p>",
    1,
    now,
    now,
    now,
  );
  item.run(
    "https://agency.example.org/notes/2",
    "comment",
    3,
    1,
    1,
    "",
    null,
    "<p>We do, attached.</p>",
    0,
    now + 1,
    now + 1,
    now + 1,
  );
  sqlite.prepare("INSERT INTO item_groups (item_id, group_id) VALUES (?, 2)").run(1);
  sqlite.prepare("INSERT INTO item_groups (item_id, group_id) VALUES (?, 2)").run(2);
  sqlite
    .prepare(
      "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, 1, ?, ?)",
    )
    .run("a".repeat(64), now, now + 86_400_000);
  // An event with an answer, as every release has had.
  item.run(
    `${local}/items/3`,
    "event",
    1,
    null,
    null,
    "Design code workshop",
    null,
    "<p>Bring plans.</p>",
    1,
    now,
    now,
    now,
  );
  sqlite
    .prepare("INSERT INTO events (item_id, starts_at, ends_at, location_name) VALUES (3, ?, ?, ?)")
    .run(now + 86_400_000, now + 90_000_000, "Council chamber");
  sqlite
    .prepare("INSERT INTO rsvps (item_id, actor_id, status, updated_at) VALUES (3, 3, 'going', ?)")
    .run(now);
  // Polls arrived with the second migration; a database from before it has none.
  if (tableNames(db).includes("polls")) {
    item.run(
      `${local}/items/4`,
      "poll",
      1,
      null,
      null,
      "Which day suits?",
      null,
      "",
      1,
      now,
      now,
      now,
    );
    sqlite
      .prepare("INSERT INTO polls (item_id, multiple, ends_at) VALUES (4, 0, ?)")
      .run(now + 7 * 86_400_000);
    const option = sqlite.prepare(
      "INSERT INTO poll_options (item_id, position, name) VALUES (4, ?, ?)",
    );
    option.run(0, "Tuesday");
    option.run(1, "Thursday");
    sqlite.prepare("INSERT INTO poll_votes (item_id, option_id, voter_id) VALUES (4, 2, 3)").run();
  }
}

function tableNames(db: Db): string[] {
  return (
    db.$client
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  ).map((t) => t.name);
}

/** How many rows each table holds, to show an upgrade loses none. */
function rowCounts(db: Db, tables: string[]): Record<string, number> {
  return Object.fromEntries(
    tables.map((t) => [
      t,
      (db.$client.prepare(`SELECT count(*) AS n FROM ${JSON.stringify(t)}`).get() as { n: number })
        .n,
    ]),
  );
}

/** Everything that defines the schema: each object's SQL and each table's columns. */
function schemaOf(db: Db): unknown {
  const sqlite = db.$client;
  const objects = sqlite
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .all() as { type: string; name: string }[];
  const columns = Object.fromEntries(
    objects
      .filter((o) => o.type === "table")
      .map((o) => [o.name, sqlite.prepare(`PRAGMA table_info(${JSON.stringify(o.name)})`).all()]),
  );
  const foreignKeys = Object.fromEntries(
    objects
      .filter((o) => o.type === "table")
      .map((o) => [
        o.name,
        sqlite.prepare(`PRAGMA foreign_key_list(${JSON.stringify(o.name)})`).all(),
      ]),
  );
  return { objects, columns, foreignKeys };
}

const fresh = openDatabase(":memory:");
runMigrations(fresh);
const freshSchema = schemaOf(fresh);
fresh.$client.close();

describe("upgrading from every earlier schema", () => {
  it("has earlier schemas to upgrade from", () => {
    expect(journal.entries.length).toBeGreaterThan(1);
  });

  it.each(journal.entries.slice(0, -1).map((entry) => [entry.tag, entry.idx + 1] as const))(
    "a database at %s upgrades at start and keeps its rows",
    (_tag, count) => {
      const db = openDatabase(":memory:");
      migrate(db, { migrationsFolder: olderRelease(count) });
      seed(db);
      const before = rowCounts(
        db,
        tableNames(db).filter((t) => t !== "__drizzle_migrations"),
      );

      runMigrations(db);

      expect(rowCounts(db, Object.keys(before))).toEqual(before);

      expect(schemaOf(db)).toEqual(freshSchema);
      // Reading through today's schema names every current column, so a column the upgrade
      // failed to add, or a row it lost, shows here.
      const people = db.select().from(schema.actors).all();
      expect(people.map((a) => [a.handle, a.isLocal, a.deletedAt ?? null])).toEqual([
        ["ada", true, null],
        ["planning", true, null],
        ["bea", false, null],
      ]);
      const [account] = db.select().from(schema.accounts).all();
      expect(account).toMatchObject({ email: "ada@example.gov.uk", isAdmin: true, actorId: 1 });
      const [community] = db.select().from(schema.communities).all();
      expect(community).toMatchObject({ actorId: 2, visibility: "public", state: "open" });
      const memberships = db.select().from(schema.memberships).all();
      expect(memberships.map((m) => [m.memberId, m.state, m.role])).toEqual([
        [1, "accepted", "admin"],
        [3, "accepted", "member"],
      ]);
      const items = db.select().from(schema.items).all();
      expect(
        items.slice(0, 3).map((i) => [i.kind, i.title, i.parentId, i.removedAt ?? null]),
      ).toEqual([
        ["discussion", "Hedgerow surveys", null, null],
        ["comment", "", 1, null],
        ["event", "Design code workshop", null, null],
      ]);
      expect(db.select().from(schema.events).get()).toMatchObject({
        itemId: 3,
        locationName: "Council chamber",
        timezone: "Europe/London",
      });
      expect(db.select().from(schema.rsvps).all()).toMatchObject([
        { itemId: 3, actorId: 3, status: "going" },
      ]);
      expect(db.select().from(schema.sessions).all()).toHaveLength(1);
      // The search index is built at start from rows that predate it.
      const found = db.$client
        .prepare("SELECT rowid FROM items_fts WHERE items_fts MATCH 'hedgerow'")
        .all() as { rowid: number }[];
      expect(found.map((r) => r.rowid)).toEqual([1]);
      // Foreign keys still hold after the upgrade.
      expect(db.$client.pragma("foreign_key_check")).toEqual([]);
      db.$client.close();
    },
  );
});
