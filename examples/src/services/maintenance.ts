import { and, eq, inArray, lt } from "drizzle-orm";
import { db } from "../db/index.js";
import { comments, memberships } from "../db/schema/index.js";

const sessionCache = new Map<string, { userId: number; expiresAt: number }>();

/** OK: `Map#delete`, not a query. */
export function forgetSession(token: string) {
  sessionCache.delete(token);
}

/** OK: evicts expired sessions from memory, not from the database. */
export function evictExpiredSessions(now = Date.now()) {
  for (const [token, session] of sessionCache) {
    if (session.expiresAt < now) sessionCache.delete(token);
  }
}

/** Removes the comments moderators flagged as spam. */
export async function purgeSpamComments(spamIds: number[]) {
  if (spamIds.length === 0) return;
  // BUG(drizzle-guard/enforce-delete-with-where): the `.where(inArray(comments.id, spamIds))` was
  // forgotten: this deletes every comment of every organization.
  await db.delete(comments);
}

/** OK: the same purge, filtered. */
export async function purgeSpamCommentsCorrectly(spamIds: number[]) {
  if (spamIds.length === 0) return;
  await db.delete(comments).where(inArray(comments.id, spamIds));
}

/** OK: one write; then a read. */
export async function expireInvitations(userId: number, before: Date) {
  await db
    .delete(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.role, "member"), lt(memberships.createdAt, before)));
  return db.select().from(memberships).where(eq(memberships.userId, userId));
}
