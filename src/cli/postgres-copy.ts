import type Database from "better-sqlite3";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type pg from "pg";
import { quoteIdent } from "../db/postgres/search-index.ts";
import * as schema from "../db/schema/index.ts";

// Copying a SQLite database's rows into PostgreSQL tables of the same names and columns (made
// by migrations/postgres from the same schema), for `migrate-to-postgres`. Values go across as
// SQLite stores them: integers (read as BigInt, so none loses precision) into bigint columns,
// text, reals and blobs (Buffers, into bytea). The full-text tables are not in the schema and
// are filled on PostgreSQL by its triggers as the rows arrive.

/**
 * Tables not copied: Fedify's queue and key-value store are other tables on PostgreSQL, of
 * their own shape (src/federation/postgres/schema.ts). The cache may be dropped; queued
 * messages hold the move back (migrate-to-postgres.ts). The tag counts are kept on PostgreSQL
 * by its triggers as the taggings and links arrive (src/db/postgres/tag-counts.ts): copied
 * too, they would be counted twice.
 */
export const NOT_COPIED: ReadonlySet<string> = new Set(["fedify_kv", "fedify_queue", "tag_counts"]);

/** Rows per INSERT statement, fewer for wide tables (PostgreSQL takes 65,535 parameters). */
export const BATCH_ROWS = 500;
const MAX_PARAMETERS = 60_000;

/** Rows compared column by column per table after the copy. */
export const SAMPLE_ROWS = 50;

/** One table to copy: its name, columns, key and the columns that refer to its own rows. */
export interface TablePlan {
  name: string;
  columns: string[];
  /** Columns that identify a row (the primary key; every column when there is none). */
  key: string[];
  /** Columns referring to another row of the same table (items replying to items). */
  selfReferences: string[];
}

/**
 * The tables of the schema in an order where every table comes after the tables its foreign
 * keys refer to, so each row's parent is already there when it is inserted.
 */
export function copyPlan(): TablePlan[] {
  const configs = (Object.values(schema) as unknown[])
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .map((table) => getTableConfig(table))
    .filter((config) => !NOT_COPIED.has(config.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const plans = new Map<string, TablePlan & { dependsOn: Set<string> }>();
  for (const config of configs) {
    const columns = config.columns.map((column) => column.name);
    const plan = {
      name: config.name,
      columns,
      key: rowKey(config),
      selfReferences: [] as string[],
      dependsOn: new Set<string>(),
    };
    for (const foreignKey of config.foreignKeys) {
      const reference = foreignKey.reference();
      const target = getTableConfig(reference.foreignTable).name;
      if (target !== config.name) {
        plan.dependsOn.add(target);
        continue;
      }
      const refersTo = reference.foreignColumns.map((column) => column.name);
      if (refersTo.length !== 1 || refersTo[0] !== plan.key[0] || plan.key.length !== 1) {
        throw new Error(`${config.name} refers to itself other than by its primary key`);
      }
      plan.selfReferences.push(...reference.columns.map((column) => column.name));
    }
    plans.set(config.name, plan);
  }
  const ordered: TablePlan[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      throw new Error(`Foreign keys form a cycle: ${[...path, name].join(" -> ")}`);
    }
    state.set(name, "visiting");
    const plan = plans.get(name);
    if (!plan) throw new Error(`A foreign key refers to ${name}, which is not copied`);
    for (const target of [...plan.dependsOn].sort()) visit(target, [...path, name]);
    state.set(name, "done");
    const { dependsOn: _, ...table } = plan;
    ordered.push(table);
  };
  for (const name of plans.keys()) visit(name, []);
  return ordered;
}

/**
 * The columns that tell a table's rows apart: its primary key, else its first unique index on
 * columns that are never null (actor_keys: one key per actor and algorithm).
 */
function rowKey(config: ReturnType<typeof getTableConfig>): string[] {
  const primary =
    config.primaryKeys[0]?.columns ?? config.columns.filter((column) => column.primary);
  if (primary.length > 0) return primary.map((column) => column.name);
  for (const index of config.indexes) {
    const columns = index.config.columns;
    if (
      index.config.unique &&
      !index.config.where &&
      columns.every((column) => is(column, SQLiteColumn) && column.notNull)
    ) {
      return columns.map((column) => (column as SQLiteColumn).name);
    }
  }
  throw new Error(`${config.name} has no key to compare its rows by`);
}

/** Columns of the plan missing from the SQLite database (one not brought up to date). */
export function missingColumns(source: Database.Database, table: TablePlan): string[] {
  const present = new Set(
    (source.pragma(`table_info(${quoteIdent(table.name)})`) as { name: string }[]).map(
      (column) => column.name,
    ),
  );
  return table.columns.filter((column) => !present.has(column));
}

/** A SELECT of the plan's columns, in its key's order. */
function selectAll(table: TablePlan): string {
  return `SELECT ${table.columns.map(quoteIdent).join(", ")} FROM ${quoteIdent(table.name)} ORDER BY ${table.key.map(quoteIdent).join(", ")}`;
}

/**
 * The rows of a table in an order where a row another row of the table refers to comes first
 * (a reply after the post it answers, whatever their ids). Only the keys are held in memory to
 * work the order out; the rows are then read in chunks. Rows that refer to each other in a
 * circle cannot be inserted one by one, and are refused.
 */
function* rowsInOrder(source: Database.Database, table: TablePlan): Generator<unknown[]> {
  if (table.selfReferences.length === 0) {
    yield* source.prepare(selectAll(table)).raw(true).iterate() as IterableIterator<unknown[]>;
    return;
  }
  const keyColumn = quoteIdent(table.key[0]!);
  const links = source
    .prepare(
      `SELECT ${[table.key[0]!, ...table.selfReferences].map(quoteIdent).join(", ")} FROM ${quoteIdent(table.name)} ORDER BY ${keyColumn}`,
    )
    .raw(true)
    .all() as unknown[][];
  const keyOf = new Map(links.map(([key]) => [String(key), key]));
  // What each row refers to within the table; a row referring to itself goes in one statement
  // with itself, which holds.
  const parentsOf = new Map(
    links.map(([key, ...refs]) => [
      String(key),
      refs.map(String).filter((ref) => ref !== String(key) && keyOf.has(ref)),
    ]),
  );
  // Depth first, with a stack of its own: a long chain of replies would overflow the call stack.
  const order: string[] = [];
  const state = new Map<string, "visiting" | "placed">();
  for (const start of parentsOf.keys()) {
    if (state.has(start)) continue;
    state.set(start, "visiting");
    const stack: [string, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const parents = parentsOf.get(top[0])!;
      if (top[1] < parents.length) {
        const parent = parents[top[1]++]!;
        if (state.get(parent) === "visiting") {
          throw new Error(`Rows of ${table.name} refer to each other in a circle (${parent})`);
        }
        if (state.has(parent)) continue;
        state.set(parent, "visiting");
        stack.push([parent, 0]);
      } else {
        state.set(top[0], "placed");
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  const columns = table.columns.map(quoteIdent).join(", ");
  const keyIndex = table.columns.indexOf(table.key[0]!);
  for (let i = 0; i < order.length; i += BATCH_ROWS) {
    const chunk = order.slice(i, i + BATCH_ROWS);
    const rows = source
      .prepare(
        `SELECT ${columns} FROM ${quoteIdent(table.name)} WHERE ${keyColumn} IN (${chunk.map(() => "?").join(", ")})`,
      )
      .raw(true)
      .all(...chunk.map((key) => keyOf.get(key))) as unknown[][];
    const byKey = new Map(rows.map((row) => [String(row[keyIndex]), row]));
    for (const key of chunk) yield byKey.get(key)!;
  }
}

/** A value as pg sends it: BigInt as its digits (pg does not take BigInt), the rest as is. */
function toParameter(value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Copies one table's rows in batches on `target` (inside the caller's transaction); returns how many. */
export async function copyTable(
  source: Database.Database,
  target: pg.ClientBase,
  table: TablePlan,
  rowsPerStatement = BATCH_ROWS,
): Promise<number> {
  const width = table.columns.length;
  const batchRows = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PARAMETERS / width)));
  const head = `INSERT INTO ${quoteIdent(table.name)} (${table.columns.map(quoteIdent).join(", ")}) VALUES `;
  let copied = 0;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map(
      (_, row) =>
        `(${table.columns.map((_, column) => `$${row * width + column + 1}`).join(", ")})`,
    );
    await target.query(head + values.join(", "), batch.flat().map(toParameter));
    copied += batch.length;
    batch = [];
  };
  for (const row of rowsInOrder(source, table)) {
    batch.push(row);
    if (batch.length >= batchRows) await flush();
  }
  await flush();
  return copied;
}

/** The row count of a table on each side. */
export interface TableCount {
  table: string;
  sqlite: number;
  postgres: number;
}

/** Counts a table's rows on both sides. */
export async function countBoth(
  source: Database.Database,
  target: pg.ClientBase,
  table: string,
): Promise<TableCount> {
  const sqlite = source
    .prepare(`SELECT count(*) FROM ${quoteIdent(table)}`)
    .pluck()
    .get();
  const { rows } = await target.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${quoteIdent(table)}`,
  );
  return { table, sqlite: Number(sqlite), postgres: Number(rows[0]?.n) };
}

/** A value in one spelling for both databases: numbers as digits, blobs as hex. */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return `x'${value.toString("hex")}'`;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? value.toString() : value;
  return value;
}

/**
 * Compares up to SAMPLE_ROWS rows of a table, spread evenly over its key order, column by
 * column; returns a description of the first difference, or undefined when they agree.
 */
export async function compareSample(
  source: Database.Database,
  target: pg.ClientBase,
  table: TablePlan,
  count: number,
): Promise<string | undefined> {
  if (count === 0) return undefined;
  const step = Math.max(1, Math.floor(count / SAMPLE_ROWS));
  const keyColumns = table.key.map(quoteIdent).join(", ");
  const keys: unknown[][] = [];
  let index = 0;
  for (const key of source
    .prepare(`SELECT ${keyColumns} FROM ${quoteIdent(table.name)} ORDER BY ${keyColumns}`)
    .raw(true)
    .iterate() as IterableIterator<unknown[]>) {
    if (index++ % step === 0) keys.push(key);
    if (keys.length === SAMPLE_ROWS) break;
  }
  const columns = table.columns.map(quoteIdent).join(", ");
  const match = (placeholder: (i: number) => string) =>
    table.key.map((column, i) => `${quoteIdent(column)} = ${placeholder(i)}`).join(" AND ");
  const read = source
    .prepare(`SELECT ${columns} FROM ${quoteIdent(table.name)} WHERE ${match(() => "?")}`)
    .raw(true);
  for (const sampled of keys) {
    const row = read.get(...sampled) as unknown[];
    const key = sampled.map(toParameter);
    const { rows } = await target.query({
      text: `SELECT ${columns} FROM ${quoteIdent(table.name)} WHERE ${match((i) => `$${i + 1}`)}`,
      values: key,
      rowMode: "array",
    });
    const copy = rows[0] as unknown[] | undefined;
    if (!copy) return `the row ${key.join(", ")} is missing`;
    for (const [index, column] of table.columns.entries()) {
      if (normalise(row[index]) !== normalise(copy[index])) {
        return `the row ${key.join(", ")} differs in ${column}`;
      }
    }
  }
  return undefined;
}
