import { and, desc, eq } from "drizzle-orm";
import { db, type Db } from "../db/index.js";
import { posts } from "../db/schema/index.js";

export class PostRepository {
  constructor(private readonly database: Db = db) {}

  /** OK: scoped to the owner. */
  findOwned(userId: number, postId: number) {
    return this.database.query.posts.findFirst({
      where: and(eq(posts.id, postId), eq(posts.userId, userId)),
    });
  }

  /** OK: scoped to the owner. */
  listOwned(userId: number) {
    return this.database.select().from(posts).where(eq(posts.userId, userId)).orderBy(desc(posts.createdAt));
  }
}

export const postRepository = new PostRepository();
