import ts from "typescript";
import { describe, expect, it } from "vitest";
import { userDeclaredNames } from "../../src/engine/callable-names.js";
import { resolveCallee } from "../../src/engine/callees.js";
import { describeCondition } from "../../src/engine/conditions.js";
import { analyzeWriteWithoutWhere } from "../../src/checks/write-without-where.js";
import { callbackRole, preparedExecution } from "../../src/engine/effects.js";
import { exprIsDbLike, exprIsTransaction, isDrizzleDbLike, isDrizzleTransaction } from "../../src/engine/drizzle-symbols.js";
import { isRowObjectBinding, isRowsArray } from "../../src/engine/rows.js";
import { typeOf, walk } from "../../src/engine/ts-utils.js";
import { fixtureProgram, sourceFileOf, watchChecker } from "../program.js";
import { HEADER } from "../rule-tester.js";

/**
 * Shapes from Sim (simstudioai/sim, a 12,000-file program): database handles
 * whose types name `typeof db` through aliases, picks, defaults, fallbacks
 * and callbacks. Typing any of them makes the checker infer `db` — the
 * generic `drizzle(…, { schema })` call over the whole schema, 3–4 s per
 * program there. The engine reads them from declarations and must give the
 * checker's classification.
 */
const shapes = `${HEADER}
type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
type DbClient = typeof db;
type DbOrTx = typeof db | Tx;
type Picked = Pick<typeof db, "select" | "delete">;
interface Options {
  tx?: DbOrTx;
  executor?: DbClient | DbOrTx;
}
declare function prepare(run: (context: { tx: DbOrTx; at: Date }) => Promise<void>): Promise<void>;

export async function shapes(either: DbOrTx, picked: Picked, callbackTx: Tx, options: Options, params: { tx?: DbOrTx }, maybe?: Options) {
  const { executor = db } = options;
  const { tx } = maybe ?? {};
  await either.delete(posts);
  await picked.delete(posts);
  await callbackTx.delete(posts);
  await executor.delete(posts);
  await (tx ?? db).delete(posts);
  await (params.tx ?? db).delete(posts);
  await (maybe ? callbackTx : db).delete(posts);
  await prepare(async ({ tx: inner }) => {
    await inner.delete(posts);
  });
}

export function lookAlikes(store: Map<string, number>, options: { cache?: Map<string, number> }) {
  const { cache = store } = options;
  cache.delete("k");
  (options.cache ?? store).delete("k");
}

// Sim's remote-sandbox/resolve.ts: the database loaded on first use, by dynamic imports
async function lazyDb() {
  const [{ db: lazy }, schema] = await Promise.all([import("./db"), import("./schema/posts")]);
  return { db: lazy, posts: schema.posts };
}
async function lazyStore() {
  const store = new Map<string, number>();
  return { db: store };
}
export async function lazily(id: number) {
  void lazyDb().then(({ db: lazyHandle, posts: lazyPosts }) => lazyHandle.delete(lazyPosts).where(eq(lazyPosts.id, id)));
  void lazyStore().then(({ db: lazyStoreHandle }) => lazyStoreHandle.delete("k"));
  const { db: awaitedHandle } = await lazyDb();
  await awaitedHandle.delete(posts);
}

// Sim's email providers: \`emailFallback = wireServerFallback({…})\`, helpers returning an object literal
function wire<T>(options: { make: () => T; label: string }) {
  const made = options.make();
  return {
    made,
    delete(key: string) {
      return key.length + options.label.length;
    },
    async execute<R>(operation: (value: T) => Promise<R>): Promise<R> {
      return operation(made);
    },
  };
}
function wireWithDefaults<T>(options: { make: () => T }) {
  return wire({ ...options, label: "default" });
}
export const fallback = wireWithDefaults({ make: () => db });
export async function forget() {
  fallback.delete("k");
  await fallback.execute(async (value) => value);
}

// Sim's enterprise-reconciliation-lease.ts: a store object typed by its interface
interface LeaseStore {
  assertHeld(tx: DbOrTx, key: string): Promise<void>;
  release: (handle: DbOrTx) => Promise<void>;
}
export const leaseStore: LeaseStore = {
  async assertHeld(memberTx, key) {
    await memberTx.delete(posts).where(eq(posts.title, key));
  },
  release: async (propertyTx) => {
    await propertyTx.delete(posts);
  },
};
export const checkedStore = {
  async assertHeld(satisfiedTx: DbOrTx) {
    await satisfiedTx.delete(posts);
  },
  release: async (satisfiesTx) => {
    await satisfiesTx.delete(posts);
  },
} satisfies LeaseStore;

// Sim's remote-sandbox/daytona.ts: an SDK class loaded on first use
export async function lazyClass() {
  const { Store } = await import("./lazy-store");
  const lazyInstance = new Store();
  lazyInstance.delete("k");
}
`;

const shapesFiles = { "shapes.ts": shapes, "lazy-store.ts": "export class Store {\n  delete(key: string) {\n    return key.length > 0;\n  }\n}\n" };

function deleteReceivers(sf: ts.SourceFile): ts.Expression[] {
  const out: ts.Expression[] = [];
  walk(sf, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "delete") out.push(node.expression.expression);
  });
  return out;
}

describe("database handles typed through `typeof db`, read from declarations", () => {
  it("classifies each without typing `db`: no inferred expression, no type node naming `typeof db`, no member symbol of a declared receiver", () => {
    const program = fixtureProgram(shapesFiles);
    const sf = sourceFileOf(program, "shapes.ts");
    const checker = program.getTypeChecker();
    const asked: string[] = [];
    const restore = [
      watchChecker(checker, "getTypeAtLocation", (node) => asked.push(`type of ${node.getText()}`)),
      watchChecker(checker, "getTypeFromTypeNode", (node) => {
        if (node.getText().includes("typeof db")) asked.push(`type node ${node.getText()}`);
      }),
      watchChecker(checker, "getSymbolAtLocation", (node) => {
        if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node && ["tx", "cache"].includes(node.getText())) asked.push(`symbol of ${node.parent.getText()}`);
      }),
      // the checker's type of a member declared `DbOrTx` or `DbClient | DbOrTx` is `db`'s
      watchChecker(checker, "getTypeOfSymbol", (node) => {
        if (ts.isPropertySignature(node) && /Db/.test(node.type?.getText() ?? "")) asked.push(`type of member ${node.getText()}`);
      }),
    ];
    const answers = deleteReceivers(sf).map((r) => [r.getText(), exprIsDbLike(program, r), exprIsTransaction(program, r)]);
    for (const r of restore) r();
    expect(asked).toEqual([]);
    expect(answers).toEqual([
      ["either", "yes", "yes"],
      ["picked", "yes", "no"],
      ["callbackTx", "yes", "yes"],
      ["executor", "yes", "yes"],
      ["(tx ?? db)", "yes", "yes"],
      ["(params.tx ?? db)", "yes", "yes"],
      ["(maybe ? callbackTx : db)", "yes", "yes"],
      ["inner", "yes", "yes"],
      ["cache", "no", "no"],
      ["(options.cache ?? store)", "no", "no"],
      // through a `.then` callback or `await` of an async function returning an object, an awaited
      // `Promise.all` item and a dynamic `import()`'s export
      ["lazyHandle", "yes", "no"],
      ["lazyStoreHandle", "no", "no"],
      ["awaitedHandle", "yes", "no"],
      // an object literal a generic user function returns, holding a database: not one itself
      ["fallback", "no", "no"],
      // a parameter of a method of an object literal whose declared type declares it
      ["memberTx", "yes", "yes"],
      ["propertyTx", "yes", "yes"],
      ["satisfiedTx", "yes", "yes"],
      ["satisfiesTx", "yes", "yes"],
      // an instance of a class destructured from an awaited dynamic import
      ["lazyInstance", "no", "no"],
    ]);
  });

  it("types a method's parameter whose declared type is generic (`GenericStore<DbOrTx>`), as the checker instantiates it", () => {
    const program = fixtureProgram({
      "generic-store.ts": `${HEADER}
type DbOrTx = typeof db | Parameters<Parameters<typeof db.transaction>[0]>[0];
interface GenericStore<H> {
  clear(handle: H): Promise<void>;
}
export const genericStore: GenericStore<DbOrTx> = {
  async clear(genericTx) {
    await genericTx.delete(posts);
  },
};
`,
    });
    const [receiver] = deleteReceivers(sourceFileOf(program, "generic-store.ts"));
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => asked.push(node.getText()));
    const answer = [exprIsDbLike(program, receiver!), exprIsTransaction(program, receiver!)];
    restore();
    expect(answer).toEqual(["yes", "yes"]);
    expect(asked).toContain("genericTx");
  });

  it("knows `fallback.execute(…)` on a helper's object literal is no prepared statement, and its callee the literal's method, without typing it", () => {
    const program = fixtureProgram(shapesFiles);
    const sf = sourceFileOf(program, "shapes.ts");
    let call: ts.CallExpression | undefined;
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && node.expression.getText() === "fallback.execute") call = node;
    });
    const asked: string[] = [];
    const checker = program.getTypeChecker();
    const restore = [
      watchChecker(checker, "getTypeAtLocation", (node) => asked.push(node.getText())),
      watchChecker(checker, "getSymbolAtLocation", (node) => {
        if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) asked.push(`symbol of ${node.parent.getText()}`);
      }),
    ];
    const execution = preparedExecution(program, call!);
    // the callee: the literal's own method, read from the helper's `return`
    const callee = resolveCallee(program, call!);
    for (const r of restore) r();
    expect([execution, asked]).toEqual([undefined, []]);
    expect(callee?.getText().startsWith("async execute<R>(")).toBe(true);
    // the checker's callee is the same method
    expect(checker.getResolvedSignature(call!)?.getDeclaration()).toBe(callee);
  });

  it("gives the classification of the checker's types", () => {
    const program = fixtureProgram(shapesFiles);
    const checker = program.getTypeChecker();
    for (const r of deleteReceivers(sourceFileOf(program, "shapes.ts"))) {
      const full = typeOf(checker, r);
      expect([r.getText(), exprIsDbLike(program, r), exprIsTransaction(program, r)]).toEqual([r.getText(), isDrizzleDbLike(program, full), isDrizzleTransaction(program, full)]);
    }
  });
});

/** Rows reached without typing them, and array methods known without typing the array (Sim's billing code). */
const rowsCode = `${HEADER}
// Sim's enterprise-owner-claim.ts: a helper returning an object literal with (some of) its query's rows
// Sim's admin-move.ts: no query when there is nothing to look up, else the rows mapped
async function summaries(ids: number[]) {
  if (ids.length === 0) return [];
  const found = await db.select().from(posts).where(inArray(posts.id, ids));
  return found.filter((p) => p.published);
}
async function preview(id: number) {
  const found = await db.select().from(posts).where(eq(posts.authorId, id));
  return { items: found.filter((p) => p.id > 0), label: "preview" };
}
/** User code declaring members named like array methods, which run queries: calls of \`push\` and \`map\` must be resolved. */
export class Outbox {
  async push(id: number) {
    await db.insert(posts).values({ id, title: "t", authorId: 1 });
  }
  async map(id: number) {
    return db.select().from(posts).where(eq(posts.id, id));
  }
  async sort(id: number) {
    return db.select().from(posts).where(eq(posts.id, id));
  }
  async join(id: number) {
    return db.select().from(posts).where(eq(posts.id, id));
  }
}

async function withLock<T>(operation: (tx: Parameters<Parameters<typeof db.transaction>[0]>[0]) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => operation(tx));
}

function buildConditions(id: number) {
  const conditions = [eq(posts.authorId, id)];
  if (id > 1) conditions.push(eq(posts.id, id));
  return conditions;
}

export async function billing(userId: number, limit: number) {
  const [personal, memberships] = await Promise.all([
    db.select().from(posts).where(eq(posts.authorId, userId)),
    db.select({ id: comments.id }).from(comments).where(eq(comments.postId, userId)),
  ]);
  const ids = memberships.map((m) => m.id);
  const logs = await db.select().from(posts).limit(limit + 1);
  const page = logs.length > limit ? logs.slice(0, limit) : logs;
  const related = await db.select().from(comments).where(inArray(comments.id, ids));
  const conditions = [eq(posts.authorId, userId)];
  conditions.push(eq(posts.id, 1));
  const built = buildConditions(userId);
  built.push(eq(posts.published, true));
  const sorted = [...new Set(memberships.map((m) => m.id))].sort();
  const known = new Set(memberships.map((m) => m.id));
  const candidates = [...known];
  const unknown = candidates.filter((id) => id > sorted.length);
  const label = unknown.join(", ");
  unknown.forEach((id) => {
    void db.select().from(posts).where(eq(posts.id, id));
  });
  await withLock(async (tx) => tx.select().from(posts));
  const [response] = await Promise.all([fetch("https://example.com")]);
  // Sim's access.ts: one query per membership, then the ids read from their rows
  const ownerResults = await Promise.all(ids.map((id) => db.select({ authorId: posts.authorId }).from(posts).where(eq(posts.id, id)).limit(1)));
  const ownerIds = ownerResults.filter((owners) => owners.length > 0).map((owners) => owners[0].authorId);
  const ownerPosts = await Promise.all(ownerIds.map((ownerId) => db.select().from(comments).where(eq(comments.postId, ownerId))));
  const mixed = await Promise.all([db.select().from(posts), fetch("https://example.com")]);
  // Sim's organization-workspaces.ts: ids made by an async IIFE that queries, then mapped
  const detached = await (async () => {
    if (ids.length === 0) return [];
    await db.select().from(posts).where(inArray(posts.id, ids));
    return [...ids].sort();
  })();
  const entries = detached.map((id) => ({ id }));
  // Sim's enterprise-provisioning.ts: no query when there is nothing to look up
  const maybeRows = ids.length === 0 ? [] : await db.select().from(posts).where(inArray(posts.id, ids));
  const notRows = ids.length === 0 ? [ids] : await db.select().from(posts);
  const empty = ids.length === 0 ? [] : [];
  const shown = ids.length ? null : await preview(1);
  // Sim's organization-workspaces.ts: rows locked for update
  const locked = await db.select({ id: posts.id }).from(posts).where(inArray(posts.id, ids)).for("update");
  const [counted, pendingRows, notPending] = await Promise.all([
    ids.length ? db.select().from(posts) : Promise.resolve([{ value: 1 }]),
    ids.length === 0 ? Promise.resolve([]) : db.select({ id: posts.id }).from(posts).where(inArray(posts.id, ids)),
    ids.length === 0 ? Promise.resolve([ids]) : db.select().from(posts),
  ]);
  return [personal, ids, page, response, related, label, ownerResults, ownerIds, ownerPosts, mixed, entries, maybeRows, notRows, empty, [], counted, pendingRows, notPending, shown!.items, shown!.label, locked, (await summaries(ids))] as const;
}
`;

describe("query rows and arrays, by syntax", () => {
  it("knows an awaited Promise.all's query items and a choice of rows as rows, and nothing else", () => {
    const program = fixtureProgram({ "rows.ts": rowsCode });
    const sf = sourceFileOf(program, "rows.ts");
    const named = new Map<string, ts.Expression>();
    walk(sf, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === "page") named.set("page initializer", node.initializer!);
      if (ts.isReturnStatement(node) && node.parent.parent.getText().includes("billing")) {
        const list = (node.expression as ts.AsExpression).expression as ts.ArrayLiteralExpression;
        for (const item of list.elements) named.set(item.getText(), item);
      }
    });
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => asked.push(node.getText()));
    const answers = [...named].map(([name, expr]) => [name, isRowsArray(program, expr)]);
    restore();
    expect(answers).toEqual([
      ["page initializer", true],
      ["personal", true],
      ["ids", true],
      ["page", true],
      ["response", false],
      ["related", true],
      ["label", false],
      ["ownerResults", true],
      ["ownerIds", true],
      ["ownerPosts", true],
      // a Promise.all with an item that is not a query
      ["mixed", false],
      // made by an IIFE: an array (isArrayValue), not known here as rows
      ["entries", false],
      // a choice of no rows and a query's rows; not when the other choice holds an item
      ["maybeRows", true],
      ["notRows", false],
      // an empty array by itself is not a query's (a loop over it is bounded)
      ["empty", false],
      ["[]", false],
      // items of an awaited Promise.all: a query or \`Promise.resolve([])\`, not another resolved value
      ["counted", false],
      ["pendingRows", true],
      ["notPending", false],
      // a property of the object literal an awaited helper returns (or \`null\`)
      ["shown!.items", true],
      ["shown!.label", false],
      ["locked", true],
      ["(await summaries(ids))", true],
    ]);
    expect(asked).toEqual([]);
  });

  it("knows one row of a query item of an awaited Promise.all, or of a choice with no rows, as an object, as the checker does", () => {
    const program = fixtureProgram({
      "row-items.ts": `${HEADER}
// Sim's enterprise-owner-claim.ts: a count and a page of rows, then one view per row
export async function page(ids: number[]) {
  const [total, pageRows] = await Promise.all([db.select({ id: posts.id }).from(posts).limit(1), db.select().from(posts).limit(10)]);
  const views = await Promise.all(pageRows.map(async (pageRow) => pageRow.title));
  const pending = ids.length === 0 ? [] : await db.select().from(posts).where(inArray(posts.id, ids));
  for (const pendingRow of pending) void pendingRow.id;
  const [, chosen] = await Promise.all([total, ids.length ? db.select().from(posts) : Promise.resolve([])]);
  chosen.forEach((chosenRow) => chosenRow.id);
  // not rows: a fetched response's items, an array of ids chosen instead
  const [fetched] = await Promise.all([fetch("https://example.com").then((r) => r.json() as Promise<number[][]>)]);
  fetched.forEach((fetchedItem) => fetchedItem.length);
  const [, mixed] = await Promise.all([total, ids.length ? db.select().from(posts) : Promise.resolve([ids])]);
  mixed.forEach((mixedItem) => mixedItem);
  return [views, total];
}
`,
    });
    const sf = sourceFileOf(program, "row-items.ts");
    const checker = program.getTypeChecker();
    const answers: [string, boolean, boolean][] = [];
    walk(sf, (node) => {
      if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && ts.isIdentifier(node.name) && /Row$|Item$/.test(node.name.text)) {
        const type = checker.getTypeAtLocation(node.name);
        const objectByChecker = (type.isUnion() ? type.types : [type]).every((t) => !checker.isArrayType(t) && !!(t.flags & ts.TypeFlags.Object));
        answers.push([node.name.text, isRowObjectBinding(program, node), objectByChecker]);
      }
      return undefined;
    });
    expect(answers).toEqual([
      ["pageRow", true, true],
      ["pendingRow", true, true],
      ["chosenRow", true, true],
      ["fetchedItem", false, false],
      ["mixedItem", false, false],
    ]);
  });

  /** The condition whose text starts with `text` in rowsCode, read: whether complete, its (column, values), and what the checker typed. */
  function readCondition(text: string) {
    const program = fixtureProgram({ "rows.ts": rowsCode });
    const sf = sourceFileOf(program, "rows.ts");
    let condition: ts.Expression | undefined;
    walk(sf, (node) => {
      if (!condition && ts.isCallExpression(node) && node.getText().startsWith(text)) condition = node;
    });
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => asked.push(node.getText()));
    const summary = describeCondition(program, condition!);
    restore();
    return { complete: summary.complete, mentions: summary.mentions.map((m) => [m.column.key, m.values.map((v) => v.getText())]), asked };
  }

  it("reads `eq(comments.postId, ownerId)` over ids read from an awaited Promise.all of queries, without typing the array", () => {
    expect(readCondition("eq(comments.postId, ownerId)")).toEqual({ complete: true, mentions: [["postId", ["ownerId"]]], asked: [] });
  });

  it("reads `inArray(comments.id, ids)` with `ids = memberships.map(…)` as a column and a value, without typing the array", () => {
    expect(readCondition("inArray(")).toEqual({ complete: true, mentions: [["id", ["ids"]]], asked: [] });
  });

  it("resolves `memberships.map(…)`, `conditions.push(…)`, `[...set].sort()`, `unknown.join(…)` and a function-typed parameter's `operation(tx)` without typing the receiver or the arguments, though user code declares those names", () => {
    const program = fixtureProgram({ "rows.ts": rowsCode });
    const sf = sourceFileOf(program, "rows.ts");
    const calls: ts.CallExpression[] = [];
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ["map", "push", "sort", "join"].includes(node.expression.name.text)) calls.push(node);
      if (ts.isCallExpression(node) && node.expression.getText() === "operation") calls.push(node);
    });
    const names = userDeclaredNames(program);
    expect(["map", "push", "sort", "join"].flatMap((name) => [names.members.has(name), names.queryReaching.has(name)])).toEqual(Array(8).fill(true));
    const asked: string[] = [];
    const checker = program.getTypeChecker();
    const restore = [
      watchChecker(checker, "getTypeAtLocation", (node) => asked.push(node.getText())),
      watchChecker(checker, "getResolvedSignature", (node) => asked.push(node.getText())),
      // the symbol of `.map` on rows, or `.push` on an array literal's `const`: the checker would type the receiver
      watchChecker(checker, "getSymbolAtLocation", (node) => {
        if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) asked.push(`symbol of ${node.parent.getText()}`);
      }),
    ];
    const resolved = calls.map((call) => [call.expression.getText(), resolveCallee(program, call)]);
    for (const r of restore) r();
    expect(resolved).toEqual([
      ["operation", undefined],
      ["conditions.push", undefined],
      ["memberships.map", undefined],
      ["conditions.push", undefined],
      // `built = buildConditions(userId)`: a plain function returning an array literal's `const`
      ["built.push", undefined],
      ["[...new Set(memberships.map((m) => m.id))].sort", undefined],
      ["memberships.map", undefined],
      ["memberships.map", undefined],
      ["unknown.join", undefined],
      ["ids.map", undefined],
      ["ownerResults.filter((owners) => owners.length > 0).map", undefined],
      ["ownerIds.map", undefined],
      ["[...ids].sort", undefined],
      // `detached = await (async () => { …; return [...ids].sort(); })()`: an async IIFE whose every return is an array
      ["detached.map", undefined],
    ]);
    expect(asked).toEqual([]);
  });

  it("knows `unknown.forEach(…)` on `const unknown = candidates.filter(…)`, `candidates = [...known]`, as an iteration without typing the array", () => {
    const program = fixtureProgram({ "rows.ts": rowsCode });
    const sf = sourceFileOf(program, "rows.ts");
    let callback: ts.Node | undefined;
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && node.expression.getText() === "unknown.forEach") callback = node.arguments[0];
    });
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => asked.push(node.getText()));
    const role = callbackRole(program, callback!).role;
    restore();
    expect(role).toBe("iteration");
    expect(asked).toEqual([]);
  });
});

describe("held conditions, by syntax", () => {
  // Sim's membership.ts: the condition is chosen into a const, its values come from query rows
  const code = `${HEADER}
export async function reset(ids: number[], all: boolean) {
  const members = await db.select().from(posts).where(inArray(posts.id, ids));
  const memberIds = members.map((m) => m.id);
  const whereClause = all ? and(inArray(posts.id, memberIds), eq(posts.title, "x")) : inArray(posts.id, memberIds);
  await db.update(posts).set({ title: "y" }).where(whereClause);
  const none = undefined;
  await db.update(posts).set({ title: "z" }).where(none);
}
`;

  it("knows a const holding a drizzle-orm condition is never undefined without typing it, and still reports a const holding undefined", () => {
    const program = fixtureProgram({ "held.ts": code });
    const sourceFile = sourceFileOf(program, "held.ts");
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => asked.push(node.getText()));
    const found = analyzeWriteWithoutWhere({ program, checker: program.getTypeChecker(), sourceFile, settings: {} }, "update");
    restore();
    expect(found.map((f) => [f.messageId, sourceFile.text.slice(f.start, f.end)])).toEqual([["whereMatchesAll", "none"]]);
    expect(asked).not.toContain("whereClause");
    expect(asked).toContain("none");
  });
});

describe("held sql templates, by syntax", () => {
  // Sim's usage.ts: a `sql` fragment held in a const and interpolated into the condition
  const code = `${HEADER}
export async function sync(userId: number, base: string) {
  const liveMinimum = sql\`\${base}::numeric + \${posts.id}\`;
  await db.update(posts).set({ title: "y" }).where(and(eq(posts.userId, userId), sql\`\${posts.title} < \${liveMinimum}\`));
}
`;

  it("reads an interpolated const holding a `sql` template as part of the condition without typing it", () => {
    const program = fixtureProgram({ "held-sql.ts": code });
    const sf = sourceFileOf(program, "held-sql.ts");
    let condition: ts.Expression | undefined;
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "where") condition = node.arguments[0];
    });
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => asked.push(node.getText()));
    const summary = describeCondition(program, condition!);
    restore();
    expect([summary.complete, summary.mentions.map((m) => [m.column.key, m.operator])]).toEqual([
      true,
      [
        ["userId", "eq"],
        ["title", "sql"],
        ["id", "sql"],
      ],
    ]);
    expect(asked).not.toContain("liveMinimum");
  });
});

describe("interpolated values declared primitive", () => {
  // Sim's usage.ts: \`const baseLimit = toDecimal(getPerUserMinimumLimit(subscription)).toString()\` interpolated into a
  // condition, where \`subscription\` is a query's row: typing the call checks its arguments, which types the query
  const code = `${HEADER}
class Money {
  constructor(private readonly cents: number) {}
  toString(): string {
    return String(this.cents);
  }
}
declare function toMoney(value: number | null): Money;
declare function minimumOf(row: unknown): number;
declare function columnFor(): typeof posts.userId;
export async function sync(userId: number) {
  const [row] = await db.select().from(posts).where(eq(posts.userId, userId));
  const base = toMoney(minimumOf(row)).toString();
  const owner = columnFor();
  await db.update(posts).set({ title: "y" }).where(and(sql\`\${posts.title} < \${base}::numeric\`, sql\`\${owner} = \${userId}\`));
}
`;

  it("reads a value whose callees declare a primitive result as a parameter without typing it, and a helper's column as a column", () => {
    const program = fixtureProgram({ "primitive.ts": code });
    const sf = sourceFileOf(program, "primitive.ts");
    let condition: ts.Expression | undefined;
    walk(sf, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "where" && node.arguments[0]!.getText().startsWith("and")) condition = node.arguments[0];
    });
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getTypeAtLocation", (node) => asked.push(node.getText()));
    const summary = describeCondition(program, condition!);
    restore();
    // the helper's column is known by its type (table and column SQL names)
    expect([summary.complete, summary.mentions.map((m) => ["key" in m.column ? m.column.key : m.column.columnSqlName, m.operator])]).toEqual([
      true,
      [
        ["title", "sql"],
        ["user_id", "sql"],
      ],
    ]);
    expect(asked.filter((text) => /toMoney|base/u.test(text))).toEqual([]);
    // the checker's own answer: a string, a value bound as a parameter
    let base: ts.Identifier | undefined;
    walk(sf, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === "base") base = node.name;
    });
    expect(program.getTypeChecker().typeToString(typeOf(program.getTypeChecker(), base!)!)).toBe("string");
  });
});

describe("the callable-names fixed point across programs", () => {
  const files = { "rows.ts": rowsCode };

  it("is reused by a later program with the same files, texts and options, though its trees are new", () => {
    const first = fixtureProgram(files);
    const second = fixtureProgram(files);
    expect(sourceFileOf(second, "rows.ts")).not.toBe(sourceFileOf(first, "rows.ts"));
    expect(userDeclaredNames(second)).toBe(userDeclaredNames(first));
  });

  it("is computed again when a text or an option differs", () => {
    const base = userDeclaredNames(fixtureProgram(files));
    const edited = fixtureProgram({ "rows.ts": rowsCode.replace("async push(", "async enqueue(") });
    expect(userDeclaredNames(edited)).not.toBe(base);
    expect(userDeclaredNames(edited).members.has("push")).toBe(false);
    expect(userDeclaredNames(fixtureProgram(files, undefined, { noUnusedLocals: true }))).not.toBe(base);
  });
});
