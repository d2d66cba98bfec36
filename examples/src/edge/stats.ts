// Runs on an edge runtime, where only the neon-http driver is available.
import { neon } from "@neondatabase/serverless";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { organizations, posts } from "../db/schema/index.js";

const edgeDb = drizzle(neon(process.env.DATABASE_URL!));

export async function renameOrganization(orgId: number, name: string, slug: string) {
  // BUG(drizzle-guard/no-unsupported-transaction): neon-http has no interactive transactions; this
  // throws "No transactions support in neon-http driver" at runtime.
  await edgeDb.transaction(async (tx) => {
    await tx.update(organizations).set({ name }).where(eq(organizations.id, orgId));
    await tx.update(organizations).set({ slug }).where(eq(organizations.id, orgId));
  });
}

/** OK: neon-http runs a batch in one transaction. */
export async function publishAll(userId: number, orgId: number) {
  await edgeDb.batch([
    edgeDb.update(posts).set({ published: true }).where(eq(posts.userId, userId)),
    edgeDb.update(organizations).set({ updatedAt: new Date() }).where(eq(organizations.id, orgId)),
  ]);
}
