import { describe, expect, it } from "vitest";
import { queryChainsIn } from "../../src/engine/queries.js";
import { fixtureProgram, sourceFileOf } from "../program.js";
import { HEADER } from "../rule-tester.js";

/**
 * A database behind a wrapper type (`Omit<NodePgDatabase<S>, "execute"> & {…}`,
 * `Pick<Db, …>`, an intersection) keeps drizzle-orm's own members: its queries
 * are queries. Look-alikes that declare `select`/`delete` themselves are not.
 */
const code = `${HEADER}
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgTransaction } from "drizzle-orm/pg-core";
import type { Db } from "./db";
import { schema } from "./db";

type AppDb = Omit<NodePgDatabase<typeof schema>, "execute"> & { $client: unknown; audit(message: string): void };
type ReadOnly = Pick<Db, "select" | "query">;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type WrappedTx = Omit<Tx, "execute"> & { tag: string };
type Repo = { select(): string; delete(key: string): void; transaction(fn: () => void): void };

export async function run(app: AppDb, ro: ReadOnly, tx: WrappedTx, repo: Repo, cache: Map<string, number>) {
  await app.select().from(users);
  await app.insert(posts).values({ title: "t", userId: 1 });
  await app.transaction(async (inner) => {
    await inner.delete(posts).where(eq(posts.id, 1));
  });
  await ro.query.posts.findMany();
  await ro.select().from(posts);
  await tx.update(posts).set({ title: "x" }).where(eq(posts.id, 1));
  repo.select();
  repo.delete("k");
  cache.delete("k");
  await kv.delete("k");
  await prisma.post.delete({});
}
`;

describe("databases behind wrapper types", () => {
  const program = fixtureProgram({ "file.ts": code });
  const sf = sourceFileOf(program, "file.ts");
  const chains = queryChainsIn(program, sf).map((c) => `${c.root.getText(sf)}.${c.operation}:${c.rootKind}`);

  it("finds queries through Omit/Pick/intersection types of a database or transaction", () => {
    expect(chains).toEqual(
      expect.arrayContaining([
        "app.select:database",
        "app.insert:database",
        "inner.delete:transaction",
        "ro.relational:database",
        "ro.select:database",
        "tx.update:transaction",
      ]),
    );
  });

  it("does not take look-alikes that declare the same members for a database", () => {
    expect(chains.filter((c) => /^(repo|cache|kv|prisma)/.test(c))).toEqual([]);
  });
});
