import ts from "typescript";
import { describe, expect, it } from "vitest";
import { declaredTypesOf } from "../../src/engine/declared-types.js";
import { exprIsDbLike, exprIsTransaction, isDrizzleDbLike, isDrizzleTransaction } from "../../src/engine/drizzle-symbols.js";
import { typeOf, walk } from "../../src/engine/ts-utils.js";
import { relationalTableByDeclaration, relationalTableByRootType } from "../../src/engine/schema/relational.js";
import noQueryInLoop from "../../src/rules/no-query-in-loop.js";
import { fixtureProgram, sourceFileOf, watchChecker } from "../program.js";
import { HEADER } from "../rule-tester.js";

/**
 * Database types that the checker can only infer from code: midday's
 * `type Database = Awaited<ReturnType<typeof connectDb>>` over a generic
 * `withReplicas(primaryDb, …)`. Inferring them checks the generic call against
 * the whole schema (25 s per program on midday's 4,000-line schema); the
 * engine reads them from declarations instead, and must reach the same answer.
 */
const client = `import { drizzle } from "drizzle-orm/node-postgres";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import * as schema from "./schema/posts";

export type Replicated<Q extends PgDatabase<PgQueryResultHKT, any, any>> = Q & {
  executeOnReplica: (query: string) => Promise<unknown[]>;
  transactionOnReplica: Q["transaction"];
};

export const withReplicas = <Q extends PgDatabase<PgQueryResultHKT, any, any>>(primary: Q, replicas: [Q, ...Q[]]): Replicated<Q> =>
  ({ ...primary, executeOnReplica: async () => [], transactionOnReplica: replicas[0].transaction }) as Replicated<Q>;

const primaryDb = drizzle(process.env.DATABASE_URL!, { schema });
export const db = withReplicas(primaryDb, [primaryDb]);

export const connectDb = async () => {
  return db;
};

export type Database = Awaited<ReturnType<typeof connectDb>>;
export type TransactionClient = PgTransaction<NodePgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
export type DatabaseOrTransaction = Database | TransactionClient;
export type DatabaseWithPrimary = Database & { $primary?: Database };

/** A look-alike built the same way: a Map, not a database. */
export const makeStore = (): Map<string, number> => new Map();
export type Store = ReturnType<typeof makeStore>;
export const connectStore = async () => makeStore();
export type AwaitedStore = Awaited<ReturnType<typeof connectStore>>;
`;

const code = `${HEADER}
import type { Database, DatabaseOrTransaction, DatabaseWithPrimary, Store, AwaitedStore } from "./client";

export async function queries(database: Database, either: DatabaseOrTransaction, withPrimary: DatabaseWithPrimary, store: Store, awaited: AwaitedStore) {
  await database.delete(posts);
  await either.delete(posts);
  await withPrimary.delete(posts);
  store.delete("k");
  awaited.delete("k");
  await database.transaction(async (tx) => {
    await tx.delete(posts);
  });
}

export async function loop(database: Database, ids: number[]) {
  const rows = await database.select().from(posts);
  for (const row of rows) {
    await database.select().from(comments).where(eq(comments.postId, row.id));
  }
  for (const id of ids) console.log(id);
  const picked = ids.filter((id) => id > 0);
  for (const id of picked) {
    await database.select().from(comments).where(eq(comments.postId, id));
  }
  return database.update(posts).set({ title: "x" }).where(eq(posts.id, 1)).returning().execute();
}

/** midday's dedupeByDb: a Map per database, from a WeakMap keyed by the database type. */
const inflight = new WeakMap<Database, Map<string, Promise<number>>>();
export function dedupe(database: Database, key: string) {
  let byDb = inflight.get(database);
  if (!byDb) {
    byDb = new Map();
    inflight.set(database, byDb);
  }
  byDb.delete(key);
}
`;

/** Records the text of every type node the checker is asked to type, and every node whose type is inferred. */
function recordingProgram(): { program: ts.Program; typed: string[]; inferred: string[] } {
  const program = fixtureProgram({ "client.ts": client, "file.ts": code });
  const checker = program.getTypeChecker();
  const typed: string[] = [];
  const inferred: string[] = [];
  watchChecker(checker, "getTypeFromTypeNode", (node) => typed.push(node.getText()));
  watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
  return { program, typed, inferred };
}

function receivers(sf: ts.SourceFile): ts.Expression[] {
  const out: ts.Expression[] = [];
  walk(sf, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ["delete", "transaction"].includes(node.expression.name.text))
      out.push(node.expression.expression);
  });
  return out;
}

describe("database types read from declarations instead of inferred", () => {
  it("answers Awaited<ReturnType<typeof connectDb>> over a generic withReplicas(primaryDb, …) without typing it", () => {
    const { program, typed, inferred } = recordingProgram();
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const answers = receivers(sf).map((r) => ({ text: r.getText(), declared: declaredTypesOf(checker, r) !== undefined, dbLike: exprIsDbLike(program, r), tx: exprIsTransaction(program, r) }));
    expect(answers).toEqual([
      { text: "database", declared: true, dbLike: "yes", tx: "no" },
      { text: "either", declared: true, dbLike: "yes", tx: "yes" },
      { text: "withPrimary", declared: true, dbLike: "yes", tx: "no" },
      { text: "store", declared: true, dbLike: "no", tx: "no" },
      { text: "awaited", declared: true, dbLike: "no", tx: "no" },
      { text: "database", declared: true, dbLike: "yes", tx: "no" },
      { text: "tx", declared: true, dbLike: "yes", tx: "yes" },
      { text: "byDb", declared: true, dbLike: "no", tx: "no" },
    ]);
    // the utility types were not typed (the generic alias `Replicated<Q>` is, uninstantiated: cheap), and no receiver's type was inferred
    expect(typed.filter((t) => /^(Awaited|ReturnType)</.test(t))).toEqual([]);
    expect(inferred).toEqual([]);
  });

  it("gives the same classification as the inferred types", () => {
    const { program } = recordingProgram();
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    for (const r of receivers(sf)) {
      const full = typeOf(checker, r);
      expect([r.getText(), exprIsDbLike(program, r), exprIsTransaction(program, r)]).toEqual([
        r.getText(),
        isDrizzleDbLike(program, full),
        isDrizzleTransaction(program, full),
      ]);
    }
  });

  it("no-query-in-loop reports the query in a loop over query rows without typing the rows, and types no loop that runs no query", () => {
    const { program, inferred } = recordingProgram();
    const sf = sourceFileOf(program, "file.ts");
    const findings = noQueryInLoop.analyze({ program, checker: program.getTypeChecker(), sourceFile: sf, settings: {} }, noQueryInLoop.defaultOptions);
    const lines = code.split("\n");
    const commentQueries = lines.flatMap((l, i) => (l.includes("from(comments)") ? [i + 1] : []));
    expect(findings.map((f) => sf.getLineAndCharacterOfPosition(f.start).line + 1)).toEqual(commentQueries);
    // the rows of a query, an array declared by `filter`, a builder chain before `.execute()`: none typed
    expect(inferred.filter((t) => ["rows", "ids", "picked"].includes(t) || t.endsWith(".returning()"))).toEqual([]);
  });
});

/** `db.query.<key>` on the computed database types above: the table read from declarations equals the one read from the inferred type. */
const relationalCode = `${HEADER}
import type { Database, DatabaseOrTransaction, DatabaseWithPrimary } from "./client";
import { db as replicated } from "./client";

export async function relational(database: Database, either: DatabaseOrTransaction, withPrimary: DatabaseWithPrimary) {
  await database.query.posts.findMany();
  await either.query.comments.findFirst();
  await withPrimary.query.tags.findMany();
  await replicated.query.posts.findMany();
  await database.transaction(async (tx) => tx.query.comments.findMany());
}
`;

describe("the relational schema of a computed database type, from declarations", () => {
  it("finds db.query.<key>'s table without typing the database, and it is the table the inferred type names", () => {
    const program = fixtureProgram({ "client.ts": client, "file.ts": relationalCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker() as ts.TypeChecker & Record<string, unknown>;
    const roots: { root: ts.Expression; key: string }[] = [];
    walk(sf, (node) => {
      if (ts.isPropertyAccessExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "query")
        roots.push({ root: node.expression.expression, key: node.name.text });
    });
    expect(roots.map((r) => `${r.root.getText()}.${r.key}`)).toEqual(["database.posts", "either.comments", "withPrimary.tags", "replicated.posts", "tx.comments"]);
    const inferred: string[] = [];
    const restore = watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    const declared = roots.map(({ root, key }) => relationalTableByDeclaration(program, root, key)?.jsName);
    expect(inferred).toEqual([]);
    restore();
    const byType = roots.map(({ root, key }) => relationalTableByRootType(program, root, key)?.jsName);
    expect(declared).toEqual(["posts", "comments", "tags", "posts", "comments"]);
    expect(declared).toEqual(byType);
  });
});

describe("no-query-in-loop and one inserted row", () => {
  it("reports an insert of one row per iteration without typing the row (typing it types the insert against the database)", () => {
    const loopCode = `${HEADER}
import type { Database } from "./client";

export async function insertEach(database: Database, ids: number[]) {
  for (const id of ids) {
    await database.insert(comments).values({ postId: id, authorId: 1, body: "x" });
  }
  for (const id of ids) {
    await database.insert(comments).values([{ postId: id, authorId: 1, body: "x" }]);
  }
}
`;
    const program = fixtureProgram({ "client.ts": client, "file.ts": loopCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const inferred: string[] = [];
    watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    const findings = noQueryInLoop.analyze({ program, checker, sourceFile: sf, settings: {} }, noQueryInLoop.defaultOptions);
    expect(findings.map((f) => sf.getLineAndCharacterOfPosition(f.start).line + 1)).toEqual([10, 13]);
    expect(inferred.filter((t) => t.startsWith("{"))).toEqual([]);
  });
});

describe("iteration over query rows", () => {
  it("reports a query per element of rows.filter(…).map(…), and of a helper's rows sliced, without typing the rows", () => {
    const mapCode = `${HEADER}
import type { Database } from "./client";

export async function mapped(database: Database) {
  const rows = await database.select().from(posts).where(eq(posts.published, true));
  const found = await database.query.posts.findMany();
  await Promise.all(rows.filter((r) => r.id > 0).map((row) => database.select().from(comments).where(eq(comments.postId, row.id))));
  await Promise.all(found.slice(1).map((row) => database.select().from(comments).where(eq(comments.postId, row.id))));
  const first = await database.query.posts.findFirst();
  return first;
}

async function listPosts() {
  const list = await db.query.posts.findMany();
  return list;
}
export async function viaHelper(database: Database) {
  const all = await listPosts();
  const rest = all.slice(10);
  for (const post of rest) {
    await database.select().from(comments).where(eq(comments.postId, post.id));
  }
  const inTx = await database.transaction(async (tx) => {
    return tx.select().from(posts).limit(5);
  });
  await Promise.all(inTx.map((row) => database.select().from(comments).where(eq(comments.postId, row.id))));
}
`;
    const program = fixtureProgram({ "client.ts": client, "file.ts": mapCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const inferred: string[] = [];
    watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    // the symbol of \`filter\` in \`rows.filter\` is found by typing \`rows\`
    watchChecker(checker, "getSymbolAtLocation", (node) => {
      if (["filter", "slice", "select"].includes(node.getText())) inferred.push(node.getText());
    });
    const findings = noQueryInLoop.analyze({ program, checker, sourceFile: sf, settings: {} }, noQueryInLoop.defaultOptions);
    expect(findings.map((f) => sf.getLineAndCharacterOfPosition(f.start).line + 1)).toEqual([11, 12, 25, 30]);
    expect(inferred.filter((t) => /^(rows|found|all|rest|inTx)\b/.test(t) || ["filter", "slice", "select"].includes(t))).toEqual([]);
  });
});
