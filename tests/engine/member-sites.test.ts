import ts from "typescript";
import { describe, expect, it } from "vitest";
import { memberSitesNamed, userDeclaredNames } from "../../src/engine/callable-names.js";
import { resolveCallee } from "../../src/engine/callees.js";
import { callEffects, functionEffects } from "../../src/engine/effects.js";
import { walk } from "../../src/engine/ts-utils.js";
import { fixtureProgram, sourceFileOf, watchChecker } from "../program.js";
import { HEADER } from "../rule-tester.js";

/**
 * A method call's effects known from every user site of its member name,
 * without typing the receiver. Sim's `orgsData.organizations?.find(…)` (an
 * unannotated `let` holding a zod-parsed API response) and
 * `env.FROM_EMAIL_ADDRESS?.trim()` (t3-env's `createEnv`) typed a schema
 * each (1–2 s per program), though no user `find` or `trim` queries.
 */
const code = `${HEADER}
// elsewhere in the application: user code reachable as \`x.locate\`, none of it querying; one site mentions
// \`repo\`, a querying definition's name, so the name is query-reaching by names alone
export const keys = { locate: (options: { repo: string }) => options.repo.length };
export const rule = { locate: /\\[(\\w+)\\]/ };
const BODY = "[^=]+";
export const highlight = { locate: new RegExp(String.raw\`==(\${BODY})==\`) };
export function rename(compiled: { locate: (text: string) => number }) {
  return { locate: compiled.locate };
}
// and as \`x.persist\`, which inserts
export const repo = {
  persist: async (title: string) => {
    await db.insert(posts).values({ title, authorId: 1 });
  },
};

function readOrgs(raw: string) {
  const parsed = JSON.parse(raw) as { organizations?: Array<{ id: string; locate(text: string): number; persist(): void }> };
  return { organizations: parsed.organizations };
}

export async function upgrade(raw: string, id: string) {
  let orgsData;
  orgsData = readOrgs(raw);
  const position = orgsData.organizations?.[0]?.locate(id);
  orgsData.organizations?.[0]?.persist();
  await repo.persist(id);
  return position;
}
`;

function callsNamed(sf: ts.SourceFile, name: string): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  walk(sf, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === name) out.push(node);
  });
  return out;
}

describe("a method call's effects from its member name's sites", () => {
  it("gives `x.locate(…)` no effects without typing the receiver, when every user `locate` runs no query", () => {
    const program = fixtureProgram({ "member-sites.ts": code });
    const sf = sourceFileOf(program, "member-sites.ts");
    const names = userDeclaredNames(program);
    expect([names.members.has("locate"), names.queryReaching.has("locate")]).toEqual([true, true]);
    // a regular expression literal is plain data: not a site; a `RegExp` made by the library's tag and class holds no user function
    expect(memberSitesNamed(program, "locate").map((site) => site.getText())).toEqual([
      "locate: (options: { repo: string }) => options.repo.length",
      "locate: new RegExp(String.raw`==(${BODY})==`)",
      "locate: compiled.locate",
    ]);
    const [call] = callsNamed(sf, "locate");
    const asked: string[] = [];
    const checker = program.getTypeChecker();
    const restore = [
      watchChecker(checker, "getTypeAtLocation", (node) => asked.push(`type of ${node.getText()}`)),
      watchChecker(checker, "getSymbolAtLocation", (node) => {
        if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) asked.push(`symbol of ${node.parent.getText()}`);
      }),
      watchChecker(checker, "getResolvedSignature", (node) => asked.push(`signature of ${node.getText()}`)),
    ];
    const effects = callEffects(program, call!, 3);
    for (const r of restore) r();
    expect(effects).toEqual({ eager: [], lazy: [] });
    expect(asked).toEqual([]);
    // the checker's callee: the method signature of the parsed type, which has no body
    expect(resolveCallee(program, call!)).toBeUndefined();
  });

  it("still resolves `x.persist(…)` when a user `persist` inserts, and keeps that insert's effects", () => {
    const program = fixtureProgram({ "member-sites.ts": code });
    const sf = sourceFileOf(program, "member-sites.ts");
    const [onOrg, onRepo] = callsNamed(sf, "persist");
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getSymbolAtLocation", (node) => {
      if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) asked.push(`symbol of ${node.parent.getText()}`);
    });
    const onOrgEffects = callEffects(program, onOrg!, 3);
    restore();
    // the receiver is typed, as before: a user \`persist\` queries, so the sites cannot answer
    expect(asked.length).toBeGreaterThan(0);
    expect(onOrgEffects).toEqual({ eager: [], lazy: [] });
    const onRepoEffects = callEffects(program, onRepo!, 3);
    expect(onRepoEffects.eager.map((e) => e.chain.operation)).toEqual(["insert"]);
  });

  it("does not answer for a name with a site it cannot read: a class field set elsewhere", () => {
    const program = fixtureProgram({
      "member-sites.ts": `${code}
export class Finder {
  locate!: (text: string) => number;
}
`,
    });
    const sf = sourceFileOf(program, "member-sites.ts");
    const [call] = callsNamed(sf, "locate");
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getSymbolAtLocation", (node) => {
      if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) asked.push(node.parent.getText());
    });
    expect(callEffects(program, call!, 3)).toEqual({ eager: [], lazy: [] });
    restore();
    expect(asked.length).toBeGreaterThan(0);
    // a site's own effects are the function's: the arrow of \`keys.locate\` runs nothing
    const arrow = memberSitesNamed(program, "locate")[0] as ts.PropertyAssignment;
    expect(functionEffects(program, arrow.initializer as ts.ArrowFunction, 3)).toEqual({ eager: [], lazy: [] });
  });
});
