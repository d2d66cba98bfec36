import rule from "../src/rules/no-query-in-loop.js";
import { createRuleTester, HEADER } from "./rule-tester.js";

const ruleTester = createRuleTester();

/** HEADER is four lines: test code starts on line 5. */
const code = (body: string) => `${HEADER}${body}`;
const N1 = `import { countComments, loadAuthor, postsOf, commentStore, fetchPage, postById, level1, shallow1, ping, notify } from "./n1/helpers";
import { PostRepository } from "./n1/repository";
`;
/** HEADER + N1 is six lines: test code starts on line 7. */
const withHelpers = (body: string) => `${HEADER}${N1}${body}`;
const BATCHING = `import { insertTags, insertTag, saveTags, publishPosts, unpublishPosts, resetDrafts, fetchRemote, sendOrLog, withAudit, loadOrNull } from "./n1/batching";
`;
/** HEADER + BATCHING is five lines: test code starts on line 6. */
const withBatching = (body: string) => `${HEADER}${BATCHING}${body}`;

const DELETE_ADVICE = "Run one delete for all rows, filtered with `inArray(...)`.";
const UPDATE_ADVICE =
  "Use one statement for all rows: an update filtered with `inArray(...)` when every row gets the same values, or a single `UPDATE … FROM (VALUES …)` or `CASE` built with `sql` when the values differ";
/** Outside a transaction the advice adds one transaction around the loop; inside one it does not. */
const UPDATE_DB_ADVICE = `${UPDATE_ADVICE} (or at least run the loop in one transaction, to commit once).`;
const UPDATE_TX_ADVICE = `${UPDATE_ADVICE}.`;

const constantLoops = code(`import { pgEnum } from "drizzle-orm/pg-core";
const PROVIDER_TYPES = { github: "oauth", google: "oauth", email: "magic-link" };
const ROLES = ["owner", "admin", "member"];
const KINDS = ["a", "b"] as const;
enum Plan { Free = "free", Pro = "pro" }
const status = pgEnum("status", ["draft", "published"]);
export async function f() {
  for (const k in PROVIDER_TYPES) await db.select().from(users).where(eq(users.name, k));
  for (const role of ROLES) await db.$count(users, eq(users.name, role));
  for (const [name] of Object.entries(PROVIDER_TYPES)) await db.select().from(users).where(eq(users.name, name));
  await Promise.all(KINDS.map((kind) => db.select().from(posts).where(eq(posts.title, kind))));
  for (const plan of Object.values(Plan)) await db.select().from(users).where(eq(users.name, plan));
  for (const value of status.enumValues) await db.select().from(posts).where(eq(posts.title, value));
  for (let attempt = 1; attempt <= 3; attempt++) await db.select().from(posts).where(eq(posts.id, attempt));
}`);

ruleTester.run("no-query-in-loop", rule, {
  valid: [
    {
      name: "a query after the loop",
      code: code(`export async function f(ids: number[]) {
  const wanted: number[] = [];
  for (const id of ids) wanted.push(id * 2);
  return db.select().from(posts).where(inArray(posts.id, wanted));
}`),
    },
    {
      name: "the loop's iterable runs once",
      code: code(`export async function f() {
  for (const p of await db.select().from(posts)) console.log(p.title);
  for (const u of await db.query.users.findMany()) console.log(u.email);
}`),
    },
    {
      name: "a loop over a query's result whose body works only in memory",
      code: code(`export async function f() {
  const rows = await db.select().from(posts);
  const titles: string[] = [];
  for (const row of rows) {
    if (row.published) titles.push(row.title.toUpperCase());
  }
  return rows.map((r) => ({ ...r, slug: r.title.toLowerCase() }));
}`),
    },
    {
      name: "builders built in a loop and run once with db.batch",
      code: code(`export async function f(names: string[]) {
  const queries = [];
  for (const name of names) queries.push(neonDb.insert(tags).values({ name }));
  const more = names.map((name) => neonDb.insert(tags).values({ name }));
  await neonDb.batch([queries[0], ...queries.slice(1), ...more] as [any, ...any[]]);
}`),
    },
    {
      name: "a callback defined in a loop but not called there",
      code: code(`export function f(ids: number[]) {
  const loaders: Array<() => Promise<unknown>> = [];
  for (const id of ids) {
    loaders.push(async () => db.select().from(posts).where(eq(posts.id, id)));
    const later = async () => { await db.delete(posts).where(eq(posts.id, id)); };
    setTimeout(later, 1000);
  }
  return loaders;
}`),
    },
    {
      name: "Map#forEach and Set#forEach with non-Drizzle bodies",
      code: code(`export function f(map: Map<string, number>, set: Set<string>) {
  map.forEach((v, k) => map.delete(k));
  set.forEach((k) => { map.delete(k); kv.delete(k); });
}`),
    },
    {
      name: "non-Drizzle async calls in loops: fetch, axios, a Prisma-like client, a KV store, Map#delete",
      code: withHelpers(`export async function f(ids: number[], urls: string[], cache: Map<number, string>) {
  for (const url of urls) await fetch(url);
  for (const id of ids) {
    await axios.delete("/posts/" + id);
    await prisma.post.delete({ where: { id } });
    await prisma.post.findMany({ where: { id } });
    await kv.delete(String(id));
    cache.delete(id);
    await notify(id);
  }
  await Promise.all(ids.map((id) => prisma.post.update({ where: { id } })));
}`),
    },
    {
      name: "a const of mapped builders that is never awaited element by element",
      code: code(`export async function f(ids: number[]) {
  const pending = ids.map((id) => db.select().from(posts).where(eq(posts.id, id)));
  const awaitedArray = await pending; // awaits the array, not its elements
  console.log(pending.length, awaitedArray);
  const later = ids.map((id) => db.delete(tags).where(eq(tags.id, id)));
  return later;
}`),
    },
    {
      name: "builders in a loop that are never run",
      code: code(`export function f(ids: number[]) {
  for (const id of ids) {
    const q = db.select().from(posts).where(eq(posts.id, id));
    console.log(q.toSQL());
  }
  ids.forEach((id) => db.delete(posts).where(eq(posts.id, id)));
  return ids.map((id) => db.select().from(posts).where(eq(posts.id, id)).toSQL());
}`),
    },
    {
      name: "a prepared statement built in a loop but not executed there",
      code: code(`export function f(ids: number[]) {
  const statements = [];
  for (const id of ids) statements.push(db.select().from(posts).where(eq(posts.id, id)).prepare("p" + id));
  return statements;
}`),
    },
    {
      name: "pagination: do/while on the batch length",
      code: code(`export async function f() {
  let offset = 0;
  let batch: Array<{ id: number }>;
  do {
    batch = await db.select({ id: posts.id }).from(posts).limit(100).offset(offset);
    offset += batch.length;
    await db.update(posts).set({ published: true }).where(inArray(posts.id, batch.map((b) => b.id)));
  } while (batch.length === 100);
}`),
    },
    {
      name: "pagination: while on a cursor derived from the rows",
      code: withHelpers(`export async function f() {
  let cursor: number | undefined = 0;
  while (cursor !== undefined) {
    const rows = await fetchPage(cursor);
    cursor = rows.at(-1)?.id;
  }
}`),
    },
    {
      name: "pagination: for(;;) that breaks when a page is empty",
      code: code(`export async function f() {
  for (let page = 0; ; page++) {
    const rows = await db.select().from(posts).limit(50).offset(page * 50);
    if (!rows.length) break;
    console.log(rows.length);
  }
}`),
    },
    {
      name: "depth limit: a helper four levels deep is not followed with maxDepth 3",
      code: withHelpers(`export async function f(ids: number[]) {
  for (const id of ids) await level1(id);
}`),
    },
    {
      name: "maxDepth 0: helpers are not followed",
      options: [{ maxDepth: 0 }],
      code: withHelpers(`export async function f(ids: number[]) {
  for (const id of ids) await countComments(id);
}`),
    },
    {
      name: "recursive helpers terminate and run no query",
      code: withHelpers(`export async function f(ids: number[]) {
  for (const id of ids) await ping(id);
}`),
    },
    {
      name: "a query that runs at most once: returned, or followed by break",
      code: code(`export async function f(ids: number[]) {
  for (const id of ids) {
    if (id > 10) return await db.select().from(posts).where(eq(posts.id, id));
  }
  for (const id of ids) {
    if (id < 0) {
      await db.insert(tags).values({ name: String(id) });
      break;
    }
  }
  while (true) {
    try {
      await db.insert(tags).values({ name: "retry" });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return [];
}`),
    },
    {
      name: "a lazy initialisation in a loop runs once",
      code: code(`export async function f(ids: number[]) {
  let all: Array<{ id: number }> | undefined;
  let tagRows: Array<{ id: number }> | undefined;
  const out: number[] = [];
  for (const id of ids) {
    if (!all) all = await db.select({ id: posts.id }).from(posts);
    tagRows ??= await db.select({ id: tags.id }).from(tags);
    out.push(all.length + tagRows.length + id);
  }
  return out;
}`),
    },
    {
      name: "an endless worker loop polls; it is not a pass over N rows",
      code: code(`declare function sleep(ms: number): Promise<void>;
export async function worker() {
  while (true) {
    const [job] = await db.select().from(posts).where(eq(posts.published, false)).limit(1);
    if (!job) {
      await sleep(1000);
      continue;
    }
    await db.update(posts).set({ published: true }).where(eq(posts.id, job.id));
  }
}`),
    },
    {
      name: "a loop over a fixed array literal",
      code: code(`export async function f() {
  for (const table of [posts, comments]) await db.delete(table);
  await Promise.all([users, tags].map((t) => db.$count(t)));
}`),
    },
    {
      name: "loops over constants: keys of a const object, a const array, an as-const tuple, an enum, pgEnum values",
      code: constantLoops,
    },
    {
      name: "unknown types are never reported",
      code: code(`declare const anyDb: any;
export async function f(ids: number[]) {
  for (const id of ids) await anyDb.select().from(posts).where(eq(posts.id, id));
}`),
    },
    {
      name: "an iteration helper that is not configured",
      code: code(`declare function pMap<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]>;
export async function f(ids: number[]) {
  await pMap(ids, async (id) => db.select().from(posts).where(eq(posts.id, id)));
}`),
    },
    {
      name: "chunked bulk inserts: a slice of the rows per iteration, directly and through a helper",
      code: withBatching(`export async function importTags(names: string[], batchSize = 500) {
  for (let i = 0; i < names.length; i += batchSize) {
    const batch = names.slice(i, i + batchSize);
    await db.insert(tags).values(batch.map((name) => ({ name })));
    await insertTags(batch.map((name) => ({ name })));
  }
}
export async function importRows(rows: Array<{ name: string }>, chunks: ReadonlyArray<Array<{ name: string }>>) {
  for (let i = 0; i < rows.length; i += 100) await db.insert(tags).values(rows.slice(i, i + 100)).onConflictDoNothing();
  for (const chunk of chunks) await db.insert(tags).values([...chunk, { name: "extra" }]);
  await Promise.all(chunks.map((chunk) => insertTags(chunk)));
  for (const rows of chunks) await saveTags({ rows });
  for (const chunk of chunks) await saveTags({ rows: chunk.filter((row) => row.name) });
}`),
    },
    {
      name: "chunked updates, deletes and reads: inArray over the loop's chunk",
      code: withBatching(`export async function publish(ids: number[], chunks: number[][]) {
  for (const chunk of chunks) {
    await db.update(posts).set({ published: true }).where(inArray(posts.id, chunk));
    const rows = await db.select().from(posts).where(and(eq(posts.published, true), inArray(posts.id, chunk)));
    await db.query.posts.findMany({ where: inArray(posts.id, chunk) });
    await db.$count(comments, inArray(comments.postId, chunk));
    console.log(rows.length);
  }
  for (let i = 0; i < ids.length; i += 1000) {
    await db.delete(comments).where(inArray(comments.postId, ids.slice(i, i + 1000)));
  }
  let offset = 0;
  while (offset < ids.length) {
    const end = offset + 200;
    const batch = ids.slice(offset, end).map((id) => id * 2);
    await db.update(posts).set({ published: false }).where(inArray(posts.id, batch));
    offset = end;
  }
  const queue = [...ids];
  while (queue.length > 0) {
    const next = queue.splice(0, 100);
    await db.delete(posts).where(inArray(posts.id, next));
  }
  await Promise.all(chunks.map((chunk) => db.delete(tags).where(inArray(tags.id, chunk))));
  for (const [index, chunk] of chunks.entries()) {
    console.log(index);
    await db.update(posts).set({ title: "batch" }).where(inArray(posts.id, chunk));
  }
}`),
    },
    {
      name: "chunked writes through helpers: the chunk reaches the helper's inArray through its parameter",
      code: withBatching(`export async function publishAll(ids: number[], chunks: number[][]) {
  for (const chunk of chunks) await publishPosts(chunk);
  for (let i = 0; i < ids.length; i += 100) {
    await unpublishPosts(ids.slice(i, i + 100).map((id) => ({ id })));
  }
}`),
    },
    {
      name: "a query that runs only in a helper's catch block (the error path)",
      code: withBatching(`export async function fetchAll(ids: number[], userId: number) {
  for (const id of ids) {
    try {
      await fetchRemote(id, userId);
    } catch {}
  }
  await Promise.all(ids.map((id) => sendOrLog(id)));
}`),
    },
    {
      name: "a query in the loop's own catch block: runs per failure, not per row",
      code: code(`export async function sendAll(ids: number[]) {
  for (const id of ids) {
    try {
      await fetch("https://example.com/" + id);
    } catch (error) {
      await db.insert(tags).values({ name: String(error) + id });
    }
  }
  await Promise.all(ids.map((id) => fetch("https://example.com/" + id).catch(async () => {
    await db.insert(tags).values({ name: "failed" });
  })));
}`),
    },
  ],
  invalid: [
    {
      name: "constant loops are reported with maxConstantLoopLength: -1",
      options: [{ maxConstantLoopLength: -1 }],
      code: constantLoops,
      errors: [12, 13, 14, 15, 16, 17, 18].map((line) => ({ messageId: line === 13 ? ("countInLoop" as const) : ("readInLoop" as const), line })),
    },
    {
      name: "constant collections longer than maxConstantLoopLength, or that may change, are reported; counted loops too, and counters moved in the body, variable bounds or other steps",
      code: code(`const SIX = ["a", "b", "c", "d", "e", "f"];
const grown: string[] = [];
grown.push("x");
const CONFIG: Record<string, string> = { a: "1" };
export const SHARED = ["a", "b"];
export async function f() {
  for (const name of SIX) await db.select().from(users).where(eq(users.name, name));
  for (const name of grown) await db.select().from(users).where(eq(users.name, name));
  for (const k in CONFIG) await db.select().from(users).where(eq(users.name, k));
  for (const name of SHARED) await db.select().from(users).where(eq(users.name, name));
  for (const name of ["a", "b", "c"]) await db.select().from(users).where(eq(users.name, name));
  for (let i = 0; i < 3; i++) await db.select().from(users).where(eq(users.id, i));
  for (let i = 0; i < 2; i++) {
    await db.select().from(users).where(eq(users.id, i));
    if (i === 1) i = -1;
  }
  for (let i = 0; i < grown.length; i++) await db.select().from(users).where(eq(users.name, grown[i] ?? ""));
  for (let i = 0; i < 2; i += 2) await db.select().from(users).where(eq(users.id, i));
}`),
      options: [{ maxConstantLoopLength: 2 }],
      errors: [11, 12, 13, 14, 15, 16, 18, 21, 22].map((line) => ({ messageId: "readInLoop" as const, line })),
    },
    {
      name: "a helper's own loop reports its N+1 once: not again at the caller's loop",
      code: code(`async function tagAll(postIds: number[]) {
  for (const id of postIds) await db.insert(tags).values({ name: String(id) });
}
export async function f(batches: number[][]) {
  for (const batch of batches) await tagAll(batch);
}`),
      errors: [{ messageId: "insertInLoop", line: 6 }],
    },
    {
      name: "a caller's loop around a helper without its own loop is still reported; around the helper with one, not again",
      code: code(`async function tagOne(id: number) {
  await db.insert(tags).values({ name: String(id) });
}
async function tagAll(postIds: number[]) {
  for (const id of postIds) await tagOne(id);
}
export async function f(ids: number[]) {
  for (const id of ids) await tagOne(id);
  await Promise.all(ids.map((id) => tagAll([id])));
}`),
      errors: [
        { messageId: "insertInLoop", line: 9, data: { query: "tagOne → db.insert(tags)", tables: "tags" } },
        { messageId: "insertInLoop", line: 12, data: { query: "tagOne → db.insert(tags)", tables: "tags" } },
      ],
    },
    {
      name: "one row per insert is still N+1: an object, a one-row array literal, here or passed to a bulk helper",
      code: withBatching(`export async function f(names: string[]) {
  for (const name of names) {
    const row = { name };
    await db.insert(tags).values(row);
    await db.insert(tags).values([{ name }]);
    await insertTag(name);
    await insertTags([{ name }]);
    await saveTags({ rows: [{ name }] });
    const rows = [row];
    await saveTags({ rows });
  }
}`),
      errors: [
        { messageId: "insertInLoop", line: 9, data: { query: "db.insert(tags)", tables: "tags" } },
        { messageId: "insertInLoop", line: 10, data: { query: "db.insert(tags)", tables: "tags" } },
        { messageId: "insertInLoop", line: 11, data: { query: "insertTag → db.insert(tags)", tables: "tags" } },
        { messageId: "insertInLoop", line: 12, data: { query: "insertTags → db.insert(tags)", tables: "tags" } },
        { messageId: "insertInLoop", line: 13, data: { query: "saveTags → db.insert(tags)", tables: "tags" } },
        { messageId: "insertInLoop", line: 15, data: { query: "saveTags → db.insert(tags)", tables: "tags" } },
      ],
    },
    {
      name: "inArray whose array does not follow the loop: a fixed list, a one-element literal, a property of the row, a fixed slice",
      code: withBatching(`export async function f(userIds: number[], fixed: number[], rows: Array<{ userId: number; postIds: number[] }>) {
  for (const userId of userIds) {
    await db.update(posts).set({ userId }).where(inArray(posts.id, fixed));
    await db.delete(comments).where(inArray(comments.postId, [userId]));
    await db.select().from(posts).where(inArray(posts.id, fixed.slice(0, 10)));
    await resetDrafts(userId);
  }
  for (const row of rows) await db.update(posts).set({ userId: row.userId }).where(inArray(posts.id, row.postIds));
}`),
      errors: [
        { messageId: "writeInLoop", line: 8, data: { query: "db.update(posts)", tables: "posts", verb: "updates", advice: UPDATE_DB_ADVICE } },
        { messageId: "writeInLoop", line: 9, data: { query: "db.delete(comments)", tables: "comments", verb: "deletes from", advice: DELETE_ADVICE } },
        { messageId: "readInLoop", line: 10 },
        { messageId: "writeInLoop", line: 11, data: { query: "resetDrafts → db.update(posts)", tables: "posts", verb: "updates", advice: UPDATE_DB_ADVICE } },
        { messageId: "writeInLoop", line: 13 },
      ],
    },
    {
      name: "a helper given the whole list, not the loop's chunk, and notInArray on the chunk",
      code: withBatching(`export async function f(all: number[], chunks: number[][]) {
  for (const chunk of chunks) {
    await publishPosts(all);
    await db.delete(posts).where(notInArray(posts.id, chunk));
  }
}
import { notInArray } from "drizzle-orm";`),
      errors: [
        { messageId: "writeInLoop", line: 8, data: { query: "publishPosts → db.update(posts)", tables: "posts", verb: "updates", advice: UPDATE_DB_ADVICE } },
        { messageId: "writeInLoop", line: 9 },
      ],
    },
    {
      name: "queries in a helper's try or finally block run on every call",
      code: withBatching(`export async function f(ids: number[]) {
  for (const id of ids) {
    await loadOrNull(id);
    await withAudit(async () => id, id);
  }
}`),
      errors: [
        { messageId: "readInLoop", line: 8, data: { query: "loadOrNull → db.select(posts)", tables: "posts" } },
        { messageId: "insertInLoop", line: 9, data: { query: "withAudit → db.insert(tags)", tables: "tags" } },
      ],
    },
    {
      name: "per-row update values: the advice names UPDATE … FROM (VALUES …) or CASE, without a transaction hint inside one",
      code: code(`export async function reorder(userId: number, items: { id: number; title: string }[]) {
  await db.transaction(async (tx) => {
    for (const item of items) {
      await tx.update(posts).set({ title: item.title }).where(and(eq(posts.id, item.id), eq(posts.userId, userId)));
    }
  });
  for (const item of items) await db.update(posts).set({ title: item.title }).where(eq(posts.id, item.id));
}`),
      errors: [
        { messageId: "writeInLoop", line: 8, data: { query: "tx.update(posts)", tables: "posts", verb: "updates", advice: UPDATE_TX_ADVICE } },
        { messageId: "writeInLoop", line: 11, data: { query: "db.update(posts)", tables: "posts", verb: "updates", advice: UPDATE_DB_ADVICE } },
      ],
    },
    {
      name: "neon-http has no interactive transactions: no transaction advice",
      code: code(`export async function reorder(items: { id: number; title: string }[]) {
  for (const item of items) await neonDb.update(posts).set({ title: item.title }).where(eq(posts.id, item.id));
}`),
      errors: [{ messageId: "writeInLoop", line: 6, data: { query: "neonDb.update(posts)", tables: "posts", verb: "updates", advice: UPDATE_TX_ADVICE } }],
    },
    {
      name: "for-of with an awaited select",
      code: code(`export async function f(ids: number[]) {
  for (const id of ids) {
    const rows = await db.select().from(posts).where(eq(posts.userId, id));
    console.log(rows);
  }
}`),
      errors: [{ messageId: "readInLoop", line: 7, data: { query: "db.select(posts)", tables: "posts" } }],
    },
    {
      name: "classic for, for-in, while and do-while",
      code: code(`export async function f(ids: number[], byKey: Record<string, number>) {
  for (let i = 0; i < ids.length; i++) await db.delete(posts).where(eq(posts.id, ids[i]));
  for (const key in byKey) await db.update(posts).set({ title: key }).where(eq(posts.id, byKey[key]));
  let i = 0;
  while (i < ids.length) {
    await db.insert(tags).values({ name: String(ids[i]) });
    i++;
  }
  do {
    await db.$count(comments, eq(comments.postId, ids[i]));
    i--;
  } while (i > 0);
}`),
      errors: [
        { messageId: "writeInLoop", line: 6, data: { query: "db.delete(posts)", tables: "posts", verb: "deletes from", advice: DELETE_ADVICE } },
        { messageId: "writeInLoop", line: 7, data: { query: "db.update(posts)", tables: "posts", verb: "updates", advice: UPDATE_DB_ADVICE } },
        { messageId: "insertInLoop", line: 10, data: { query: "db.insert(tags)", tables: "tags" } },
        { messageId: "countInLoop", line: 14, data: { query: "db.$count(comments)", tables: "comments" } },
      ],
    },
    {
      name: "for await over a stream",
      code: code(`export async function f(stream: AsyncIterable<number>) {
  for await (const id of stream) await db.delete(comments).where(eq(comments.id, id));
}`),
      errors: [{ messageId: "writeInLoop", line: 6 }],
    },
    {
      name: "Promise.all over an async map, and a sync map of builders inside Promise.all",
      code: code(`export async function f(ids: number[]) {
  const a = await Promise.all(ids.map(async (id) => db.select().from(posts).where(eq(posts.id, id))));
  const b = await Promise.allSettled(ids.map((id) => db.query.posts.findFirst({ where: eq(posts.id, id) })));
  return [a, b];
}`),
      errors: [
        { messageId: "readInLoop", line: 6, data: { query: "db.select(posts)", tables: "posts" } },
        { messageId: "readInLoop", line: 7, data: { query: "db.query.posts.findFirst", tables: "posts" } },
      ],
    },
    {
      name: "a const of mapped builders awaited later by Promise.all or for await",
      code: code(`export async function f(ids: number[]) {
  const pending = ids.map((id) => db.select().from(posts).where(eq(posts.id, id)));
  const rows = await Promise.all(pending);
  const deletes = ids.map((id) => db.delete(tags).where(eq(tags.id, id)));
  for await (const done of deletes) console.log(done);
  return rows;
}`),
      errors: [
        { messageId: "readInLoop", line: 6, data: { query: "db.select(posts)", tables: "posts" } },
        { messageId: "writeInLoop", line: 8 },
      ],
    },
    {
      name: "forEach, reduce, flatMap and Array.from callbacks",
      code: code(`export async function f(ids: number[], set: Set<number>) {
  ids.forEach(async (id) => {
    await db.delete(posts).where(eq(posts.id, id));
  });
  await ids.reduce(async (prev, id) => {
    await prev;
    await db.insert(tags).values({ name: String(id) });
  }, Promise.resolve());
  await Promise.all(ids.flatMap((id) => [db.select().from(users).where(eq(users.id, id))]));
  await Promise.all(Array.from(set, async (id) => db.$count(posts, eq(posts.userId, id))));
}`),
      errors: [
        { messageId: "writeInLoop", line: 7 },
        { messageId: "insertInLoop", line: 11 },
        { messageId: "countInLoop", line: 14 },
      ],
    },
    {
      name: "Map#forEach with a Drizzle body is still one query per entry",
      code: code(`export function f(pending: Map<number, string>) {
  pending.forEach(async (title, id) => {
    await db.update(posts).set({ title }).where(eq(posts.id, id));
  });
}`),
      errors: [{ messageId: "writeInLoop", line: 7 }],
    },
    {
      name: ".then() and .execute() run the builder",
      code: code(`export function f(ids: number[]) {
  for (const id of ids) {
    db.select().from(posts).where(eq(posts.id, id)).then((rows) => console.log(rows));
    void db.delete(tags).where(eq(tags.id, id)).execute();
  }
}`),
      errors: [
        { messageId: "readInLoop", line: 7 },
        { messageId: "writeInLoop", line: 8 },
      ],
    },
    {
      name: "executing a prepared statement in the loop",
      code: withHelpers(`const byUser = db.select().from(posts).where(eq(posts.userId, sql.placeholder("userId"))).prepare("by_user");
export async function f(ids: number[]) {
  for (const userId of ids) {
    await byUser.execute({ userId });
    await postById.execute();
  }
}`),
      errors: [
        { messageId: "readInLoop", line: 10, data: { query: "byUser.execute → db.select(posts)", tables: "posts" } },
        { messageId: "readInLoop", line: 11, data: { query: "postById.execute → db.select(posts)", tables: "posts" } },
      ],
    },
    {
      name: "transactions run per iteration",
      code: code(`export async function f(names: string[]) {
  for (const name of names) {
    await db.transaction(async (tx) => {
      await tx.insert(tags).values({ name });
    });
  }
}`),
      errors: [{ messageId: "insertInLoop", line: 8, data: { query: "tx.insert(tags)", tables: "tags" } }],
    },
    {
      name: "helpers in another file: function, arrow in a variable, lazy builder awaited here",
      code: withHelpers(`export async function f(postIds: number[], userIds: number[]) {
  for (const id of postIds) {
    const n = await countComments(id);
    console.log(n);
  }
  const authors = await Promise.all(userIds.map((id) => loadAuthor(id)));
  for (const id of userIds) console.log(await postsOf(id));
  return authors;
}`),
      errors: [
        { messageId: "countInLoop", line: 9, data: { query: "countComments → db.$count(comments)", tables: "comments" } },
        { messageId: "readInLoop", line: 12, data: { query: "loadAuthor → db.query.users.findFirst", tables: "users" } },
        { messageId: "readInLoop", line: 13, data: { query: "postsOf → db.select(posts)", tables: "posts" } },
      ],
    },
    {
      name: "object methods in another file",
      code: withHelpers(`export async function f(ids: number[]) {
  for (const id of ids) {
    await commentStore.add(id, 1, "hi");
    await commentStore.remove(id);
  }
}`),
      errors: [
        { messageId: "insertInLoop", line: 9, data: { query: "commentStore.add → db.insert(comments)", tables: "comments" } },
        { messageId: "writeInLoop", line: 10, data: { query: "commentStore.remove → db.delete(comments)", tables: "comments", verb: "deletes from", advice: DELETE_ADVICE } },
      ],
    },
    {
      name: "class methods through this.model (repository in another file)",
      code: withHelpers(`export class PostService {
  constructor(private readonly model: PostRepository) {}
  async titles(ids: number[]) {
    const out: string[] = [];
    for (const id of ids) {
      const post = await this.model.findById(id);
      if (post) out.push(this.model.title(post));
    }
    return Promise.all(ids.map((id) => this.model.countComments(id)));
  }
}`),
      errors: [
        { messageId: "readInLoop", line: 12, data: { query: "PostRepository.findById → this.database.select(posts)", tables: "posts" } },
        { messageId: "countInLoop", line: 15, data: { query: "PostRepository.countComments → this.database.$count(comments)", tables: "comments" } },
      ],
    },
    {
      name: "a helper three levels deep is within the default depth",
      code: withHelpers(`export async function f(ids: number[]) {
  for (const id of ids) await shallow1(id);
}`),
      errors: [{ messageId: "readInLoop", line: 8, data: { query: "shallow1 → shallow2 → shallow3 → db.select(users)", tables: "users" } }],
    },
    {
      name: "a helper four levels deep is followed with a larger maxDepth",
      options: [{ maxDepth: 4 }],
      code: withHelpers(`export async function f(ids: number[]) {
  for (const id of ids) await level1(id);
}`),
      errors: [{ messageId: "readInLoop", line: 8 }],
    },
    {
      name: "a local helper called in the loop, and an IIFE",
      code: code(`const findPost = async (id: number) => {
  const [row] = await db.select().from(posts).where(eq(posts.id, id));
  return row;
};
export async function f(ids: number[]) {
  for (const id of ids) {
    await findPost(id);
    await (async () => {
      await db.delete(tags).where(eq(tags.id, id));
    })();
  }
}`),
      errors: [
        { messageId: "readInLoop", line: 11, data: { query: "findPost → db.select(posts)", tables: "posts" } },
        { messageId: "writeInLoop", line: 13, data: { query: "db.delete(tags)", tables: "tags", verb: "deletes from", advice: DELETE_ADVICE } },
      ],
    },
    {
      name: "nested loops report each site once",
      code: code(`export async function f(groups: number[][]) {
  for (const group of groups) {
    for (const id of group) {
      await db.delete(posts).where(eq(posts.id, id));
    }
    await Promise.all(group.map((id) => db.delete(comments).where(eq(comments.id, id))));
  }
}`),
      errors: [
        { messageId: "writeInLoop", line: 8 },
        { messageId: "writeInLoop", line: 10 },
      ],
    },
    {
      name: "a per-row query inside a pagination loop is still N+1",
      code: code(`export async function f() {
  let batch: Array<{ id: number }>;
  do {
    batch = await db.select({ id: posts.id }).from(posts).limit(100);
    for (const row of batch) await db.delete(comments).where(eq(comments.postId, row.id));
  } while (batch.length > 0);
}`),
      errors: [{ messageId: "writeInLoop", line: 9 }],
    },
    {
      name: "a while(true) loop over a queue, whose exit does not depend on a query",
      code: code(`export async function drain(queue: number[]) {
  while (true) {
    const id = queue.shift();
    if (id === undefined) break;
    await db.delete(posts).where(eq(posts.id, id));
  }
}`),
      errors: [{ messageId: "writeInLoop", line: 9 }],
    },
    {
      name: "find-first in a for-of is still one query per element until found",
      code: code(`export async function firstFree(names: string[]) {
  for (const name of names) {
    const taken = await db.$count(tags, eq(tags.name, name));
    if (taken === 0) return name;
  }
  return undefined;
}`),
      errors: [{ messageId: "countInLoop", line: 7 }],
    },
    {
      name: "pagination loops with reportPagination",
      options: [{ reportPagination: true }],
      code: withHelpers(`export async function f() {
  let cursor: number | undefined = 0;
  while (cursor !== undefined) {
    const rows = await fetchPage(cursor);
    cursor = rows.at(-1)?.id;
  }
  for (let page = 0; ; page++) {
    const rows = await db.select().from(posts).limit(50).offset(page * 50);
    if (!rows.length) break;
  }
}`),
      errors: [
        { messageId: "readInLoop", line: 10, data: { query: "fetchPage → db.select(posts)", tables: "posts" } },
        { messageId: "readInLoop", line: 14 },
      ],
    },
    {
      name: "iterationFunctions: pMap, Effect.forEach and lodash map",
      options: [{ iterationFunctions: ["pMap", "Effect.forEach", "map"] }],
      code: code(`declare function pMap<T, R>(items: T[], fn: (item: T) => Promise<R>, options?: { concurrency: number }): Promise<R[]>;
declare const Effect: { forEach<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> };
declare function map<T, R>(items: T[], fn: (item: T) => R): R[];
export async function f(ids: number[]) {
  await pMap(ids, async (id) => db.select().from(posts).where(eq(posts.id, id)), { concurrency: 4 });
  await Effect.forEach(ids, async (id) => { await db.delete(posts).where(eq(posts.id, id)); });
  await Promise.all(map(ids, (id) => db.insert(tags).values({ name: String(id) })));
}`),
      errors: [
        { messageId: "readInLoop", line: 9 },
        { messageId: "writeInLoop", line: 10 },
        { messageId: "insertInLoop", line: 11 },
      ],
    },
    {
      name: "raw SQL through db.execute",
      code: code(`export async function f(ids: number[]) {
  for (const id of ids) await db.execute(sql\`select * from posts where id = \${id}\`);
}`),
      errors: [{ messageId: "rawInLoop", line: 6, data: { query: "db.execute" } }],
    },
  ],
});
