// The whole database schema, one file per area; drizzle-kit reads this file.
export * from "./accounts.ts";
export * from "./actors.ts";
export * from "./communities.ts";
export * from "./contacts.ts";
export * from "./content.ts";
export * from "./documents.ts";
export * from "./events.ts";
export * from "./fedify.ts";
export * from "./inbox.ts";
export * from "./messages.ts";
export * from "./people.ts";
export * from "./tags.ts";
export * from "./wiki.ts";
