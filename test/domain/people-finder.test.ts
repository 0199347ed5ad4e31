import { describe, expect, it } from "vitest";
import { findPeople } from "../../src/domain/people-finder.ts";
import { MAX_COUNTED } from "../../src/domain/search-rank.ts";
import { freshDb } from "../helpers/db.ts";

// The people finder ranks with bm25 only when fewer than MAX_COUNTED people match; past that
// it must still put the best matches (the words whole in a name) first, without ranking all.

/** Adds people straight to the actors table (the search index follows by trigger). */
function addPeople(
  db: ReturnType<typeof freshDb>,
  people: { handle: string; name: string; job: string }[],
) {
  const insert = db.$client.prepare(
    `INSERT INTO actors (iri, type, handle, host, is_local, name, job_title)
     VALUES (?, 'Person', ?, 'copse.test', 1, ?, ?)`,
  );
  db.$client.transaction(() => {
    for (const p of people) insert.run(`https://copse.test/u/${p.handle}`, p.handle, p.name, p.job);
  })();
}

describe("people finder past MAX_COUNTED matches", () => {
  it("puts the word whole in a name first, then the newest other matches", () => {
    const db = freshDb();
    const many = Array.from({ length: MAX_COUNTED + 20 }, (_, i) => ({
      handle: `officer${i}`,
      name: `Officer ${i}`,
      job: i % 2 === 0 ? "Planning officer" : "Planner",
    }));
    // Early in the table (the oldest), so only the ranking can bring them up.
    many[3] = { handle: "plan", name: "Plan Smith", job: "Archivist" };
    many[7] = { handle: "rplan", name: "Ruth Plan", job: "Planning lead" };
    addPeople(db, many);
    const found = findPeople(db, "plan");
    expect(found).toHaveLength(30);
    expect(found.slice(0, 2).map((p) => p.handle)).toEqual(["rplan", "plan"]);
    expect(found[0]!.reasons[0]).toEqual({ field: "name", value: "Ruth Plan" });
    // Then every other match by its job title, newest first.
    const last = MAX_COUNTED + 19;
    expect(found.slice(2, 5).map((p) => p.handle)).toEqual([
      `officer${last}`,
      `officer${last - 1}`,
      `officer${last - 2}`,
    ]);
    expect(found[2]!.reasons[0]?.field).toBe("job title");
    // A rarer word is ranked by bm25 among all its matches as before.
    expect(findPeople(db, "smith").map((p) => p.handle)).toEqual(["plan"]);
    expect(findPeople(db, "archivist").map((p) => [p.handle, p.reasons[0]?.field])).toEqual([
      ["plan", "job title"],
    ]);
  });
});
