import { and, eq, ilike, sql } from "drizzle-orm";
import { db } from "../db/index.js";
import { posts } from "../db/schema/index.js";
import type { AuthedRequest } from "../http.js";

const ORDERINGS = {
  newest: "created_at desc",
  oldest: "created_at asc",
  title: "title asc",
} as const;

/** GET /search?q=…&order=… */
export async function searchPosts(req: AuthedRequest) {
  const term = req.query.q ?? "";
  const order = req.query.order ?? "created_at desc";
  return db
    .select()
    .from(posts)
    .where(and(eq(posts.userId, req.userId), ilike(posts.title, `%${term}%`)))
    // BUG(drizzle-guard/no-unsafe-sql-raw): `order` comes straight from the query string: SQL injection.
    .orderBy(sql.raw(order));
}

/** OK: GET /v2/search: the raw SQL is one of three constants; the term is a bound parameter. */
export async function searchPostsSafely(req: AuthedRequest) {
  const key = (req.query.order ?? "newest") as keyof typeof ORDERINGS;
  const order = ORDERINGS[key] ?? ORDERINGS.newest;
  return db
    .select()
    .from(posts)
    .where(and(eq(posts.userId, req.userId), sql`${posts.title} ilike ${`%${req.query.q ?? ""}%`}`))
    .orderBy(sql.raw(order));
}
