import { defineConfig } from "drizzle-kit";

// drizzle-kit reads the schema and writes named migrations into migrations/; the server applies
// them at start-up (src/db/migrate.ts), so nobody needs to run drizzle-kit to use Copse.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
