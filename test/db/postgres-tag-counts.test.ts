import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migratePostgres } from "../../src/db/postgres/migrate.ts";
import { eventually } from "../helpers/instances.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";
import { FRESH_TAG_COUNTS, KEPT_TAG_COUNTS } from "../helpers/tag-counts.ts";

// Several processes write to one PostgreSQL database at once. The triggers keeping the tag
// counts (src/db/postgres/tag-counts.ts) lock an item's row before counting a change to it, so
// a change waiting for another's commit counts with what that one committed. Here two
// connections change one item at the same moment, the second waiting on the first as the
// server's lock makes it, and the kept counts must equal a fresh count afterwards.

let schema: TestSchema;
let first: pg.PoolClient;
let second: pg.PoolClient;
let ids: { person: number; other: number; group: number; item: number; tag: number };

const one = async (sql: string, values: unknown[] = []) =>
  Number((await schema.pool.query({ text: sql, values, rowMode: "array" })).rows[0]?.[0]);

/** The kept counts, and the same counted afresh from the items, as comparable rows. */
async function keptAndAfresh() {
  const rows = async (sql: string) =>
    (await schema.pool.query({ text: sql, rowMode: "array" })).rows.map((r: unknown[]) =>
      r.map(Number),
    );
  return { kept: await rows(KEPT_TAG_COUNTS), afresh: await rows(FRESH_TAG_COUNTS) };
}

/**
 * Runs `statement` on the second connection and resolves, with its completion, once it waits
 * for a lock (as it must while the first holds the item's) or has finished (as it would if
 * nothing made it wait, which the counts then show). Wrapped: an async function returning a
 * promise would wait for it.
 */
async function blockedOn(
  statement: string,
  values: unknown[],
): Promise<{ done: Promise<unknown> }> {
  const pid = Number((await second.query("SELECT pg_backend_pid() AS pid")).rows[0].pid);
  let finished = false;
  const running = second.query(statement, values).finally(() => {
    finished = true;
  });
  await eventually(
    async () =>
      finished ||
      (await one(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
        [pid],
      )) === 1,
  );
  return { done: running };
}

describeWithPostgres("tag counts under concurrent writers", () => {
  beforeAll(async () => {
    schema = await freshSchema();
    await migratePostgres(schema.pool);
    const actor = (handle: string, type: string) =>
      one(
        `INSERT INTO actors (iri, type, handle, host, is_local, name)
         VALUES ($1, $2, $3, 'copse.test', 1, $3) RETURNING id`,
        [`https://copse.test/ap/actors/${handle}`, type, handle],
      );
    const person = await actor("alice", "Person");
    const other = await actor("bob", "Person");
    const group = await actor("garden", "Group");
    const item = await one(
      `INSERT INTO items (iri, kind, author_id, title, body_html, visibility, status, is_local,
         published_at, updated_at, activity_at)
       VALUES ('https://copse.test/ap/items/1', 'topic', $1, 'Compost', '', 'public',
         'published', 1, 0, 0, 0) RETURNING id`,
      [person],
    );
    await schema.pool.query("INSERT INTO item_groups (item_id, group_id) VALUES ($1, $2)", [
      item,
      group,
    ]);
    const tag = await one(
      "INSERT INTO tags (name, display) VALUES ('compost', 'compost') RETURNING id",
    );
    ids = { person, other, group, item, tag };
    first = await schema.pool.connect();
    second = await schema.anotherPool().connect();
  });

  afterAll(async () => {
    first?.release();
    second?.release();
    await schema?.drop();
  });

  it("count a tag put on an item as it is made members-only in another transaction", async () => {
    await first.query("BEGIN");
    await first.query("UPDATE items SET visibility = 'members' WHERE id = $1", [ids.item]);
    const tagging = await blockedOn(
      "INSERT INTO taggings (item_id, tag_id, tagger_id) VALUES ($1, $2, $3)",
      [ids.item, ids.tag, ids.person],
    );
    await first.query("COMMIT");
    await tagging.done;
    const { kept, afresh } = await keptAndAfresh();
    expect(afresh).toEqual([[ids.group, 0, ids.tag, 1]]);
    expect(kept).toEqual(afresh);
  });

  it("count an item once when two people put the same tag on it at once", async () => {
    await schema.pool.query("UPDATE items SET visibility = 'public' WHERE id = $1", [ids.item]);
    await schema.pool.query("DELETE FROM taggings");
    await first.query("BEGIN");
    await first.query("INSERT INTO taggings (item_id, tag_id, tagger_id) VALUES ($1, $2, $3)", [
      ids.item,
      ids.tag,
      ids.person,
    ]);
    const tagging = await blockedOn(
      "INSERT INTO taggings (item_id, tag_id, tagger_id) VALUES ($1, $2, $3)",
      [ids.item, ids.tag, ids.other],
    );
    await first.query("COMMIT");
    await tagging.done;
    const { kept, afresh } = await keptAndAfresh();
    expect(afresh).toEqual([
      [0, 1, ids.tag, 1],
      [ids.group, 1, ids.tag, 1],
    ]);
    expect(kept).toEqual(afresh);
  });
});
