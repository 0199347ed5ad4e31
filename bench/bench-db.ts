import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";

// Shared fillers for the community-tools benchmarks. Rows are written by direct SQL in large
// transactions: going through the domain would cost an argon2 hash per account and a
// transaction per item, which is minutes of set-up for figures that are about reading.

/** The origin every benchmark database pretends to be served from. */
export const BENCH_ORIGIN = "https://copse.test";
const HOST = "copse.test";

/**
 * Ends an INSERT whose new id the filler needs. The id is read from the statement's answer
 * rather than lastInsertRowid, which only SQLite knows: the same fillers seed PostgreSQL too.
 */
export const RETURNING_ID = "RETURNING id";

/** The id an INSERT ... RETURNING id answered. */
export function newId(row: unknown): number {
  return Number((row as { id: number | bigint }).id);
}

/** A fresh, migrated database in a temporary directory, and the function that removes it. */
export function freshDatabase(name: string): { db: Db; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `copse-bench-${name}-`));
  const db = openDatabase(join(dir, "bench.db"));
  runMigrations(db);
  return {
    db,
    dispose: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Adds `count` local people with accounts (so they can get mail) and returns their actor ids.
 * The password hash is a placeholder: nobody signs in to a benchmark database.
 */
export function addPeople(db: Db, count: number, prefix = "p"): number[] {
  const sqlite = db.$client;
  const actor = sqlite.prepare(
    `INSERT INTO actors (iri, type, handle, host, is_local, name) VALUES (?, 'Person', ?, ?, 1, ?) ${RETURNING_ID}`,
  );
  const account = sqlite.prepare(
    "INSERT INTO accounts (actor_id, email, password_hash) VALUES (?, ?, 'x')",
  );
  const ids: number[] = [];
  sqlite.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const handle = `${prefix}${i}`;
      const id = Number(
        newId(actor.get(`${BENCH_ORIGIN}/u/${handle}`, handle, HOST, `Person ${handle}`)),
      );
      account.run(id, `${handle}@example.org`);
      ids.push(id);
    }
  })();
  return ids;
}

/** Adds a local community with these active members and returns its Group actor's id. */
export function addCommunity(
  db: Db,
  handle: string,
  visibility: "public" | "private",
  memberIds: number[],
): number {
  const sqlite = db.$client;
  let groupId = 0;
  sqlite.transaction(() => {
    groupId = newId(
      sqlite
        .prepare(
          `INSERT INTO actors (iri, type, handle, host, is_local, name) VALUES (?, 'Group', ?, ?, 1, ?) ${RETURNING_ID}`,
        )
        .get(`${BENCH_ORIGIN}/c/${handle}`, handle, HOST, `Community ${handle}`),
    );
    sqlite
      .prepare("INSERT INTO communities (actor_id, visibility) VALUES (?, ?)")
      .run(groupId, visibility);
    const member = sqlite.prepare(
      "INSERT INTO memberships (group_id, member_id, state) VALUES (?, ?, 'active')",
    );
    for (const id of memberIds) member.run(groupId, id);
  })();
  return groupId;
}

/** The kinds of thread root the fillers cycle through, as a real community mixes them. */
export const ROOT_KINDS = ["topic", "entry", "wiki", "event", "document", "poll"] as const;

/** How items are spread over a community. */
export interface ItemSpread {
  groupId: number;
  count: number;
  authorIds: number[];
  visibility: "public" | "members";
  /** Every `rootEvery`th item starts a thread; the others answer an earlier one (0: no replies). */
  rootEvery?: number;
  /** Publication time of the newest item; items go back a minute each. */
  newestAt?: number;
}

/**
 * Adds items to a community, newest last (ids grow with time, as they do in life): thread roots
 * of every kind with the rows their kind needs (events, polls and options, wiki revisions), and
 * replies to earlier roots. Returns the new items' ids.
 */
export function addItems(db: Db, spread: ItemSpread): number[] {
  const sqlite = db.$client;
  const item = sqlite.prepare(
    `INSERT INTO items (iri, kind, author_id, parent_id, root_id, title, body_html, visibility,
       status, is_local, published_at, updated_at, activity_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'published', 1, ?, ?, ?) ${RETURNING_ID}`,
  );
  const setRoot = sqlite.prepare("UPDATE items SET root_id = id WHERE id = ?");
  const link = sqlite.prepare("INSERT INTO item_groups (item_id, group_id) VALUES (?, ?)");
  const event = sqlite.prepare(
    "INSERT INTO events (item_id, starts_at, ends_at, location_name) VALUES (?, ?, ?, 'Town hall')",
  );
  const poll = sqlite.prepare("INSERT INTO polls (item_id, multiple, ends_at) VALUES (?, 0, ?)");
  const option = sqlite.prepare(
    "INSERT INTO poll_options (item_id, position, name) VALUES (?, ?, ?)",
  );
  const revision = sqlite.prepare(
    `INSERT INTO wiki_revisions (item_id, number, title, body_html, reason, author_id, created_at, iri)
     VALUES (?, ?, ?, '<p>Page text.</p>', 'Edited', ?, ?, ?)`,
  );
  const serial = (
    sqlite.prepare("SELECT COALESCE(MAX(id), 0) AS n FROM items").get() as {
      n: number;
    }
  ).n;
  const rootEvery = spread.rootEvery ?? 3;
  const newestAt = spread.newestAt ?? Date.now();
  const ids: number[] = [];
  const roots: number[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < spread.count; i++) {
      const n = serial + i + 1;
      const at = newestAt - (spread.count - i) * 60_000;
      const author = spread.authorIds[(i * 7) % spread.authorIds.length]!;
      const isRoot = roots.length === 0 || rootEvery === 0 || i % rootEvery === 0;
      const kind = isRoot ? ROOT_KINDS[roots.length % ROOT_KINDS.length]! : "reply";
      const parent = isRoot ? null : roots[(i * 13) % roots.length]!;
      const title = isRoot ? `Thread ${n} about ${kind}s` : "";
      const body = `<p>Item ${n}: a paragraph of ordinary length about the practice of the community, with <a href="https://example.org/">a link</a>.</p>`;
      const id = newId(
        item.get(
          `${BENCH_ORIGIN}/ap/items/${n}`,
          kind,
          author,
          parent,
          parent,
          title,
          body,
          spread.visibility,
          at,
          at,
          at,
        ),
      );
      link.run(id, spread.groupId);
      ids.push(id);
      if (!isRoot) continue;
      setRoot.run(id);
      roots.push(id);
      if (kind === "event") event.run(id, at + 7 * 86_400_000, at + 7 * 86_400_000 + 3_600_000);
      if (kind === "poll") {
        poll.run(id, at + 7 * 86_400_000);
        for (const [position, name] of ["Yes", "No", "Not sure"].entries()) {
          option.run(id, position, name);
        }
      }
      if (kind === "wiki") {
        revision.run(id, 1, title, author, at, `${BENCH_ORIGIN}/ap/items/${n}/revisions/1`);
        revision.run(
          id,
          2,
          title,
          author,
          at + 30_000,
          `${BENCH_ORIGIN}/ap/items/${n}/revisions/2`,
        );
      }
    }
  })();
  return ids;
}

/** Milliseconds with one decimal, for the printed figures. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
