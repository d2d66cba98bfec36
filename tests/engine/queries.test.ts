import { describe, expect, it } from "vitest";
import { chainTable, chainUse, queryChainsIn } from "../../src/engine/queries.js";
import { fixtureProgram, sourceFileOf, watchChecker } from "../program.js";
import { HEADER } from "../rule-tester.js";

const code = `${HEADER}
const m = new Map<string, number>();
export async function run(userId: number) {
  m.delete("x");
  await kv.delete("k");
  await axios.delete("/x");
  const a = await db.select().from(posts).where(eq(posts.userId, userId));
  const b = db.delete(comments).where(eq(comments.id, 1));
  const c = await db.query.posts.findMany({ where: eq(posts.userId, userId) });
  await db.transaction(async (tx) => {
    await tx.update(users).set({ name: "x" }).where(eq(users.id, userId));
  });
  const p = db.select().from(tags).prepare("q");
  await db.$count(comments, eq(comments.authorId, userId));
  return db.insert(tags).values({ name: "t" });
}
`;

describe("queryChainsIn", () => {
  const program = fixtureProgram({ "file.ts": code });
  const sf = sourceFileOf(program, "file.ts");
  const chains = queryChainsIn(program, sf);

  it("finds Drizzle chains by type, and nothing on Map/KV/axios", () => {
    expect(chains.map((c) => `${c.operation}:${c.rootKind}:${chainTable(program, c)?.sqlName}:${chainUse(c)}`)).toEqual([
      "select:database:posts:executed",
      "delete:database:comments:built",
      "relational:database:posts:executed",
      "update:transaction:users:executed",
      "select:database:tags:prepared",
      "count:database:comments:executed",
      "insert:database:tags:returned",
    ]);
  });
});

describe("calls that cannot start a query", () => {
  const program = fixtureProgram({
    "file.ts": `${HEADER}
export function run(caller: any, params: URLSearchParams) {
  db.toString();
  db.constructor.name;
  caller.delete({ id: 1 });
  caller.update({ id: 1, name: "x" });
  params.delete("page");
  return db.delete(comments);
}
`,
  });
  const sf = sourceFileOf(program, "file.ts");

  it("are not chains: methods inherited from Object.prototype, and table-first methods given a literal", () => {
    expect(queryChainsIn(program, sf).map((c) => `${c.operation}:${c.start.getText(sf)}`)).toEqual(["delete:db.delete(comments)"]);
  });

  it("do not make the engine type their receiver", () => {
    const fresh = fixtureProgram({ "file.ts": sf.text });
    const checker = fresh.getTypeChecker();
    const typed: string[] = [];
    const restore = watchChecker(checker, "getTypeAtLocation", (node) => typed.push(node.getText()));
    try {
      queryChainsIn(fresh, sourceFileOf(fresh, "file.ts"));
    } finally {
      restore();
    }
    expect(typed).not.toContain("caller");
    expect(typed).not.toContain("params");
  });
});
