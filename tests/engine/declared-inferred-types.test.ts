import ts from "typescript";
import { describe, expect, it } from "vitest";
import { assertedMemberType, declaredParameterType, declaredTypesOf } from "../../src/engine/declared-types.js";
import { describeCondition } from "../../src/engine/conditions.js";
import { drizzleTypeInfo, exprIsDbLike, exprIsTransaction, isDrizzleDbLike, isDrizzleTransaction } from "../../src/engine/drizzle-symbols.js";
import { isRowsArray, isRowValue } from "../../src/engine/rows.js";
import { typeOf, walk } from "../../src/engine/ts-utils.js";
import { relationalTableByDeclaration, relationalTableByRootType } from "../../src/engine/schema/relational.js";
import enforceDeleteWithWhere from "../../src/rules/enforce-delete-with-where.js";
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

/** no-query-in-loop's findings (lines) on `code` next to `client.ts`, and the text of every node the checker typed meanwhile. */
function loopFindings(code: string): { lines: number[]; inferred: string[] } {
  const program = fixtureProgram({ "client.ts": client, "file.ts": code });
  const sf = sourceFileOf(program, "file.ts");
  const checker = program.getTypeChecker();
  const inferred: string[] = [];
  watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
  watchChecker(checker, "getTypeOfSymbol", (node) => inferred.push(`symbol ${node.getText()}`));
  const findings = noQueryInLoop.analyze({ program, checker, sourceFile: sf, settings: {} }, noQueryInLoop.defaultOptions);
  return { lines: findings.map((f) => sf.getLineAndCharacterOfPosition(f.start).line + 1), inferred };
}

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
    const { lines, inferred } = loopFindings(loopCode);
    expect(lines).toEqual([10, 13]);
    expect(inferred.filter((t) => t.startsWith("{"))).toEqual([]);
  });

  it("sees a chunk mapped to rows as an array of rows (a chunked bulk insert) without typing it", () => {
    // midday's upsertInstitutions: `values(batch.map((inst) => ({ … })))` for `batch = data.slice(i, i + batchSize)`
    const chunkCode = `${HEADER}
import type { Database } from "./client";

export async function insertChunks(database: Database, data: { postId: number; body: string }[], size = 500) {
  for (let i = 0; i < data.length; i += size) {
    const batch = data.slice(i, i + size);
    await database.insert(comments).values(batch.map((d) => ({ postId: d.postId, authorId: 1, body: d.body })));
  }
  for (const d of data) {
    await database.insert(comments).values({ postId: d.postId, authorId: 1, body: d.body });
  }
}
`;
    const { lines, inferred } = loopFindings(chunkCode);
    expect(lines).toEqual([14]);
    expect(inferred.filter((t) => t.startsWith("batch.map"))).toEqual([]);
  });
});

describe("no-query-in-loop and ids spread from a Map's keys", () => {
  it("reports one update per id of `[...byId.keys()].sort()` without typing the id, and types it when the keys are not declared", () => {
    // Sim's storage/tracking.ts: `workspaceIds = [...workspaceDeltaById.keys()].sort()` over `new Map<string, {…}>()`
    const mapCode = `${HEADER}
import type { Database } from "./client";

export async function applyDeltas(database: Database, deltas: { postId: number; bytes: number }[]) {
  const deltaById = new Map<number, { bytes: number }>();
  for (const delta of deltas) deltaById.set(delta.postId, { bytes: delta.bytes });
  const postIds = [...deltaById.keys()].sort();
  for (const postId of postIds) {
    await database.update(posts).set({ title: "t" }).where(eq(posts.id, postId));
  }
  const seen = new Set<number>(postIds);
  for (const seenId of [...seen]) {
    await database.update(posts).set({ title: "s" }).where(eq(posts.id, seenId));
  }
  const untyped = new Map(deltas.map((d) => [d.postId, d] as const));
  for (const untypedId of [...untyped.keys()]) {
    await database.update(posts).set({ title: "u" }).where(eq(posts.id, untypedId));
  }
}
`;
    const { lines, inferred } = loopFindings(mapCode);
    expect(lines).toEqual([13, 17, 21]);
    expect(inferred.filter((t) => /postId$|seenId$/.test(t))).toEqual([]);
    expect(inferred.some((t) => t.endsWith("untypedId"))).toBe(true);
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

describe("a filter by ids read from query rows, in a loop", () => {
  // Sim's membership.ts: `inArray(subscription.referenceId, organizationMemberships.map((m) => m.organizationId))`;
  // whether that list is a chunk of rows typed it, inferring the rows (5.9 s)
  it("knows `rows.map(…)` is an array without typing it, with the same findings", () => {
    const code = `${HEADER}
import type { Database } from "./client";

export async function perUser(database: Database, userIds: number[]) {
  for (const userId of userIds) {
    const memberships = await database.select({ postId: comments.postId }).from(comments).where(eq(comments.authorId, userId));
    if (memberships.length > 0) {
      await database.select().from(posts).where(inArray(posts.id, memberships.map((m) => m.postId)));
    }
  }
}
`;
    const { lines, inferred } = loopFindings(code);
    expect(lines).toEqual([10, 12]);
    expect(inferred.filter((t) => t.startsWith("memberships"))).toEqual([]);
  });

  it("knows a row of a query is not a chunk without typing it (Sim's webhooks: a sync per member)", () => {
    const code = `${HEADER}
import type { Database } from "./client";

async function sync(database: Database, userId: number) {
  const memberships = await database.select({ postId: comments.postId }).from(comments).where(eq(comments.authorId, userId));
  await database.select().from(posts).where(inArray(posts.id, memberships.map((m) => m.postId)));
}
export async function perMember(database: Database) {
  const members = await database.select({ userId: users.id }).from(users);
  for (const member of members) {
    await sync(database, member.userId);
  }
  for (const chunk of [members.slice(0, 10), members.slice(10)]) {
    await database.select().from(posts).where(inArray(posts.authorId, chunk.map((row) => row.userId)));
  }
}
`;
    const { lines, inferred } = loopFindings(code);
    // the per-member sync is reported; the second loop steps through chunks (one query per chunk), which is not an N+1
    expect(lines).toEqual([15]);
    expect(inferred.filter((t) => /^symbol member\b|^member/.test(t))).toEqual([]);
  });
});

describe("values read from query rows", () => {
  const rowsCode = `${HEADER}
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "./client";

export async function fromRows(database: Database) {
  const rows = await database.select({ id: posts.id, authorId: posts.authorId }).from(posts);
  for (const item of rows) {
    await database.delete(comments).where(and(eq(comments.postId, item.id), eq(comments.authorId, item.authorId)));
  }
  for (const { id } of rows) await database.delete(comments).where(eq(comments.postId, id));
  const [first] = await database.select().from(posts).limit(1);
  await database.delete(comments).where(eq(comments.postId, first!.id));
  const second = rows[1];
  await database.delete(comments).where(eq(comments.postId, second!.id));
  const { authorId } = rows[0]!;
  await database.delete(comments).where(eq(comments.authorId, authorId));
  await Promise.all(rows.map((row) => database.delete(comments).where(eq(comments.postId, row.id))));
  const found = rows.find((r) => r.authorId > 0)?.id;
  if (found) await database.delete(comments).where(eq(comments.postId, found));
}

export async function nearMisses(database: Database) {
  const rows = await database.select().from(posts);
  const pending = database.select().from(posts).as("pending");
  const other = alias(posts, "other");
  for (const table of [posts, other]) {
    await database.delete(comments).where(eq(comments.postId, table.id));
  }
  await database.delete(comments).where(eq(comments.postId, pending.id));
  let current = rows[0]!;
  current = { ...current, id: 2 };
  await database.delete(comments).where(eq(comments.postId, current.id));
  await Promise.all(rows.map((row, i) => database.delete(comments).where(eq(comments.postId, i === 0 ? row.id : posts.id))));
}
`;

  /** The second operand of every `eq(…)` of the file, as written. */
  function eqOperands(sf: ts.SourceFile): ts.Expression[] {
    const out: ts.Expression[] = [];
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "eq" && node.arguments[1]) out.push(node.arguments[1]);
    });
    return out;
  }

  it("knows a row, its fields and destructured parts as values, and nothing else, without typing them", () => {
    const program = fixtureProgram({ "client.ts": client, "file.ts": rowsCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const inferred: string[] = [];
    const restore = watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    const answers = eqOperands(sf).map((e) => [e.getText(), isRowValue(program, e)]);
    expect(inferred).toEqual([]);
    restore();
    expect(answers).toEqual([
      ["item.id", true],
      ["item.authorId", true],
      ["id", true],
      ["first!.id", true],
      ["second!.id", true],
      ["authorId", true],
      ["row.id", true],
      ["found", true],
      ["table.id", false],
      ["pending.id", false],
      ["current.id", false],
      ["i === 0 ? row.id : posts.id", false],
    ]);
    // what the checker says: every value said to be read from rows is typed as no drizzle-orm column
    for (const [text, row] of answers) {
      const operand = eqOperands(sf).find((e) => e.getText() === text)!;
      const names = drizzleTypeInfo(program, typeOf(checker, operand)).names;
      if (row) expect([text, names.has("Column")]).toEqual([text, false]);
    }
  });

  it("reads the conditions comparing columns with row values without typing the values, as it would by their types", () => {
    const program = fixtureProgram({ "client.ts": client, "file.ts": rowsCode });
    const sf = sourceFileOf(program, "file.ts");
    const inferred: string[] = [];
    watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => inferred.push(node.getText()));
    // the symbol of \`find\` in \`rows.find(…)\` is found by typing \`rows\`
    watchChecker(program.getTypeChecker(), "getSymbolAtLocation", (node) => {
      if (node.getText() === "find") inferred.push("find");
    });
    const fromRows = eqOperands(sf).slice(0, 8);
    for (const operand of fromRows) {
      const summary = describeCondition(program, operand.parent);
      expect([operand.getText(), summary.complete, summary.mentions.map((m) => [m.column.key, m.others.length, m.values.map((v) => v.getText())])]).toEqual([
        operand.getText(),
        true,
        [[ts.isIdentifier(operand) && operand.text === "authorId" ? "authorId" : /authorId$/.test(operand.getText()) ? "authorId" : "postId", 0, [operand.getText()]]],
      ]);
    }
    expect(inferred.filter((t) => t === "find" || fromRows.some((e) => e.getText() === t))).toEqual([]);
  });
});

describe("the type of a parameter nothing narrows, from its annotation", () => {
  const paramCode = `${HEADER}
export const viaMember = async (query: Parameters<typeof db.execute>[0]) => db.execute(query);
export const plain = async (text: string) => db.execute(text);
export const narrowed = async (query: Parameters<typeof db.execute>[0]) => (typeof query === "string" ? db.execute(query) : undefined);
export const optional = async (text?: string) => db.execute(text ?? "select 1");
export const reassigned = async (text: string) => {
  text = text.trim();
  return db.execute(text);
};
export const rowsOf = async (query: Parameters<typeof db.select>[0]) => query;
`;

  it("reads Parameters<typeof db.execute>[0] through the declared member without typing db, and gives the checker's type where it answers", () => {
    const program = fixtureProgram({ "file.ts": paramCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const uses: ts.Expression[] = [];
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "execute" && node.arguments[0]) uses.push(node.arguments[0]);
      if (ts.isArrowFunction(node) && ts.isIdentifier(node.body)) uses.push(node.body);
    });
    const inferred: string[] = [];
    const restore = watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    const declared = uses.map((u) => declaredParameterType(checker, u));
    expect(inferred).toEqual([]);
    restore();
    expect(uses.map((u, i) => [u.getText(), declared[i] ? checker.typeToString(declared[i]) : undefined])).toEqual([
      ["query", "string | SQLWrapper"],
      ["text", "string"],
      ["query", undefined], // narrowed by the guard
      ['text ?? "select 1"', undefined],
      ["text", undefined], // assigned
      ["query", undefined], // select's parameter names the signature's type parameter
    ]);
    for (const [i, type] of declared.entries()) {
      if (type) expect(checker.typeToString(type)).toBe(checker.typeToString(typeOf(checker, uses[i]!)!));
    }
  });
});

describe("long declaration chains", () => {
  // Dokploy: `docker.getContainer(name)` on `const docker = await getRemoteDocker(id)`, whose returns are a constant
  // read from `globalThis as unknown as { docker?: Docker }` and a `new Dockerode(…)`: a chain of ten steps
  const chainCode = `declare class Client { getThing(name: string): Thing; }
declare class Thing { start(): Promise<void>; }
type ClientHolder = { client?: Client };
const globalForClient = globalThis as unknown as ClientHolder;
export const client = globalForClient.client;
declare function makeClient(host: string): Client;
export const getClient = async (id?: string) => {
  if (!id) return client;
  const made = makeClient(id);
  return made;
};
export async function use(id: string) {
  const connection = await getClient(id);
  const thing = connection!.getThing("x");
  await thing.start();
  return thing;
}
`;

  it("reads a member's result at the end of the chain from declarations, without asking the checker for the member", () => {
    const program = fixtureProgram({ "chain.ts": chainCode });
    const sf = sourceFileOf(program, "chain.ts");
    const checker = program.getTypeChecker();
    let thing: ts.Expression | undefined;
    walk(sf, (node) => {
      if (ts.isReturnStatement(node) && node.expression) thing = node.expression;
    });
    const asked: string[] = [];
    const restore = watchChecker(checker, "getSymbolAtLocation", (node) => {
      if (node.getText() === "getThing") asked.push("getThing");
    });
    watchChecker(checker, "getTypeAtLocation", (node) => asked.push(node.getText()));
    const declared = declaredTypesOf(checker, thing!);
    restore();
    expect([declared?.map((t) => checker.typeToString(t)), asked]).toEqual([["Thing", "Thing"], []]);
  });
});

describe("a member of an asserted type", () => {
  // Dokploy's overview: `(table as unknown as Record<string, unknown>)[config.idColumn.name] as typeof applications.applicationId`
  const assertedCode = `${HEADER}
type Config = { table: typeof posts | typeof comments; idColumn: { name: string } };
export async function byConfig(config: Config, ids: number[]) {
  const table = config.table as typeof posts;
  const idCol = (table as unknown as Record<string, unknown>)[config.idColumn.name] as typeof posts.id;
  return db.select().from(posts).where(inArray(idCol, ids));
}
`;

  it("reads the condition without typing the asserted value or the column it is asserted to be", () => {
    const program = fixtureProgram({ "file.ts": assertedCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    let where: ts.Expression | undefined;
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "inArray") where = node;
    });
    const inferred: string[] = [];
    const restore = watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    const summary = describeCondition(program, where!);
    restore();
    expect(inferred.filter((t) => t.includes("table") || t === "idCol")).toEqual([]);
    // the column `typeof posts.id` names, read from the source: the one the checker's type of `idCol` names
    expect([summary.complete, summary.mentions.map((m) => [m.column.node.getText(), m.column.table?.jsName, m.column.key, m.operator])]).toEqual([true, [["idCol", "posts", "id", "inArray"]]]);
    const byType = drizzleTypeInfo(program, typeOf(checker, summary.mentions[0]!.column.node as ts.Expression)).names;
    expect(byType.has("Column")).toBe(true);
    let access: ts.ElementAccessExpression | undefined;
    walk(sf, (node) => {
      if (ts.isElementAccessExpression(node)) access = node;
    });
    expect(checker.typeToString(assertedMemberType(checker, access!)!)).toBe(checker.typeToString(typeOf(checker, access!)!));
  });
});

describe("a where helper's result", () => {
  it("is known not to be undefined from the helper's returns, without resolving the call", () => {
    const helperCode = `${HEADER}
import { isNull } from "drizzle-orm";
const settingsWhere = (userId: number | null) => (userId ? eq(posts.userId, userId) : isNull(posts.userId));
const nothing = () => undefined;
export async function run(userId: number | null) {
  await db.delete(posts).where(settingsWhere(userId));
  await db.delete(posts).where(nothing());
}
`;
    const program = fixtureProgram({ "file.ts": helperCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const inferred: string[] = [];
    watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    const findings = enforceDeleteWithWhere.analyze({ program, checker, sourceFile: sf, settings: {} }, enforceDeleteWithWhere.defaultOptions);
    expect(findings.map((f) => [f.messageId, sf.getLineAndCharacterOfPosition(f.start).line + 1])).toEqual([["whereMatchesAll", 11]]);
    expect(inferred.filter((t) => t.startsWith("settingsWhere"))).toEqual([]);
  });
});

describe("a value destructured from an element callback's parameter", () => {
  // midday's transaction-enrichment: `chunk.map(([transactionId, data]) => db.update(t).set(…).where(eq(t.id, transactionId)))`;
  // typing `transactionId` resolves `chunk.map(…)`, which checks the callback's body: the update's result type
  const elementCode = `${HEADER}
export async function update(entries: Map<number, { title: string }>) {
  const chunk = Array.from(entries.entries()).slice(0, 50);
  await Promise.all(chunk.map(([id, data]) => db.update(posts).set({ title: data.title }).where(eq(posts.id, id))));
  const items = [...entries.values()].map((v, i) => ({ id: i, title: v.title }));
  await Promise.all(items.map((item) => db.update(posts).set({ title: item.title }).where(eq(posts.id, item.id))));
  await Promise.all(
    [[posts.id, 1] as const, [posts.userId, 2] as const].map(([column, value]) => db.delete(comments).where(eq(column, value))),
  );
}
`;

  it("types the array rather than the parameter, and still finds a column passed through the same shape", () => {
    const program = fixtureProgram({ "file.ts": elementCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const wheres: ts.CallExpression[] = [];
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "eq") wheres.push(node);
    });
    const inferred: string[] = [];
    watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    const summaries = wheres.map((w) => describeCondition(program, w));
    expect(inferred.filter((t) => t === "id" || t === "item.id")).toEqual([]);
    expect(summaries.map((s) => s.mentions.map((m) => [m.column.node.getText(), m.others.length, m.values.map((v) => v.getText())]))).toEqual([
      [["posts.id", 0, ["id"]]],
      [["posts.id", 0, ["item.id"]]],
      // the near miss: a column in the array (a union of two: read as unknown, as the checker type reads it)
      [],
    ]);
  });
});

describe("rows of a select builder built in steps", () => {
  it("knows `await finalQuery` gives rows when a select chain started the builder, without typing it", () => {
    // midday's getTransactions: `let query = queryBuilder.$dynamic(); query = query.orderBy(…); const fetched = await query.limit(n)…`
    const stepsCode = `${HEADER}
import type { Database } from "./client";

export async function list(database: Database, sort: boolean) {
  const base = database.select().from(posts).where(eq(posts.published, true));
  let query = base.$dynamic();
  if (sort) query = query.orderBy(posts.id);
  const finalQuery = query.limit(10).offset(5);
  const fetched = await finalQuery;
  await Promise.all(fetched.map((row) => database.select().from(comments).where(eq(comments.postId, row.id))));
  const inserted = database.insert(comments).values({ postId: 1, authorId: 1, body: "x" });
  const result = await inserted;
  return result;
}
`;
    const program = fixtureProgram({ "client.ts": client, "file.ts": stepsCode });
    const sf = sourceFileOf(program, "file.ts");
    const checker = program.getTypeChecker();
    const byName = new Map<string, ts.Identifier>();
    walk(sf, (node) => {
      if (ts.isIdentifier(node) && ["fetched", "result"].includes(node.text) && !ts.isVariableDeclaration(node.parent)) byName.set(node.text, node);
    });
    const inferred: string[] = [];
    watchChecker(checker, "getTypeAtLocation", (node) => inferred.push(node.getText()));
    expect([isRowsArray(program, byName.get("fetched")!), isRowsArray(program, byName.get("result")!)]).toEqual([true, false]);
    const findings = noQueryInLoop.analyze({ program, checker, sourceFile: sf, settings: {} }, noQueryInLoop.defaultOptions);
    expect(findings.map((f) => sf.getLineAndCharacterOfPosition(f.start).line + 1)).toEqual([14]);
    expect(inferred.filter((t) => t === "fetched")).toEqual([]);
  });
});
