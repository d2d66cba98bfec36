import ts from "typescript";
import { describe, expect, it } from "vitest";
import { resolveCallee } from "../../src/engine/callees.js";
import { isFunctionLike, isUserSourceFile, walk } from "../../src/engine/ts-utils.js";
import { fixtureProgram, sourceFileOf, watchChecker } from "../program.js";
import { HEADER } from "../rule-tester.js";

/**
 * Callees answered from declarations instead of by typing the call: a
 * variable holding what library code made (Dokploy's `const provider =
 * selectAIProvider(settings)`, a union of AI SDK providers; typing it took
 * 20 s), and a member that only a type literal of the receiver's declared
 * type adds (midday's `db.executeOnReplica`, on a `ReplicatedDatabase<Q>`;
 * typing `db` infers the whole schema). The answer must be the checker's.
 */
const library = `export interface Model { id: string }
export interface Provider { (modelId: string): Model; chat(modelId: string): Model }
export interface CompatibleProvider<ID extends string = string> { (modelId: ID): Model }
export declare function createProvider(options?: { apiKey?: string }): Provider;
export declare function createCompatible<ID extends string>(options: { name: string }): CompatibleProvider<ID>;
export declare function createTagged<T>(options: { name: string }): Provider;
/** React's cache: generic over the function, so the checker sees the user's function through it. */
export declare function cache<T extends Function>(fn: T): T;
export declare function wrap<T>(value: T): T;
`;

const replicas = `import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
export type Replicated<Q extends PgDatabase<PgQueryResultHKT, any, any>> = Q & {
  executeOnReplica: (query: string) => Promise<unknown[]>;
  usePrimaryOnly(): Replicated<Q>;
  helper: typeof userHelper;
};
export async function userHelper(id: number) {
  return id;
}
export const withReplicas = <Q extends PgDatabase<PgQueryResultHKT, any, any>>(primary: Q): Replicated<Q> =>
  ({ ...primary, executeOnReplica: async () => [], usePrimaryOnly: () => withReplicas(primary), helper: userHelper }) as Replicated<Q>;
export const replicated = withReplicas(db);
import { db } from "./db";
`;

const code = `${HEADER}
import { cache, createCompatible, createProvider, createTagged, wrap } from "./providers";
import { replicated } from "./replicas";

export function selectProvider(kind: string) {
  switch (kind) {
    case "a":
      return createProvider({ apiKey: "k" });
    case "b":
      return createCompatible({ name: "b" });
    default:
      throw new Error(kind);
  }
}

/** Same names as above, but user code: a function returned through a generic. */
export async function provider(id: number) {
  return db.select().from(posts).where(eq(posts.id, id));
}
export async function executeOnReplica(query: string) {
  return db.execute(sql.raw(query));
}

export const store = {
  async chat(id: number) {
    return db.select().from(posts).where(eq(posts.id, id));
  },
  async orderBy(id: number) {
    return db.select().from(posts).where(eq(posts.id, id));
  },
  async offset(id: number) {
    return db.select().from(posts).where(eq(posts.id, id));
  },
};
async function getClient(kind: string) {
  if (kind === "a") return createProvider();
  const other = createProvider({ apiKey: kind });
  return other;
}

export async function members(kind: string) {
  const client = await getClient(kind);
  client.chat("m");
  const query = db.select().from(posts);
  await query.orderBy(posts.id);
  await query.limit(1).offset(2);
  await store.chat(1);
}

export async function run(kind: string) {
  const provider = selectProvider(kind);
  provider("m");
  const direct = createProvider();
  direct.chat("m");
  const tagged = createTagged({ name: "t" });
  tagged("m");
  const awaited = await Promise.resolve(1);
  const cached = cache(async (id: number) => db.select().from(posts).where(eq(posts.id, id)));
  await cached(1);
  const wrapped = wrap(executeOnReplica);
  await wrapped("select 1");
  await replicated.executeOnReplica("select 1");
  replicated.usePrimaryOnly();
  await replicated.helper(1);
  return awaited;
}
`;

function program(): ts.Program {
  return fixtureProgram({ "providers.d.ts": library, "replicas.ts": replicas, "file.ts": code });
}

/** What resolveCallee answers by the checker alone: the resolved signature's declaration, when it is user code with a body. */
function checkerCallee(checker: ts.TypeChecker, call: ts.CallExpression): ts.Node | undefined {
  const decl = checker.getResolvedSignature(call)?.declaration;
  if (!decl || !isFunctionLike(decl)) return undefined;
  return decl.body && isUserSourceFile(decl.getSourceFile()) ? decl : undefined;
}

function callsOf(sf: ts.SourceFile, inFunction: string): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  walk(sf, (node) => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === inFunction)
      walk(node, (inner) => {
        if (ts.isCallExpression(inner)) out.push(inner);
        return undefined;
      });
    return undefined;
  });
  return out;
}

/** The checker calls that type or resolve a node, as "<method> <node text>", from now on (the program's checker is wrapped). */
function recordCheckerCalls(p: ts.Program): string[] {
  const asked: string[] = [];
  for (const method of ["getResolvedSignature", "getTypeAtLocation", "getSymbolAtLocation"] as const) {
    watchChecker(p.getTypeChecker(), method, (node) => asked.push(`${method} ${node.getText()}`));
  }
  return asked;
}

describe("callees answered from declarations", () => {
  it("answers a variable holding a library-made value, and a member only a type literal adds, without typing them", () => {
    const p = program();
    const sf = sourceFileOf(p, "file.ts");
    const asked = recordCheckerCalls(p);
    const byText = new Map(callsOf(sf, "run").map((call) => [call.getText(), call]));
    const answer = (text: string) => resolveCallee(p, byText.get(text)!);
    expect(answer('provider("m")')).toBeUndefined();
    expect(answer('direct.chat("m")')).toBeUndefined();
    expect(answer('replicated.executeOnReplica("select 1")')).toBeUndefined();
    expect(answer("replicated.usePrimaryOnly()")).toBeUndefined();
    expect(asked.filter((a) => /^getResolvedSignature|^getTypeAtLocation|executeOnReplica$|usePrimaryOnly$/.test(a))).toEqual([]);
    // near misses, through the checker: generic over a function (the user's function comes back), a member typed `typeof userHelper`
    expect(answer("cached(1)")).toBeDefined();
    expect(answer('wrapped("select 1")')).toBeDefined();
    expect(answer("replicated.helper(1)")).toBeDefined();
  });

  it("answers a member of an awaited library value and of a held query builder without typing the receiver", () => {
    const p = program();
    const sf = sourceFileOf(p, "file.ts");
    const asked = recordCheckerCalls(p);
    const byText = new Map(callsOf(sf, "members").map((call) => [call.getText(), call]));
    const typing = (text: string) => {
      asked.length = 0;
      const callee = resolveCallee(p, byText.get(text)!);
      return { callee: callee !== undefined, typed: asked.filter((a) => /^getResolvedSignature|^getTypeAtLocation|(chat|orderBy|limit|offset)$/.test(a)) };
    };
    expect(typing('client.chat("m")')).toEqual({ callee: false, typed: [] });
    expect(typing("query.orderBy(posts.id)")).toEqual({ callee: false, typed: [] });
    expect(typing("query.limit(1).offset(2)")).toEqual({ callee: false, typed: [] });
    // the near miss: a user object's method of the same name, found by the checker
    expect(typing("store.chat(1)").callee).toBe(true);
  });

  it("gives the checker's answer for every call", () => {
    const p = program();
    const sf = sourceFileOf(p, "file.ts");
    const checker = p.getTypeChecker();
    const calls = [...callsOf(sf, "run"), ...callsOf(sf, "members")];
    expect(calls.length).toBeGreaterThan(10);
    for (const call of calls) expect([call.getText(), resolveCallee(p, call)]).toEqual([call.getText(), checkerCallee(checker, call)]);
  });
});

describe("a call of what a function with a declared function-type result made", () => {
  // midday: `export const getRevenue = dedupeByDb<P, R>(keyFn, getRevenueImpl)`, dedupeByDb declared to return
  // `(db: Database, params: P) => Promise<R>`; resolving `getRevenue(db, …)` inferred the wrapped query function
  const wrapped = `${HEADER}
type Db = typeof db;
export function dedupe<P, R>(key: (p: P) => string, run: (database: Db, p: P) => Promise<R>): (database: Db, p: P) => Promise<R> {
  const inflight = new Map<string, Promise<R>>();
  return (database, p) => {
    const k = key(p);
    const found = inflight.get(k);
    if (found) return found;
    const started = run(database, p).finally(() => inflight.delete(k));
    inflight.set(k, started);
    return started;
  };
}
async function listImpl(database: Db, p: { id: number }) {
  return database.select().from(posts).where(eq(posts.id, p.id));
}
export const list = dedupe((p: { id: number }) => String(p.id), listImpl);
export const untyped = (<P,>(run: (p: P) => Promise<unknown>) => (p: P) => run(p))(async (p: { id: number }) => listImpl(db, p));
export const listAll = dedupe((p: { id: number }) => "all", listImpl);
export async function use(all: boolean) {
  await list(db, { id: 1 });
  await untyped({ id: 2 });
  const chosen = all ? listAll : list;
  await chosen(db, { id: 3 });
}
`;

  it("lands on the declared function type, which has no body: known without resolving the call", () => {
    const p = fixtureProgram({ "wrapped.ts": wrapped });
    const sf = sourceFileOf(p, "wrapped.ts");
    const checker = p.getTypeChecker();
    const calls = callsOf(sf, "use");
    const asked = recordCheckerCalls(p);
    const answers = calls.map((call) => [call.getText(), resolveCallee(p, call) !== undefined]);
    expect(asked.filter((a) => /^getResolvedSignature (list|chosen)\(/.test(a))).toEqual([]);
    expect(answers).toEqual([
      ["list(db, { id: 1 })", false],
      ["untyped({ id: 2 })", true], // no declared result type: the checker finds the returned arrow
      ["chosen(db, { id: 3 })", false], // either of two such functions
    ]);
    for (const call of calls) expect([call.getText(), resolveCallee(p, call)]).toEqual([call.getText(), checkerCallee(checker, call)]);
  });
});

describe("a `let` holding a query builder", () => {
  // midday: `let query = queryBuilder.$dynamic(); if (sort) query = query.orderBy(…);` — typing `query` infers the query
  const dynamic = `${HEADER}
export const store = { async orderBy(id: number) { return db.select().from(posts).where(eq(posts.id, id)); } };
export async function list(sort: boolean, other: boolean) {
  const base = db.select().from(posts).where(eq(posts.published, true));
  let query = base.$dynamic();
  if (sort) query = query.orderBy(posts.id);
  query = query.limit(10);
  await query.offset(5);
  let mixed: { orderBy(id: number): unknown } = base.$dynamic();
  if (other) mixed = store;
  await mixed.orderBy(1);
}
`;

  it("answers members of a builder kept in a `let` assigned only builders, without typing it, as the checker does", () => {
    const p = fixtureProgram({ "dynamic.ts": dynamic });
    const sf = sourceFileOf(p, "dynamic.ts");
    const checker = p.getTypeChecker();
    const calls = callsOf(sf, "list").filter((c) => ts.isPropertyAccessExpression(c.expression) && ["orderBy", "limit", "offset"].includes(c.expression.name.text));
    const asked = recordCheckerCalls(p);
    const answers = calls.map((call) => {
      asked.length = 0;
      const callee = resolveCallee(p, call);
      return [call.getText(), callee !== undefined, asked.filter((a) => /^(getResolvedSignature|getTypeAtLocation) |^getSymbolAtLocation (orderBy|limit|offset)$/.test(a)).length > 0];
    });
    expect(answers).toEqual([
      ["query.orderBy(posts.id)", false, false],
      ["query.limit(10)", false, false],
      ["query.offset(5)", false, false],
      // the near miss: also assigned a user object, so left to the checker (whose answer is the annotation's bodiless method)
      ["mixed.orderBy(1)", false, true],
    ]);
    for (const call of calls) expect([call.getText(), resolveCallee(p, call)]).toEqual([call.getText(), checkerCallee(checker, call)]);
  });
});

describe("a member of a value library code made from plain values", () => {
  // Sim: `export const client = createAuthClient({ plugins: [customSessionClient<typeof auth>(), …] })` and
  // `client.subscription.list()`: typing `client` typed better-auth's client over the server's whole API (5–13 s)
  const authLibrary = `export interface Plugin<T = unknown> { id: string; $infer?: T }
export declare function sessionPlugin<A>(): Plugin<A>;
export declare function billingPlugin(options: { subscription: boolean }): Plugin<{}>;
type ApiOf<O> = O extends { session: Plugin<infer A> } ? (A extends { api: infer X } ? X : {}) : {};
export type Client<O> = {
  subscription: { list(): Promise<unknown[]>; upgrade(plan: string): Promise<void> };
  fetchOptions?: unknown;
  api: ApiOf<O>;
};
export declare function createAuthClient<O extends { baseURL?: string; session?: Plugin; plugins?: Plugin[]; onError?: (e: unknown) => void }>(options?: O): Client<O>;
`;
  const server = `${HEADER}
/** The server's endpoint: a user function that writes. */
export async function list() {
  return db.insert(posts).values({ title: "t", authorId: 1 });
}
export const auth = { api: { list } };
`;
  const client = `${HEADER}
import { billingPlugin, createAuthClient, sessionPlugin } from "./auth-lib";
import type { auth } from "./server";
import { list } from "./server";

function authBaseUrl(): string {
  return process.env.AUTH_URL ?? "http://localhost";
}
const billingEnabled = process.env.BILLING === "1";
const retries = 3;

export const client = createAuthClient({
  baseURL: authBaseUrl(),
  session: sessionPlugin<typeof auth>(),
  plugins: [...(billingEnabled ? [billingPlugin({ subscription: true })] : []), { id: \`r\${retries}\` }],
});
function reportError(e: unknown) {
  console.error(e);
}
const reporting = createAuthClient({ session: sessionPlugin<typeof auth>(), onError: reportError });
const refreshing = Object.assign(createAuthClient(), { refresh: list });

export async function upgrade() {
  await client.subscription.list();
  await client.subscription.upgrade("pro");
  await client.api.list();
  await reporting.api.list();
  await refreshing.refresh();
}
`;

  it("answers without typing the receiver: no user callee, whatever the type argument carries", () => {
    const p = fixtureProgram({ "auth-lib.d.ts": authLibrary, "server.ts": server, "client.ts": client });
    const sf = sourceFileOf(p, "client.ts");
    const checker = p.getTypeChecker();
    const calls = callsOf(sf, "upgrade");
    const asked = recordCheckerCalls(p);
    const answers = calls.map((call) => {
      asked.length = 0;
      const callee = resolveCallee(p, call);
      return [call.getText(), callee?.name?.getText() ?? null, asked.filter((a) => /^(getResolvedSignature|getTypeAtLocation) |^getSymbolAtLocation (list|upgrade|refresh)$/.test(a)).length > 0];
    });
    expect(answers).toEqual([
      ["client.subscription.list()", null, false],
      ["client.subscription.upgrade(\"pro\")", null, false],
      // the type says the server's `list` (through `typeof auth`); at run time the client's member is the library's
      ["client.api.list()", null, false],
      // near misses, through the checker: a user function among the arguments
      ["reporting.api.list()", "list", true],
      ["refreshing.refresh()", "list", true],
    ]);
    // the checker follows the type argument to the server's function: the one answer that differs from it
    expect(checkerCallee(checker, calls[2]!)).toBe(checkerCallee(checker, calls[3]!));
    expect(checkerCallee(checker, calls[2]!)).toBeDefined();
    for (const call of calls.filter((_, i) => i !== 2)) expect([call.getText(), resolveCallee(p, call)]).toEqual([call.getText(), checkerCallee(checker, call)]);
  });
});

describe("a function destructured from a dynamic import", () => {
  // Sim's subscription.ts: `const { renderPlanWelcomeEmail } = await import("@/components/emails")`, then
  // `renderPlanWelcomeEmail({ userName: users[0].name })`; resolving the call checked its argument, a query's rows (1.8 s)
  const emails = `export async function renderWelcome(params: { name: string }) {
  return \`<p>\${params.name}</p>\`;
}
export const subject = (name: string) => \`Welcome, \${name}\`;
`;
  const code = `${HEADER}
export async function welcome(id: number) {
  const users = await db.select().from(posts).where(eq(posts.id, id));
  const { renderWelcome, subject: titled } = await import("./emails-index");
  const { renderWelcome: notAwaited } = import("./emails-index") as unknown as { renderWelcome: () => void };
  notAwaited();
  return [await renderWelcome({ name: users[0]!.title }), titled(users[0]!.title)];
}
`;

  it("lands on the module's export without resolving the call, as the checker does", () => {
    const p = fixtureProgram({ "emails.ts": emails, "emails-index.ts": 'export * from "./emails";\n', "file.ts": code });
    const sf = sourceFileOf(p, "file.ts");
    const calls = callsOf(sf, "welcome").filter((c) => ts.isIdentifier(c.expression) && c.expression.text !== "eq");
    expect(calls.map((c) => c.expression.getText())).toEqual(["notAwaited", "renderWelcome", "titled"]);
    const asked = recordCheckerCalls(p);
    const answers = calls.map((call) => {
      asked.length = 0;
      const callee = resolveCallee(p, call);
      return [call.expression.getText(), callee ? `${callee.getSourceFile().fileName.split("/").pop()}:${callee.getStart()}` : null, asked.some((a) => a.startsWith("getResolvedSignature"))];
    });
    const checker = p.getTypeChecker();
    const byChecker = calls.map((call) => {
      const decl = checker.getResolvedSignature(call)?.declaration;
      return decl && isFunctionLike(decl) && decl.body && isUserSourceFile(decl.getSourceFile()) ? `${decl.getSourceFile().fileName.split("/").pop()}:${decl.getStart()}` : null;
    });
    // not destructured from an awaited import: resolved as before
    expect(answers[0]).toEqual(["notAwaited", null, true]);
    expect(answers.slice(1).map(([, , resolved]) => resolved)).toEqual([false, false]);
    expect(answers.map(([, callee]) => callee)).toEqual(byChecker);
    expect(byChecker.slice(1).every((c) => c?.startsWith("emails.ts:"))).toBe(true);
  });
});
