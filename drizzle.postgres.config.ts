import { defineConfig } from "drizzle-kit";

// The PostgreSQL migrations. Their schema is generated from the sqlite one (the one schema
// source) by scripts/postgres-schema.ts; `npm run db:generate` regenerates it and then runs
// drizzle-kit with this file and with drizzle.config.ts. src/db/postgres/migrate.ts applies them.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema-postgres/index.ts",
  out: "./migrations/postgres",
});
