import { and, eq } from "drizzle-orm";
import { db } from "../db/index.js";
import { memberships, organizations, posts } from "../db/schema/index.js";

export async function createOrganization(ownerId: number, name: string, slug: string) {
  // BUG(drizzle-guard/require-transaction): two writes on different tables and no transaction: if the
  // membership insert fails, the organization is left behind without an owner.
  const [org] = await db.insert(organizations).values({ name, slug }).returning();
  await db.insert(memberships).values({ orgId: org!.id, userId: ownerId, role: "owner" });
  return org!;
}

/** OK: the same two writes, atomically. */
export async function createOrganizationAtomically(ownerId: number, name: string, slug: string) {
  return db.transaction(async (tx) => {
    const [org] = await tx.insert(organizations).values({ name, slug }).returning();
    await tx.insert(memberships).values({ orgId: org!.id, userId: ownerId, role: "owner" });
    return org!;
  });
}

export async function renameOrganization(orgId: number, name: string) {
  // BUG(drizzle-guard/enforce-update-with-where): `orgId` is never used: this renames every organization.
  await db.update(organizations).set({ name, updatedAt: new Date() });
}

export async function leaveOrganization(userId: number, orgId: number) {
  await db.transaction(async (tx) => {
    await tx.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
    // BUG(drizzle-guard/no-db-in-transaction): `db` is not the transaction: this update commits on its
    // own connection even if the transaction rolls back (and can deadlock on a small pool).
    await db
      .update(posts)
      .set({ published: false })
      .where(and(eq(posts.orgId, orgId), eq(posts.userId, userId)));
  });
}

/** Numbers for the organization dashboard, from one consistent snapshot. */
export async function dashboard(userId: number, orgId: number) {
  return db.transaction(
    async (tx) => {
      // BUG(drizzle-guard/no-parallel-in-transaction): a transaction holds one connection, so these
      // queries cannot run in parallel: they queue (or fail) instead.
      const [org, myPosts] = await Promise.all([
        tx.query.organizations.findFirst({ where: eq(organizations.id, orgId) }),
        tx.$count(posts, and(eq(posts.orgId, orgId), eq(posts.userId, userId))),
      ]);
      return { org, myPosts };
    },
    { isolationLevel: "repeatable read" },
  );
}

/** OK: parallel queries on the pool, outside any transaction. */
export async function dashboardLoose(userId: number, orgId: number) {
  const [org, myPosts] = await Promise.all([
    db.query.organizations.findFirst({ where: eq(organizations.id, orgId) }),
    db.$count(posts, and(eq(posts.orgId, orgId), eq(posts.userId, userId))),
  ]);
  return { org, myPosts };
}
