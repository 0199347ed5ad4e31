import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectPath } from "../src/project-root.ts";
import { writePostgresSchema } from "./postgres-schema.ts";

// `npm run db:generate [-- --name <short_name>]`: migrations for both databases from the one
// schema source. It regenerates the PostgreSQL schema from the sqlite one, runs drizzle-kit for
// SQLite (drizzle.config.ts) and for PostgreSQL (drizzle.postgres.config.ts), passing the same
// arguments to both, and then unqualifies the PostgreSQL migrations' references.

const POSTGRES_MIGRATIONS = projectPath("migrations/postgres");

/**
 * drizzle-kit writes foreign keys as `REFERENCES "public"."items"`, which would tie every
 * table to the `public` schema; Copse's tables live in whatever schema the connection's
 * search_path names (one per test file, or one per instance sharing a database).
 */
export function unqualifyPublic(sql: string): string {
  return sql.replaceAll('REFERENCES "public".', "REFERENCES ");
}

function drizzleKit(args: string[]): void {
  const bin = projectPath("node_modules", ".bin", "drizzle-kit");
  const result = spawnSync(bin, ["generate", ...args], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const args = process.argv.slice(2);
await writePostgresSchema();
drizzleKit(args);
drizzleKit(["--config", "drizzle.postgres.config.ts", ...args]);
for (const file of readdirSync(POSTGRES_MIGRATIONS).filter((f) => f.endsWith(".sql"))) {
  const path = join(POSTGRES_MIGRATIONS, file);
  const sql = readFileSync(path, "utf8");
  const fixed = unqualifyPublic(sql);
  if (fixed !== sql) writeFileSync(path, fixed);
}
