import ts from "typescript";
import { describe, expect, it } from "vitest";
import { declaredTypesOf } from "../../src/engine/declared-types.js";
import { exprIsDbLike, exprIsTransaction, isDrizzleDbLike, isDrizzleTransaction } from "../../src/engine/drizzle-symbols.js";
import { functionName } from "../../src/engine/effects.js";
import { resolveCallee } from "../../src/engine/callees.js";
import { chainTable, queryChainsIn } from "../../src/engine/queries.js";
import { mayRunQueries, userDeclaredNames } from "../../src/engine/callable-names.js";
import { relationalTableByDeclaration } from "../../src/engine/schema/relational.js";
import { typeOf, walk } from "../../src/engine/ts-utils.js";
import { fixtureProgram, sourceFileOf } from "../program.js";
import { HEADER } from "../rule-tester.js";

/**
 * The engine answers "is this a database / transaction" and "which table is
 * `db.query.<key>`" from declarations first (cheap), and from the inferred
 * type only when the declarations do not say. Both must agree.
 */
const code = `${HEADER}
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Db } from "./db";
import * as schemaNs from "./schema/posts";
import type { PgTransaction } from "drizzle-orm/pg-core";
import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { schema } from "./db";

type TxClient = PgTransaction<NodePgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
export async function either(conn: Db | TxClient) {
  await conn.delete(posts);
}

type Alias = Db;
declare const anyDb: any;
const cache = new Map<string, number>();
const local = { db };
const viaAs = db as NodePgDatabase<typeof schemaNs>;
const ctx: { db: typeof db } = { db };

class Repo {
  constructor(private readonly conn: Alias) {}
  db: NodePgDatabase<typeof schemaNs> = db as never;
  async run() {
    await /*1*/this.conn.select().from(posts);
    await /*2*/this.db.query.comments.findMany();
  }
}

export async function f(param: Db, narrowed: Db | undefined) {
  await /*3*/db.query.posts.findMany();
  await /*4*/param.query.users.findMany();
  await /*5*/local.db.select().from(users);
  await /*6*/viaAs.query.tags.findMany();
  await /*7*/ctx.db.query.users.findFirst();
  await /*8*/db.transaction(async (tx) => {
    await tx.query.comments.findMany();
    await tx.transaction(async (nested) => {
      await nested.query.posts.findFirst();
    });
  });
  if (narrowed) await narrowed.delete(posts);
  cache.delete("x");
  await anyDb.delete(posts);
  await kv.delete("k");
  await prisma.post.delete({});
  return new Repo(db);
}
`;

describe("declared types agree with inferred types", () => {
  const program = fixtureProgram({ "file.ts": code });
  const sf = sourceFileOf(program, "file.ts");
  const checker = program.getTypeChecker();

  /** Every receiver of a call named like a Drizzle root method, with both answers. */
  const receivers: { text: string; declared: boolean; dbLike: string; transaction: string; fullDbLike: string; fullTransaction: string }[] = [];
  walk(sf, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    if (!["select", "delete", "transaction", "findMany", "findFirst"].includes(node.expression.name.text)) return;
    let receiver = node.expression.expression;
    // db.query.posts.findMany → db
    if (ts.isPropertyAccessExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression) && receiver.expression.name.text === "query") {
      receiver = receiver.expression.expression;
    }
    const type = typeOf(checker, receiver);
    receivers.push({
      text: receiver.getText(sf),
      declared: declaredTypesOf(checker, receiver) !== undefined,
      dbLike: exprIsDbLike(program, receiver),
      transaction: exprIsTransaction(program, receiver),
      fullDbLike: isDrizzleDbLike(program, type),
      fullTransaction: isDrizzleTransaction(program, type),
    });
  });

  it("answers from declarations for databases, transactions, aliases, annotations and `typeof`", () => {
    const declared = receivers.filter((r) => r.declared).map((r) => r.text);
    expect(declared).toEqual(
      expect.arrayContaining(["this.conn", "this.db", "db", "param", "local.db", "viaAs", "ctx.db", "tx", "nested", "narrowed", "cache", "conn"]),
    );
    // a value typed `any` and object literals of functions are left to the checker
    expect(declared).not.toContain("anyDb");
  });

  it("gives the same classification as the inferred type for every receiver", () => {
    for (const r of receivers) {
      expect({ text: r.text, dbLike: r.dbLike, transaction: r.transaction }).toEqual({
        text: r.text,
        dbLike: r.fullDbLike,
        transaction: r.fullTransaction,
      });
    }
    const byText = Object.fromEntries(receivers.map((r) => [r.text, `${r.dbLike}/${r.transaction}`]));
    expect(byText).toMatchObject({
      db: "yes/no",
      tx: "yes/yes",
      nested: "yes/yes",
      "this.conn": "yes/no",
      "ctx.db": "yes/no",
      cache: "no/no",
      anyDb: "unknown/unknown",
      kv: "no/no",
      // a union of a database and a transaction may be a transaction, as its type says
      conn: "yes/yes",
    });
  });

  it("finds the table behind db.query.<key> from the schema the database was created with", () => {
    const relational = queryChainsIn(program, sf).filter((c) => c.operation === "relational");
    const found = relational.map((c) => [c.root.getText(sf), c.relationalKey, relationalTableByDeclaration(program, c.root, c.relationalKey!)?.sqlName]);
    expect(found).toEqual([
      ["this.db", "comments", "comments"],
      ["db", "posts", "posts"],
      ["param", "users", "users"],
      ["viaAs", "tags", "tags"],
      ["ctx.db", "users", "users"],
      ["tx", "comments", "comments"],
      ["nested", "posts", "posts"],
    ]);
    // and the type-based answer is the same table
    for (const chain of relational) {
      expect(chainTable(program, chain)?.sqlName).toBe(chain.relationalKey);
    }
  });

  it("answers undefined (ask the checker) for a key the schema does not hold", () => {
    const chain = queryChainsIn(program, sf).find((c) => c.operation === "relational")!;
    expect(relationalTableByDeclaration(program, chain.root, "noSuchTable")).toBeUndefined();
  });
});

const calleeCode = `${HEADER}
import saveDefault from "./helpers-default";
import { savePost as persist, helpers } from "./helpers-named";

export async function g(id: number) {
  await persist(id);
  await saveDefault(id);
  await helpers.save(id);
  const { save } = helpers;
  await save(id);
  await helpers["save"](id);
  [1, 2].map((n) => n + 1);
  eq(posts.id, id);
}
`;

describe("callee resolution with the declared-name pre-filter", () => {
  const program = fixtureProgram({
    "file.ts": calleeCode,
    "helpers-default.ts": `import { db } from "./db";\nimport { posts } from "./schema/posts";\nexport default async function removePost(id: number) { await db.delete(posts); return id; }\n`,
    "helpers-named.ts": `import { db } from "./db";\nimport { posts } from "./schema/posts";\nexport async function savePost(id: number) { await db.insert(posts).values({ title: "t", userId: id }); }\nexport const helpers = { save: savePost };\n`,
  });
  const sf = sourceFileOf(program, "file.ts");
  const fn = sf.statements.find(ts.isFunctionDeclaration)!;
  const resolved: string[] = [];
  walk(fn.body!, (node) => {
    if (!ts.isCallExpression(node)) return;
    const callee = resolveCallee(program, node);
    resolved.push(`${node.expression.getText(sf)} -> ${callee ? functionName(callee) : "-"}`);
  });

  it("follows renamed, default, object-property, destructured and element-access callees to user code", () => {
    expect(resolved).toEqual(
      expect.arrayContaining([
        "persist -> savePost",
        "saveDefault -> removePost",
        "helpers.save -> savePost",
        "save -> savePost",
        'helpers["save"] -> savePost',
      ]),
    );
  });

  it("answers 'no user callee' for library methods and functions", () => {
    expect(resolved).toEqual(expect.arrayContaining(["[1, 2].map -> -", "eq -> -"]));
  });
});

describe("callee resolution through variables that rename a function", () => {
  const program = fixtureProgram({
    "file.ts": `${HEADER}
import { renamedSave, run } from "./aliases";

export async function g(id: number) {
  await run("select 1");
  await renamedSave(id);
}
`,
    "aliases.ts": `import { PGlite } from "@electric-sql/pglite";\nimport { savePost } from "./helpers-named";\nconst client = new PGlite();\nexport const run = client.query;\nexport const renamedSave = savePost;\n`,
    "helpers-named.ts": `import { db } from "./db";\nimport { posts } from "./schema/posts";\nexport async function savePost(id: number) { await db.insert(posts).values({ title: "t", userId: id }); }\n`,
  });
  const sf = sourceFileOf(program, "file.ts");
  const calls: ts.CallExpression[] = [];
  walk(sf.statements.find(ts.isFunctionDeclaration)!.body!, (node) => {
    if (ts.isCallExpression(node)) calls.push(node);
  });
  const callNamed = (name: string) => calls.find((c) => c.expression.getText(sf) === name)!;

  it("answers 'no user callee' for a library member under another name, without resolving the call's signature", () => {
    const checker = program.getTypeChecker();
    const original = checker.getResolvedSignature;
    let resolvedSignatures = 0;
    checker.getResolvedSignature = (...args) => {
      resolvedSignatures++;
      return original.apply(checker, args);
    };
    try {
      expect(resolveCallee(program, callNamed("run"))).toBeUndefined();
      expect(resolvedSignatures).toBe(0);
    } finally {
      checker.getResolvedSignature = original;
    }
  });

  it("still follows a variable that renames user code to its function", () => {
    const callee = resolveCallee(program, callNamed("renamedSave"));
    expect(callee && functionName(callee)).toBe("savePost");
  });
});

describe("names under which a call may reach a query", () => {
  const program = fixtureProgram({
    "file.ts": `${HEADER}
import loadDefault from "./reach-default";
import { store as persist } from "./reach-named";

export function label(id: number) {
  return \`#\${id}\`;
}
export async function viaAlias(id: number) {
  return persist(id);
}
export async function viaDefault(id: number) {
  return loadDefault(id);
}
export const handlers = { save: viaAlias, render: label };
export function dynamic(kind: "a" | "b", fns: Record<string, () => void>) {
  fns[kind]();
}
`,
    "reach-default.ts": `import { db } from "./db";\nimport { posts } from "./schema/posts";\nexport default async function load(id: number) { return db.select().from(posts).limit(id); }\n`,
    "reach-named.ts": `import { db } from "./db";\nimport { posts } from "./schema/posts";\nexport async function store(id: number) { await db.insert(posts).values({ title: "t", userId: id }); }\nexport function pure(n: number) { return n * 2; }\n`,
  });
  const reaching = userDeclaredNames(program).queryReaching;

  it("includes functions that query, directly or through renamed, default and object-property aliases", () => {
    for (const name of ["store", "persist", "viaAlias", "load", "default", "loadDefault", "viaDefault", "save", "handlers", "dynamic"]) {
      expect({ name, reaching: reaching.has(name) }).toEqual({ name, reaching: true });
    }
  });

  it("leaves out functions that cannot reach a query", () => {
    for (const name of ["label", "pure", "render", "map", "onError"]) {
      expect({ name, reaching: reaching.has(name) }).toEqual({ name, reaching: false });
    }
  });
});

describe("code that may run a query", () => {
  // Dokploy: a local variable \`resolve\` holds a query's result, so the name reaches a query; \`path.resolve(…)\`
  // is a member call under a name no user code declares as a member, so it never lands in user code
  const program = fixtureProgram({
    "file.ts": `${HEADER}
import path from "node:path";

export async function local(id: number) {
  const resolve = await db.select().from(posts).where(eq(posts.id, id));
  return resolve;
}
export const store = { async fetchOne(id: number) { return db.select().from(posts).where(eq(posts.id, id)); } };

export function paths(dirs: string[]) {
  return dirs.map((dir) => path.resolve(dir));
}
export function members(ids: number[]) {
  return ids.map((id) => store.fetchOne(id));
}
export function bare(ids: number[], resolve: (id: number) => unknown) {
  return ids.map((id) => resolve(id));
}
`,
  });
  const sf = sourceFileOf(program, "file.ts");
  const callback = (fn: string): ts.Node => {
    let found: ts.Node | undefined;
    walk(sf, (node) => {
      if (!found && ts.isArrowFunction(node) && node.parent && ts.isCallExpression(node.parent)) {
        let holder: ts.Node | undefined = node.parent;
        while (holder && !ts.isFunctionDeclaration(holder)) holder = holder.parent;
        if (holder && ts.isFunctionDeclaration(holder) && holder.name?.text === fn) found = node;
      }
      return undefined;
    });
    return found!;
  };

  it("is not a member call under a name user code binds only as a variable", () => {
    expect(userDeclaredNames(program).queryReaching.has("resolve")).toBe(true);
    expect(mayRunQueries(program, callback("paths"))).toBe(false);
  });

  it("is a call under a member or binding name that reaches a query", () => {
    expect(mayRunQueries(program, callback("members"))).toBe(true);
    expect(mayRunQueries(program, callback("bare"))).toBe(true);
  });
});

describe("member names: module namespaces and copied properties", () => {
  // Dokploy: `auth.createApiKey(…)` on `const _auth = { createApiKey: api.createApiKey }` (better-auth's api), while
  // services/user.ts exports a querying `createApiKey` that no namespace object of the program holds
  const files = {
    "svc-user.ts": `${HEADER}
export const createApiKey = async (id: number) => db.insert(posts).values({ title: "k", userId: id });
export async function rotateKey(id: number) { await db.update(posts).set({ title: "r" }).where(eq(posts.id, id)); }
export async function revokeKey(id: number) { await db.delete(posts).where(eq(posts.id, id)); }
export async function auditKey(id: number) { await db.delete(comments).where(eq(comments.postId, id)); }
`,
    "svc-barrel.ts": `export * from "./svc-notes";\n`,
    "svc-notes.ts": `${HEADER}
export async function pinNote(id: number) { await db.update(posts).set({ title: "p" }).where(eq(posts.id, id)); }
`,
    "svc-auth.ts": `declare function makeApi(): { createApiKey(body: { name: string }): Promise<string>; handler(req: unknown): void };
const api = makeApi();
const _auth = { createApiKey: api.createApiKey, handler: api.handler };
export const auth: typeof _auth = _auth;
`,
    "svc-use.ts": `import { auth } from "./svc-auth";
import * as keys from "./svc-user";
import * as barrel from "./svc-barrel";
import { revokeKey } from "./svc-user";

export async function viaLibrary() {
  await auth.createApiKey({ name: "ci" });
}
export async function viaNamespace(id: number) {
  await keys.rotateKey(id);
  const wrapped = { run: keys.rotateKey, revoke: revokeKey };
  await wrapped.run(id);
  await wrapped.revoke(id);
  await barrel.pinNote(id);
}
export async function viaDynamicImport(id: number) {
  const { auditKey } = await import("./svc-user");
  await auditKey(id);
}
`,
  };
  const program = fixtureProgram(files);
  const names = userDeclaredNames(program);
  const sf = sourceFileOf(program, "svc-use.ts");
  const calls: ts.CallExpression[] = [];
  walk(sf, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) calls.push(node);
  });

  it("counts a top-level function as a member only when a namespace object of its module is held, and a copied property only when what it copies may be a function", () => {
    expect(
      ["createApiKey", "rotateKey", "pinNote", "run", "revoke", "handler", "auditKey", "revokeKey"].map((n) => [n, names.members.has(n)]),
    ).toEqual([
      ["createApiKey", true], // svc-user.ts is held as `keys`
      ["rotateKey", true],
      ["pinNote", true], // through the barrel's `export *`
      ["run", true], // copies `keys.rotateKey`
      ["revoke", true], // copies the user binding `revokeKey`
      ["handler", false], // copies `api.handler`, and no user code declares a member `handler`
      ["auditKey", true], // svc-user.ts again (the destructured `import()` adds nothing)
      ["revokeKey", true],
    ]);
  });

  it("resolves the calls as the checker does", () => {
    const checker = program.getTypeChecker();
    const byChecker = (call: ts.CallExpression) => {
      const decl = checker.getResolvedSignature(call)?.declaration;
      return decl && !decl.getSourceFile().isDeclarationFile && !decl.getSourceFile().fileName.endsWith("svc-auth.ts") ? functionName(decl as ts.FunctionLikeDeclaration) : undefined;
    };
    const answers = calls.map((call) => [call.expression.getText(), resolveCallee(program, call) && functionName(resolveCallee(program, call)!)]);
    expect(answers).toEqual([
      ["auth.createApiKey", undefined],
      ["keys.rotateKey", "rotateKey"],
      ["wrapped.run", "rotateKey"],
      ["wrapped.revoke", "revokeKey"],
      ["barrel.pinNote", "pinNote"],
    ]);
    expect(answers).toEqual(calls.map((call) => [call.expression.getText(), byChecker(call)]));
  });
});

describe("member names without namespace objects", () => {
  it("does not count a top-level function as a member when no namespace object of its module is held", () => {
    const program = fixtureProgram({
      "only-named.ts": `${HEADER}\nexport async function tidy(id: number) { await db.delete(posts).where(eq(posts.id, id)); }\n`,
      "only-named-use.ts": `import { tidy } from "./only-named";\nexport const run = (id: number) => tidy(id);\n`,
    });
    const { members, bindings } = userDeclaredNames(program);
    expect([members.has("tidy"), bindings.has("tidy")]).toEqual([false, true]);
  });
});

describe("names a function's own locals shadow", () => {
  // midday: `getPercentageChange(previous, current)` reads its parameter `current`, while another function's local
  // `const current = await db.select()…` makes the name `current` query-reaching
  const program = fixtureProgram({
    "shadow.ts": `${HEADER}
export async function totals(id: number) {
  const current = await db.select().from(posts).where(eq(posts.id, id));
  return current;
}
function percentageChange(previous: number, current: number): number {
  const delta = current - previous;
  return previous === 0 ? 0 : Math.round((delta / previous) * 100);
}
function applies(current: () => Promise<unknown>) {
  return current();
}
function reads(row: { current: number }) {
  return row.current;
}
export const uses = { percentageChange, applies, reads };
`,
  });
  const { queryReaching } = userDeclaredNames(program);

  it("does not count a read of a parameter or local as a mention of the program's definition of that name", () => {
    expect(["current", "totals", "percentageChange"].map((n) => [n, queryReaching.has(n)])).toEqual([
      ["current", true],
      ["totals", true],
      ["percentageChange", false],
    ]);
  });

  it("still counts a call of a parameter under that name, and a property read of that name", () => {
    expect(["applies", "reads"].map((n) => [n, queryReaching.has(n)])).toEqual([
      ["applies", true],
      ["reads", true],
    ]);
  });
});
