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

function readOrgs<Raw extends string>(raw: Raw) {
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

// the same value held by a \`const\`: inferred through the generic \`readOrgs\`, or declared by a plain function
function plainOrgs(raw: string): { organizations?: Array<{ locate(text: string): number }> } {
  return readOrgs(raw);
}
export function locateBoth(raw: string, id: string) {
  const inferred = readOrgs(raw);
  const declared = plainOrgs(raw);
  return [inferred.organizations?.[0]?.locate(id), declared.organizations?.[0]?.locate(id)];
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
    const [call, inferred, declared] = callsNamed(sf, "locate");
    const checker = program.getTypeChecker();
    const askedFor = (target: ts.CallExpression): string[] => {
      const asked: string[] = [];
      const restore = [
        watchChecker(checker, "getTypeAtLocation", (node) => asked.push(`type of ${node.getText()}`)),
        watchChecker(checker, "getSymbolAtLocation", (node) => {
          if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) asked.push(`symbol of ${node.parent.getText()}`);
        }),
        watchChecker(checker, "getResolvedSignature", (node) => asked.push(`signature of ${node.getText()}`)),
      ];
      const effects = callEffects(program, target, 3);
      for (const r of restore) r();
      expect(effects).toEqual({ eager: [], lazy: [] });
      return asked;
    };
    // `let orgsData;` then assigned, and a `const` holding a generic call: the sites answer
    expect(askedFor(call!)).toEqual([]);
    expect(askedFor(inferred!)).toEqual([]);
    // a receiver whose type is declared is typed as before (cheaper than reading the sites)
    expect(askedFor(declared!)).toContain("symbol of declared.organizations?.[0]?.locate");
    // the checker's callee: the method signature of the parsed type, which has no body
    for (const c of [call!, inferred!, declared!]) expect(resolveCallee(program, c)).toBeUndefined();
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

describe("which receivers read the member name's sites", () => {
  it("reads them for a value imported from a module that made it with a generic call (t3-env's `createEnv`)", () => {
    const program = fixtureProgram({
      "member-env.ts": `
export function makeEnv<Server extends Record<string, string | undefined>>(server: Server): Readonly<Server> {
  return Object.freeze({ ...server });
}
export const env = makeEnv({ FROM: undefined as string | undefined, DOMAIN: "example.com" });
function readSettings(from?: string) {
  return { FROM: from };
}
export const settings = readSettings("a@example.com");
`,
      "member-sites.ts": `${HEADER}
import { env, settings } from "./member-env";
// a user \`trim\` that runs no query (ffmpeg's, in Sim), named like a querying definition's caller by names alone
export const media = { trim: async (options: { persist: string }) => options.persist.length };
export const store = {
  persist: async (title: string) => {
    await db.insert(posts).values({ title, authorId: 1 });
  },
};
export const repo = { trim: undefined as unknown as (() => void) | undefined };
export function fromAddress() {
  return [env.FROM?.trim(), settings.FROM?.trim()];
}
`,
    });
    const sf = sourceFileOf(program, "member-sites.ts");
    const [inferred, declared] = callsNamed(sf, "trim");
    expect(userDeclaredNames(program).queryReaching.has("trim")).toBe(true);
    const asked: string[] = [];
    const restore = watchChecker(program.getTypeChecker(), "getSymbolAtLocation", (node) => {
      if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) asked.push(node.parent.getText());
    });
    expect(callEffects(program, inferred!, 3)).toEqual({ eager: [], lazy: [] });
    expect(asked).toEqual([]);
    // a \`const\` made by a plain function: typed as before (cheaper than reading the sites)
    expect(callEffects(program, declared!, 3)).toEqual({ eager: [], lazy: [] });
    restore();
    expect(asked).toContain("settings.FROM?.trim");
  });
});

describe("member sites across programs", () => {
  it("are found through the name index's file list, in a program rebuilt with the same texts (new trees)", () => {
    const first = fixtureProgram({ "member-sites.ts": code });
    const names = userDeclaredNames(first);
    const file = sourceFileOf(first, "member-sites.ts");
    expect(names.memberSiteFiles.get("locate")).toEqual([file.fileName]);
    const texts = memberSitesNamed(first, "locate").map((site) => site.getText());
    const second = fixtureProgram({ "member-sites.ts": code });
    // the index is reused, and the sites are the new program's nodes
    expect(userDeclaredNames(second)).toBe(names);
    const sites = memberSitesNamed(second, "locate");
    expect(sites.map((site) => site.getText())).toEqual(texts);
    expect(sites.every((site) => site.getSourceFile() === sourceFileOf(second, "member-sites.ts"))).toBe(true);
    expect(sourceFileOf(second, "member-sites.ts")).not.toBe(file);
  });
});
