import type { Context } from "hono";
import { pageCount } from "../domain/thread-pages.ts";
import type { AppEnv } from "./env.ts";

/** Which slice of a list a page shows, and where it stands among the pages. */
export interface ListPage {
  /** The page shown, from 1 to totalPages. */
  page: number;
  totalPages: number;
  limit: number;
  offset: number;
}

/**
 * The page of a list of `total` rows that `?page=` asks for: a page past the end shows the
 * last one, and zero, negative or junk the first, so an old or hand-typed link still lands.
 */
export function requestedListPage(c: Context<AppEnv>, total: number, perPage: number): ListPage {
  const totalPages = pageCount(total, perPage);
  const asked = Number.parseInt(c.req.query("page") ?? "1", 10) || 1;
  const page = Math.min(totalPages, Math.max(1, asked));
  return { page, totalPages, limit: perPage, offset: (page - 1) * perPage };
}
