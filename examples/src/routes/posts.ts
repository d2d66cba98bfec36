import { and, eq } from "drizzle-orm";
import { db } from "../db/index.js";
import { comments, posts } from "../db/schema/index.js";
import { HttpError, type AuthedRequest } from "../http.js";
import { countComments, countCommentsByPost } from "../repo/comments.js";
import { postRepository } from "../repo/posts.js";

/** GET /posts: the signed-in user's posts with their comment counts. */
export async function listMyPosts(req: AuthedRequest) {
  const rows = await postRepository.listOwned(req.userId);
  const result = [];
  for (const post of rows) {
    // BUG(drizzle-guard/no-query-in-loop): countComments (src/repo/comments.ts) runs db.$count once
    // per post: 1 + N queries.
    result.push({ ...post, commentCount: await countComments(post.id) });
  }
  return result;
}

/** OK: the same page in two queries, whatever the number of posts. */
export async function listMyPostsFast(req: AuthedRequest) {
  const rows = await postRepository.listOwned(req.userId);
  const counts = await countCommentsByPost(rows.map((post) => post.id));
  const result = [];
  // OK: the loop body only works in memory.
  for (const post of rows) result.push({ ...post, commentCount: counts.get(post.id) ?? 0 });
  return result;
}

/** GET /posts/:id */
export async function getPost(req: AuthedRequest) {
  const postId = Number(req.params.id);
  // BUG(drizzle-guard/require-owner-filter): filters by id only: any signed-in user can read anyone's
  // post by guessing ids (IDOR).
  const [post] = await db.select().from(posts).where(eq(posts.id, postId));
  if (!post) throw new HttpError(404, "post not found");
  return post;
}

/** OK: GET /me/posts/:id, scoped to the owner (through the repository). */
export async function getMyPost(req: AuthedRequest) {
  const post = await postRepository.findOwned(req.userId, Number(req.params.id));
  if (!post) throw new HttpError(404, "post not found");
  return post;
}

/** OK: PATCH /posts/:id, owner filter built in a variable. */
export async function renamePost(req: AuthedRequest) {
  const mine = and(eq(posts.id, Number(req.params.id)), eq(posts.userId, req.userId));
  const [post] = await db.update(posts).set({ title: String(req.body.title) }).where(mine).returning();
  if (!post) throw new HttpError(404, "post not found");
  return post;
}

/** OK: DELETE /comments/:id, only the author's own comment. */
export async function deleteComment(req: AuthedRequest) {
  await db
    .delete(comments)
    .where(and(eq(comments.id, Number(req.params.id)), eq(comments.authorId, req.userId)));
}
