import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type ColumnRef, columnMatches, describeCondition } from "../../src/engine/conditions.js";
import { chainTable, queryChainsIn } from "../../src/engine/queries.js";
import { fixtureProgram, sourceFileOf } from "../program.js";
import { HEADER } from "../rule-tester.js";

const code = `${HEADER}import { ne, not, isNull, type SQL } from "drizzle-orm";
import * as s from "./schema";
declare const me: number;
declare const external: SQL;
const mine = eq(posts.userId, me);
const conds: SQL[] = [eq(posts.id, 1)];
conds.push(mine);
function scoped(id: number) {
  return and(eq(posts.id, id), or(ne(s.posts.userId, me), not(isNull(posts.title))));
}
export const cases = {
  plain: eq(posts.userId, me),
  join: eq(posts.userId, users.id),
  nested: and(mine, inArray(comments.authorId, [me])),
  spread: and(...conds),
  helper: scoped(1),
  template: sql\`lower(\${users.email}) = \${"x"} and user_id = \${me}\`,
  raw: sql.raw("deleted_at is null"),
  unreadable: and(eq(posts.id, 1), external),
  guard: me > 0 && eq(tags.id, me),
};
export const relational = db.query.posts.findMany({
  where: (t, { eq: same, and }) => and(same(t.userId, me), eq(t.id, 1)),
});
`;

function label(ref: ColumnRef): string {
  if (ref.table) return `${ref.table.sqlName}.${ref.key}`;
  return `${ref.tableSqlName}.${ref.columnSqlName}(type)`;
}

describe("describeCondition", () => {
  const program = fixtureProgram({ "file.ts": code });
  const sf = sourceFileOf(program, "file.ts");
  const cases = new Map<string, ts.Expression>();
  ts.forEachChild(sf, function visit(node) {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) cases.set(node.name.text, node.initializer);
    ts.forEachChild(node, visit);
  });
  const summary = (name: string) => {
    const expr = cases.get(name);
    if (!expr) throw new Error(name);
    const s = describeCondition(program, expr);
    return {
      mentions: s.mentions.map((m) => `${m.negated ? "!" : ""}${m.operator}(${[m.column, ...m.others].map(label).join(", ")})`),
      complete: s.complete,
    };
  };

  it("reads comparisons and their columns", () => {
    expect(summary("plain")).toEqual({ mentions: ["eq(posts.userId)"], complete: true });
    expect(summary("join")).toEqual({ mentions: ["eq(posts.userId, users.id)", "eq(users.id, posts.userId)"], complete: true });
  });

  it("keeps the compared values that are not columns", () => {
    const values = (name: string) => describeCondition(program, cases.get(name)!).mentions.map((m) => m.values.map((v) => v.getText()));
    expect(values("plain")).toEqual([["me"]]);
    expect(values("join")).toEqual([[], []]);
    expect(values("nested")).toEqual([["me"], ["[me]"]]);
  });

  it("follows variables, arrays with push, spreads and helpers", () => {
    expect(summary("nested")).toEqual({ mentions: ["eq(posts.userId)", "inArray(comments.authorId)"], complete: true });
    expect(summary("spread")).toEqual({ mentions: ["eq(posts.id)", "eq(posts.userId)"], complete: true });
    expect(summary("helper")).toEqual({
      mentions: ["eq(posts.id)", "ne(posts.userId)", "!isNull(posts.title)"],
      complete: true,
    });
  });

  it("reads sql templates and raw SQL text", () => {
    const template = describeCondition(program, cases.get("template")!);
    expect(template.mentions.map((m) => `${m.operator}(${label(m.column)})`)).toEqual(["sql(users.email)"]);
    expect(template.sqlText.join("|")).toContain("user_id = ");
    expect(template.complete).toBe(true);
    expect(describeCondition(program, cases.get("raw")!).sqlText).toEqual(["deleted_at is null"]);
  });

  it("marks unreadable parts, and ignores boolean guards before &&", () => {
    expect(summary("unreadable")).toEqual({ mentions: ["eq(posts.id)"], complete: false });
    expect(summary("guard")).toEqual({ mentions: ["eq(tags.id)"], complete: true });
  });

  it("binds the relational callback's parameters to the table and its operators", () => {
    const chain = queryChainsIn(program, sf).find((c) => c.operation === "relational")!;
    const table = chainTable(program, chain)!;
    const where = (chain.start.arguments[0] as ts.ObjectLiteralExpression).properties[0] as ts.PropertyAssignment;
    const s = describeCondition(program, where.initializer, { table });
    expect(s.complete).toBe(true);
    expect(s.mentions.map((m) => `${m.operator}(${label(m.column)})`)).toEqual(["eq(posts.userId)", "eq(posts.id)"]);
    expect(s.mentions.every((m) => columnMatches(m.column, table, m.column.key!))).toBe(true);
  });
});
