import type { Db } from "./client.ts";

/**
 * SQLite FTS5 indexes for site-wide search. Drizzle cannot declare virtual tables, and
 * migrations come only from drizzle-kit, so the tables and the triggers that keep them in step
 * with `items` and `actors` are created here at start-up (idempotently, from runMigrations).
 */

/** Marks FTS5's snippet() puts around matches; control characters never typed by people. */
export const SNIPPET_START = "\u0002";
export const SNIPPET_END = "\u0003";

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  "#39": "'",
};

/** Plain text of sanitized HTML, for indexing: tags become spaces, common entities are decoded. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return "";
  return (
    html
      .replace(/<[^>]*>/g, " ")
      .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, name: string) => ENTITIES[name] ?? " ")
      // The snippet marks must never come from the text itself, or a page could forge highlights.
      .replaceAll(SNIPPET_START, "")
      .replaceAll(SNIPPET_END, "")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** Registers the SQL function the triggers use; needed on every connection that writes. */
function registerFunctions(db: Db): void {
  db.$client.function("copse_text", { deterministic: true }, (html: unknown) =>
    htmlToText(typeof html === "string" ? html : ""),
  );
}

function tableExists(db: Db, name: string): boolean {
  return (
    db.$client
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(name) !== undefined
  );
}

/** Creates the FTS5 tables and their triggers if missing, filling them from existing rows. */
export function ensureSearchIndex(db: Db): void {
  registerFunctions(db);
  const sqlite = db.$client;
  const hadItems = tableExists(db, "items_fts");
  const hadTitles = tableExists(db, "items_title_fts");
  const hadActors = tableExists(db, "actors_fts");
  sqlite.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
      title, body, tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER IF NOT EXISTS items_fts_insert AFTER INSERT ON items BEGIN
      INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, copse_text(new.body_html));
    END;
    CREATE TRIGGER IF NOT EXISTS items_fts_update AFTER UPDATE OF title, body_html ON items BEGIN
      DELETE FROM items_fts WHERE rowid = old.id;
      INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, copse_text(new.body_html));
    END;
    CREATE TRIGGER IF NOT EXISTS items_fts_delete AFTER DELETE ON items BEGIN
      DELETE FROM items_fts WHERE rowid = old.id;
    END;
    -- Titles alone, for search's "words in the title first": a column filter on items_fts
    -- walks every item holding the words anywhere, here only those with them in the title.
    CREATE VIRTUAL TABLE IF NOT EXISTS items_title_fts USING fts5(
      title, tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER IF NOT EXISTS items_title_fts_insert AFTER INSERT ON items
    WHEN new.title <> '' BEGIN
      INSERT INTO items_title_fts(rowid, title) VALUES (new.id, new.title);
    END;
    CREATE TRIGGER IF NOT EXISTS items_title_fts_update AFTER UPDATE OF title ON items BEGIN
      DELETE FROM items_title_fts WHERE rowid = old.id;
      INSERT INTO items_title_fts(rowid, title) SELECT new.id, new.title WHERE new.title <> '';
    END;
    CREATE TRIGGER IF NOT EXISTS items_title_fts_delete AFTER DELETE ON items BEGIN
      DELETE FROM items_title_fts WHERE rowid = old.id;
    END;
    CREATE VIRTUAL TABLE IF NOT EXISTS actors_fts USING fts5(
      name, handle, summary, job_title, organisation,
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER IF NOT EXISTS actors_fts_insert AFTER INSERT ON actors BEGIN
      INSERT INTO actors_fts(rowid, name, handle, summary, job_title, organisation)
      VALUES (new.id, new.name, new.handle, copse_text(new.summary), new.job_title, new.organisation);
    END;
    CREATE TRIGGER IF NOT EXISTS actors_fts_update
    AFTER UPDATE OF name, handle, summary, job_title, organisation ON actors BEGIN
      DELETE FROM actors_fts WHERE rowid = old.id;
      INSERT INTO actors_fts(rowid, name, handle, summary, job_title, organisation)
      VALUES (new.id, new.name, new.handle, copse_text(new.summary), new.job_title, new.organisation);
    END;
    CREATE TRIGGER IF NOT EXISTS actors_fts_delete AFTER DELETE ON actors BEGIN
      DELETE FROM actors_fts WHERE rowid = old.id;
    END;
  `);
  // Rows written before the index existed (an upgraded database) are indexed once, here.
  if (!hadItems) {
    sqlite.exec(
      "INSERT INTO items_fts(rowid, title, body) SELECT id, title, copse_text(body_html) FROM items",
    );
  }
  if (!hadTitles) {
    sqlite.exec(
      "INSERT INTO items_title_fts(rowid, title) SELECT id, title FROM items WHERE title <> ''",
    );
  }
  if (!hadActors) {
    sqlite.exec(`INSERT INTO actors_fts(rowid, name, handle, summary, job_title, organisation)
      SELECT id, name, handle, copse_text(summary), job_title, organisation FROM actors`);
  }
}
