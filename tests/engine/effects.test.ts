import ts from "typescript";
import { describe, expect, it } from "vitest";
import { callEffects, visitRegion } from "../../src/engine/effects.js";
import { fixtureProgram, sourceFileOf } from "../program.js";
import { HEADER } from "../rule-tester.js";

const helpers = `${HEADER}
export async function countComments(postId: number) {
  return db.$count(comments, eq(comments.postId, postId));
}
export function postsQuery(userId: number) {
  return db.select().from(posts).where(eq(posts.userId, userId));
}
export class PostRepo {
  constructor(private readonly database: typeof db) {}
  async findById(id: number) {
    const [row] = await this.database.select().from(posts).where(eq(posts.id, id));
    return row;
  }
  async viaHelper(id: number) {
    return countComments(id);
  }
}
export const recurse = async (n: number): Promise<number> => (n > 0 ? recurse(n - 1) : 0);
`;

const usage = `import { countComments, postsQuery, PostRepo, recurse } from "./engine-helpers";
import { db } from "./db";
declare const repo: PostRepo;
export async function main(ids: number[]) {
  const a = countComments(1);
  const b = postsQuery(1);
  const c = await postsQuery(2);
  const d = await repo.findById(3);
  const e = await repo.viaHelper(4);
  const f = () => countComments(5);
  const g = await recurse(3);
  await Promise.all(ids.map((id) => postsQuery(id)));
  const h = new Map<number, number>(); h.delete(1);
}
`;

describe("effects", () => {
  const program = fixtureProgram({ "engine-helpers.ts": helpers, "engine-usage.ts": usage });
  const sf = sourceFileOf(program, "engine-usage.ts");
  const main = sf.statements.find(ts.isFunctionDeclaration)!;

  it("follows helpers across files, classes and lazy builders", () => {
    const seen: string[] = [];
    visitRegion(program, main.body!, { maxDepth: 3 }, (e, use) => {
      seen.push(`${sf.getLineAndCharacterOfPosition(e.site.getStart()).line + 1}:${use}:${e.trail.join(" → ")}`);
    });
    expect(seen).toEqual([
      "5:executed:countComments → db.$count(comments)",
      "6:built:postsQuery → db.select(posts)",
      "7:executed:postsQuery → db.select(posts)",
      "8:executed:PostRepo.findById → this.database.select(posts)",
      "9:executed:PostRepo.viaHelper → countComments → db.$count(comments)",
      "12:executed:postsQuery → db.select(posts)",
    ]);
  });

  it("respects the depth limit", () => {
    const call = (main.body!.statements[4] as ts.VariableStatement).declarationList.declarations[0].initializer as ts.AwaitExpression;
    expect(callEffects(program, call.expression as ts.CallExpression, 1).eager).toHaveLength(0);
    expect(callEffects(program, call.expression as ts.CallExpression, 3).eager).toHaveLength(1);
  });
});

describe("effects: prepared statements, IIFEs, callback regions, object methods", () => {
  const code = `${HEADER}
const byId = db.select().from(posts).where(eq(posts.id, sql.placeholder("id"))).prepare("by_id");
export const store = {
  async add(name: string) {
    await db.insert(tags).values({ name });
  },
};
export async function main(ids: number[]) {
  await byId.execute({ id: 1 });
  await (async () => {
    await db.delete(tags);
  })();
  await store.add("x");
  await Promise.all(ids.map((id) => db.select().from(users).where(eq(users.id, id))));
  const built = ids.map((id) => db.select().from(users).where(eq(users.id, id)));
  return built;
}
`;
  const program = fixtureProgram({ "engine-extra.ts": code });
  const sf = sourceFileOf(program, "engine-extra.ts");
  const main = sf.statements.filter(ts.isFunctionDeclaration).find((f) => f.name?.text === "main")!;
  const line = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;

  it("reports prepared executions, an IIFE once (in place), and names object methods", () => {
    const seen: string[] = [];
    visitRegion(program, main.body!, { maxDepth: 3 }, (e, use) => seen.push(`${line(e.site)}:${use}:${e.trail.join(" → ")}`));
    expect(seen).toEqual([
      "13:executed:byId.execute → db.select(posts)",
      "15:executed:db.delete(tags)",
      "17:executed:store.add → db.insert(tags)",
      "18:executed:db.select(users)",
      "19:built:db.select(users)",
    ]);
  });

  it("judges an iteration callback region's returns by how its results are used", () => {
    const callbacks: ts.ArrowFunction[] = [];
    const find = (node: ts.Node): void => {
      if (ts.isArrowFunction(node) && ts.isCallExpression(node.parent)) callbacks.push(node);
      ts.forEachChild(node, find);
    };
    find(main.body!);
    const uses = callbacks.map((cb) => {
      const out: string[] = [];
      visitRegion(program, cb, { maxDepth: 3 }, (_e, use) => out.push(use));
      return out.join(",");
    });
    // the map inside Promise.all runs its builders; the other map only collects them
    expect(uses).toEqual(["executed", "built"]);
  });
});
