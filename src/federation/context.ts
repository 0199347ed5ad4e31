import type { Context, Federation } from "@fedify/fedify";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";

/** What every Fedify callback needs: the database and the configuration. */
export interface ContextData {
  db: Db;
  config: Config;
}

/** Copse's Fedify federation object. */
export type CopseFederation = Federation<ContextData>;
/** A Fedify context carrying Copse's data. */
export type CopseContext = Context<ContextData>;
