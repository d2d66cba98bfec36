import { count, eq, inArray } from "drizzle-orm";
import { db } from "../db/index.js";
import { comments } from "../db/schema/index.js";

/** One post's comment count: one query. Fine on its own, an N+1 inside a loop. */
export async function countComments(postId: number): Promise<number> {
  return db.$count(comments, eq(comments.postId, postId));
}

/** Comment counts for many posts in one grouped query. */
export async function countCommentsByPost(postIds: number[]): Promise<Map<number, number>> {
  if (postIds.length === 0) return new Map();
  const rows = await db
    .select({ postId: comments.postId, total: count() })
    .from(comments)
    .where(inArray(comments.postId, postIds))
    .groupBy(comments.postId);
  return new Map(rows.map((row) => [row.postId, row.total]));
}
