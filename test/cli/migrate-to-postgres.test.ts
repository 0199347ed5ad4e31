import { spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type MoveOutput, migrateToPostgres } from "../../src/cli/migrate-to-postgres.ts";
import { BackupError } from "../../src/cli/usage.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import { type Db, openDatabase } from "../../src/db/client.ts";
import { migratePostgres } from "../../src/db/postgres/migrate.ts";
import { type AccountWithActor, createAccount } from "../../src/domain/accounts.ts";
import { type ActorRow, getActorKeys, saveActorKeys } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { createDocument } from "../../src/domain/documents.ts";
import { storeUpload } from "../../src/domain/files.ts";
import { listTopics } from "../../src/domain/forum.ts";
import { composeItem, getItem, type ItemRow } from "../../src/domain/items.ts";
import { listMembers, requestMembership } from "../../src/domain/membership.ts";
import { OriginMismatchError } from "../../src/domain/origin.ts";
import { blankPollForm } from "../../src/domain/polls/form.ts";
import { composePoll, optionsOf, pollResults } from "../../src/domain/polls/polls.ts";
import { castVote } from "../../src/domain/polls/votes.ts";
import { rateDocument, ratingSummary } from "../../src/domain/ratings.ts";
import { search } from "../../src/domain/search.ts";
import { localFileStore } from "../../src/domain/storage/store.ts";
import { tagCloud } from "../../src/domain/tag-cloud.ts";
import { addTag, tagsOfItem } from "../../src/domain/tags.ts";
import { threadPage } from "../../src/domain/thread-pages.ts";
import { createWikiPage, editWikiPage, listRevisions } from "../../src/domain/wiki/wiki.ts";
import { openInstanceDatabase } from "../../src/instance-db.ts";
import { DataDirInUseError, LOCK_FILE_NAME } from "../../src/server-lock.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";
import { KEPT_TAG_COUNTS } from "../helpers/tag-counts.ts";

// `npm run admin -- migrate-to-postgres URL` on an instance with real content, made by the
// domain functions the pages call: the copy on PostgreSQL must read the same through the same
// domain code, the SQLite file must be left byte for byte as it was, and every refusal must
// leave both databases untouched.

const ORIGIN = "http://move.test";

async function* bytes(text: string) {
  yield new TextEncoder().encode(text);
}

/** The instance's content, as the domain reads it, for comparing both databases. */
interface World {
  alice: AccountWithActor;
  bob: AccountWithActor;
  garden: ActorRow;
  topic: ItemRow;
  reply: ItemRow;
  early: ItemRow;
  late: ItemRow;
  wiki: ItemRow;
  document: ItemRow;
  poll: ItemRow;
}

async function buildInstance(db: Db, dataDir: string): Promise<World> {
  const account = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@move.example`,
      password: "correct horse battery",
    });
  const alice = await account("alice");
  const bob = await account("bob");
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "Growing things together.",
    visibility: "public",
    ownerActorId: alice.actor.id,
  }).actor;
  requestMembership(db, { groupId: garden.id, memberId: bob.actor.id });
  const write = (
    author: AccountWithActor,
    fields: { parent?: ItemRow; title?: string; body: string },
  ) =>
    composeItem(db, ORIGIN, {
      kind: fields.parent ? "reply" : "topic",
      author: author.actor,
      groups: [garden],
      ...(fields.parent ? { parent: fields.parent } : {}),
      title: fields.title,
      body: fields.body,
    });
  const topic = write(alice, { title: "Rhubarb forcing", body: "Who forces rhubarb under pots?" });
  const reply = write(bob, { parent: topic, body: "Every February, with straw." });
  write(alice, { parent: reply, body: "Straw keeps the frost off, yes." });
  addTag(db, topic, alice.actor.id, "vegetables");
  addTag(db, topic, bob.actor.id, "winter");
  // A reply that arrived before the post it answers (as one fetched from another server can):
  // its id is smaller than its parent's, so copying by id alone would break its foreign key.
  const early = write(bob, { parent: topic, body: "Asked again below." });
  const late = write(alice, { title: "Leeks in clay", body: "Trenching leeks in heavy soil." });
  db.$client
    .prepare("UPDATE items SET parent_id = ?, root_id = ? WHERE id = ?")
    .run(late.id, late.id, early.id);
  const wiki = createWikiPage(db, ORIGIN, {
    author: alice.actor,
    group: garden,
    title: "Sowing calendar",
    body: "Broad beans in November.",
    reason: "First version",
  }).page;
  editWikiPage(db, wiki, {
    editor: bob.actor,
    title: "Sowing calendar",
    body: "Broad beans in November; peas in March.",
    reason: "Peas",
    related: [],
    baseRevision: 1,
  });
  const poll = composePoll(db, ORIGIN, {
    author: alice.actor,
    groups: [garden],
    form: {
      ...blankPollForm(),
      question: "Which day for the seed swap?",
      options: "Saturday\nSunday",
      choice: "one",
      closes: { day: "15", month: "7", year: "2031", time: "10am" },
    },
    timeZone: "Europe/London",
  });
  const [saturday, sunday] = optionsOf(db, poll.id);
  castVote(db, poll, alice.actor, [saturday!.id], { mode: "new" });
  castVote(db, poll, bob.actor, [sunday!.id], { mode: "new" });
  const file = await storeUpload(localFileStore(dataDir), bytes("Plot rules, 2026."), 1024);
  const document = createDocument(db, ORIGIN, {
    author: alice.actor,
    group: garden,
    title: "Allotment rules",
    description: "Read before digging.",
    fileName: "rules.txt",
    file,
  }).item;
  // Two ratings, so the document holds a real number (4.5) as well as integers and text.
  rateDocument(db, document, alice.actor.id, 4);
  rateDocument(db, document, bob.actor.id, 5);
  // A key pair, as federation makes on first use: the table is told apart by a unique index.
  const pair = generateKeyPairSync("ed25519");
  saveActorKeys(db, [
    {
      actorId: alice.actor.id,
      algorithm: "Ed25519",
      privateKeyJwk: JSON.stringify(pair.privateKey.export({ format: "jwk" })),
      publicKeyJwk: JSON.stringify(pair.publicKey.export({ format: "jwk" })),
    },
  ]);
  // What a server leaves in Fedify's tables: a cached document and a delivery not yet made.
  db.$client
    .prepare("INSERT INTO fedify_kv (key, value) VALUES (?, ?)")
    .run('["cache","x"]', '"cached"');
  return { alice, bob, garden, topic, reply, early, late, wiki, poll, document };
}

/** What the domain reads of the instance: the same on both databases after the move. */
function reads(db: Db, world: World) {
  const topic = getItem(db, world.topic.id)!;
  return {
    topics: listTopics(db, world.garden.id, {
      sort: "current",
      viewerId: world.bob.actor.id,
      page: 1,
      pageSize: 20,
    }),
    thread: threadPage(db, topic, world.bob.actor.id, 1),
    lateThread: threadPage(db, getItem(db, world.late.id)!, world.bob.actor.id, 1),
    tags: tagsOfItem(db, world.topic.id),
    // Not copied: kept on PostgreSQL by its triggers as the taggings and links arrive.
    tagCounts: (db.$client.prepare(KEPT_TAG_COUNTS).all() as Record<string, unknown>[]).map((row) =>
      Object.values(row).map(Number),
    ),
    cloud: tagCloud(db, world.bob.actor.id),
    members: listMembers(db, world.garden.id),
    revisions: listRevisions(db, world.wiki.id),
    poll: pollResults(db, getItem(db, world.poll.id)!, new Date("2030-01-01T00:00:00Z")),
    documents: db.$client.prepare("SELECT * FROM documents ORDER BY item_id").all(),
    rating: ratingSummary(db, world.document.id, world.bob.actor.id),
    keys: getActorKeys(db, world.alice.actor.id),
  };
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describeWithPostgres("migrate-to-postgres", { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-to-pg-"));
  const dbFile = join(dataDir, "copse.db");
  let config: Config;
  let world: World;
  let target: TestSchema;
  const output = () => {
    const lines: string[] = [];
    const out: MoveOutput = { log: (l) => lines.push(l), error: (l) => lines.push(l) };
    return { lines, out, text: () => lines.join("\n") };
  };
  /** Leaves a delivery in the SQLite queue, as a server stopped before sending it would. */
  const queueMessage = () => {
    const sqlite = new Database(dbFile);
    sqlite
      .prepare(
        "INSERT INTO fedify_queue (channel, message, available_at, created_at) VALUES ('outbox', '{}', 0, 0)",
      )
      .run();
    sqlite.close();
  };
  const tablesOn = async (schema: TestSchema) =>
    (
      await schema.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()",
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    // The source is always SQLite, whichever database the rest of the suite runs on.
    config = loadConfig({ COPSE_DATA_DIR: dataDir, COPSE_ORIGIN: ORIGIN });
    const db = openInstanceDatabase(config);
    world = await buildInstance(db, dataDir);
    db.$client.close();
    target = await freshSchema();
  });

  afterAll(async () => {
    await target?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses while messages are queued, and changes nothing", async () => {
    queueMessage();
    const before = sha256(dbFile);
    const { out, text } = output();
    expect(await migrateToPostgres(config, target.url, { force: false }, out)).toBe(1);
    expect(text()).toContain("1 deliveries or incoming activities are still queued");
    expect(sha256(dbFile)).toBe(before);
    expect(await tablesOn(target)).toBe(0);
    const drained = new Database(dbFile);
    drained.prepare("DELETE FROM fedify_queue").run();
    drained.close();
  });

  it("refuses a URL that is not PostgreSQL's, or a server it cannot reach", async () => {
    const before = sha256(dbFile);
    await expect(
      migrateToPostgres(config, "mysql://db.example/copse", { force: false }, output().out),
    ).rejects.toThrow(BackupError);
    await expect(
      migrateToPostgres(
        config,
        "postgres://copse:secret@127.0.0.1:1/copse",
        { force: false },
        output().out,
      ),
    ).rejects.toThrow(
      /Could not connect to PostgreSQL at postgres:\/\/copse:\*\*\*@127\.0\.0\.1:1/,
    );
    expect(sha256(dbFile)).toBe(before);
  });

  it("refuses settings naming another origin than the database's, and changes nothing", async () => {
    const before = sha256(dbFile);
    const elsewhere = loadConfig({
      COPSE_DATA_DIR: dataDir,
      COPSE_ORIGIN: "https://other.example",
    });
    await expect(
      migrateToPostgres(elsewhere, target.url, { force: false }, output().out),
    ).rejects.toThrow(OriginMismatchError);
    await expect(
      migrateToPostgres(elsewhere, target.url, { force: false }, output().out),
    ).rejects.toThrow(
      `This database belongs to ${ORIGIN}, but COPSE_ORIGIN is https://other.example`,
    );
    expect(sha256(dbFile)).toBe(before);
    expect(await tablesOn(target)).toBe(0);
  });

  it("refuses while a server holds the data directory", async () => {
    const lock = join(dataDir, LOCK_FILE_NAME);
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname() }));
    try {
      await expect(
        migrateToPostgres(config, target.url, { force: false }, output().out),
      ).rejects.toThrow(DataDirInUseError);
    } finally {
      rmSync(lock);
    }
    expect(await tablesOn(target)).toBe(0);
  });

  it("undoes the copy when a copied row differs, and says which table", async () => {
    // A database whose tags table changes what it is given, as a faulty copy would.
    const faulty = await freshSchema();
    try {
      await migratePostgres(faulty.pool);
      await faulty.pool.query(`
        CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN NEW.display := upper(NEW.display); RETURN NEW; END $$;
        CREATE TRIGGER shout BEFORE INSERT ON tags FOR EACH ROW EXECUTE FUNCTION shout();`);
      const before = sha256(dbFile);
      const { out, text } = output();
      expect(await migrateToPostgres(config, faulty.url, { force: false }, out)).toBe(1);
      expect(text()).toMatch(/tags: the row \d+ differs in display/);
      expect(text()).toContain("nothing was written to PostgreSQL");
      const { rows } = await faulty.pool.query("SELECT count(*)::int AS n FROM actors");
      expect(rows[0].n).toBe(0);
      expect(sha256(dbFile)).toBe(before);
    } finally {
      await faulty.drop();
    }
  });

  it("copies everything, checked, leaving the SQLite file as it was", async () => {
    const before = sha256(dbFile);
    const { out, text } = output();
    // One row per statement, so that a reply inserted before the post it answers would fail.
    expect(
      await migrateToPostgres(config, target.url, { force: false, rowsPerStatement: 1 }, out),
    ).toBe(0);
    expect(sha256(dbFile)).toBe(before);
    expect(text()).toMatch(/^items\s+8\s+8$/m);
    expect(text()).toContain("COPSE_DATABASE_URL");

    const sqlite = openDatabase(dbFile);
    const postgres = openDatabase(target.url);
    try {
      const there = reads(postgres, world);
      expect(there).toEqual(reads(sqlite, world));
      expect(there.thread.replies.length).toBeGreaterThan(0);
      expect(there.lateThread.replies.map((r) => r.id)).toEqual([world.early.id]);
      expect(there.poll?.voters).toBe(2);
      expect(there.rating.average).toBe(4.5);
      expect(there.keys).toHaveLength(1);
      expect(there.tagCounts.length).toBeGreaterThan(0);
      // The full-text index was filled on PostgreSQL by its triggers.
      const found = (db: Db, q: string) => {
        const results = search(db, world.bob.actor.id, { q });
        return [...results.items, ...results.people].map((hit) => hit.id).sort();
      };
      expect(found(postgres, "straw")).toContain(world.reply.id);
      expect(found(postgres, "straw")).toEqual(found(sqlite, "straw"));
      expect(found(postgres, "alice")).toContain(world.alice.actor.id);
      // New rows are numbered after the copied ones.
      const next = composeItem(postgres, ORIGIN, {
        kind: "reply",
        author: world.bob.actor,
        groups: [world.garden],
        parent: getItem(postgres, world.topic.id)!,
        body: "After the move.",
      });
      expect(next.id).toBeGreaterThan(world.late.id);
      // Fedify's cache stayed behind: on PostgreSQL it is the queue backend's own table.
      const kv = await target.pool.query(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'fedify_kv'",
      );
      expect(kv.rowCount).toBe(0);
    } finally {
      sqlite.$client.close();
      postgres.$client.close();
    }
  });

  it("refuses a PostgreSQL database that already holds an instance, changing nothing", async () => {
    const before = await target.pool.query("SELECT count(*)::int AS n FROM items");
    const { out, text } = output();
    expect(await migrateToPostgres(config, target.url, { force: false }, out)).toBe(1);
    expect(text()).toContain("already holds an instance");
    const after = await target.pool.query("SELECT count(*)::int AS n FROM items");
    expect(after.rows).toEqual(before.rows);
  });

  it("runs as a user runs it, forced past a queued message, and the instance then opens on PostgreSQL", async () => {
    const fresh = await freshSchema();
    try {
      const admin = (args: string[], env: Record<string, string> = {}) => {
        const result = spawnSync(
          process.execPath,
          ["--enable-source-maps", "build/cli/admin.js", ...args],
          {
            env: {
              PATH: process.env.PATH ?? "",
              COPSE_DATA_DIR: dataDir,
              COPSE_ORIGIN: ORIGIN,
              COPSE_LOG_LEVEL: "error",
              ...env,
            },
            encoding: "utf8",
          },
        );
        return { code: result.status, out: result.stdout, err: result.stderr };
      };
      // A message still queued is left behind when the administrator says so.
      queueMessage();
      const before = sha256(dbFile);
      const moved = admin(["migrate-to-postgres", fresh.url, "--force"]);
      expect(moved.err).toBe("");
      expect(moved.code).toBe(0);
      expect(moved.out).toContain("Left behind 1 queued");
      expect(moved.out).toMatch(/^memberships\s+2\s+2$/m);
      expect(moved.out).toContain("Set COPSE_DATABASE_URL to that URL");
      expect(sha256(dbFile)).toBe(before);

      const listed = admin(["list-communities"], { COPSE_DATABASE_URL: fresh.url });
      expect(listed.err).toBe("");
      expect(listed.out).toContain("garden");
    } finally {
      await fresh.drop();
    }
  });
});
