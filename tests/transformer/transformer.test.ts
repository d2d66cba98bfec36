import { Linter } from "eslint";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { rules } from "../../src/rules/index.js";
import { RULE_CODE_ORDER, ruleCode, tsDiagnosticCode } from "../../src/transformer/codes.js";
import { unsupportedKeywords } from "../../src/transformer/options.js";
import drizzleGuardTransformer, { createDrizzleGuardTransformer, type FileFinding } from "../../src/transformer/index.js";
import {
  ConfigError,
  engineRules,
  formatMessage,
  resolveConfig,
  runRules,
  type DrizzleGuardConfig,
  type ResolvedConfig,
} from "../../src/transformer/run.js";
import { fixtureProgram, sourceFileOf } from "../program.js";
import { HEADER } from "../rule-tester.js";

const HEADER_LINES = HEADER.split("\n").length - 1;
/** 1-based line in `code` of the line containing `marker`. */
const lineOf = (text: string, marker: string): number => text.slice(0, text.indexOf(marker)).split("\n").length;

const code = `${HEADER}
const cache = new Map<string, number>();
export async function nearMisses(userId: number) {
  cache.delete("x");
  await kv.delete("k");
  await axios.delete("/x");
  await db.update(users).set({ name: "y" }).where(eq(users.id, userId));
}
export async function renameAll() {
  await db.update(users).set({ name: "x" }); // UPDATE-ALL
}
export async function purgeTags() {
  // eslint-disable-next-line drizzle-guard/enforce-delete-with-where -- intentional purge
  await db.delete(tags);
}
export async function purgeComments() {
  await db.delete(comments); // DELETE-ALL
}
export async function purgeTagsAgain() {
  await db.delete(tags); // eslint-disable-line drizzle-guard/enforce-update-with-where
}
`;

const UPDATE_LINE = lineOf(code, "UPDATE-ALL");
const DELETE_LINE = lineOf(code, "DELETE-ALL");
const UNRELATED_DIRECTIVE_LINE = lineOf(code, "eslint-disable-line");

const DIRECTIVES_A = `${HEADER}export async function run() {
  /* eslint-disable */
  await db.delete(tags);
  /* eslint-enable */
  await db.delete(tags);
  /* eslint-disable drizzle-guard/enforce-delete-with-where */
  await db.delete(tags);
  await db.update(users).set({ name: "x" });
  /* eslint-enable drizzle-guard/enforce-delete-with-where */
  await db.delete(tags);
  /* eslint-disable */
  /* eslint-enable drizzle-guard/enforce-update-with-where */
  await db.delete(tags);
  await db.update(users).set({ name: "x" });
}
`;

const DIRECTIVES_B = `${HEADER}export async function run() {
  // eslint-disable
  await db.delete(tags);
  const s = "/* eslint-disable */";
  await db.delete(tags);
  await db.delete(tags); // eslint-disable-line no-console
  /* eslint-disable-next-line */
  await db.delete(tags);
  return s;
}
`;

/** One fixture program for the whole file, with emit enabled (the fixture tsconfig has noEmit). */
const program = fixtureProgram(
  { "file.ts": code, "directives-a.ts": DIRECTIVES_A, "directives-b.ts": DIRECTIVES_B },
  undefined,
  { noEmit: false, outDir: "/virtual-out" },
);
const file = sourceFileOf(program, "file.ts");

interface Emitted {
  diagnostics: ts.Diagnostic[];
  output: string;
}

/** Emits file.ts through the ts-patch entry, like tspc does. */
function emitWithPlugin(config: Record<string, unknown> = {}): Emitted {
  const diagnostics: ts.Diagnostic[] = [];
  const factory = drizzleGuardTransformer(program, config, {
    ts,
    addDiagnostic: (d) => diagnostics.push(d),
    diagnostics,
  });
  let output = "";
  const result = program.emit(file, (name, text) => (name.endsWith(".js") ? (output = text) : undefined), undefined, false, {
    before: [factory],
  });
  expect(result.emitSkipped).toBe(false);
  return { diagnostics, output };
}

const lineOfDiagnostic = (d: ts.Diagnostic): number => (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
const summary = (ds: ts.Diagnostic[]): string[] =>
  ds.map((d) => `${lineOfDiagnostic(d)}:${ts.flattenDiagnosticMessageText(d.messageText, "\n").split("]")[0]}]`);

describe("ts-patch entry (default export)", () => {
  it("adds one diagnostic per finding, with the rule id, code and category, and honours eslint-disable comments", () => {
    const { diagnostics } = emitWithPlugin();
    expect(summary(diagnostics)).toEqual([
      `${UPDATE_LINE}:[drizzle-guard/enforce-update-with-where]`,
      `${DELETE_LINE}:[drizzle-guard/enforce-delete-with-where]`,
      // a directive for another rule does not suppress this one
      `${UNRELATED_DIRECTIVE_LINE}:[drizzle-guard/enforce-delete-with-where]`,
    ]);
    const [update] = diagnostics;
    expect(update.file).toBe(file);
    expect(update.code).toBe(tsDiagnosticCode("enforce-update-with-where"));
    expect(update.code).toBe(990_000 + Number(ruleCode("enforce-update-with-where").slice(2)));
    expect(update.category).toBe(ts.DiagnosticCategory.Error);
    expect(update.source).toBe("drizzle-guard");
    expect(file.text.slice(update.start, (update.start ?? 0) + (update.length ?? 0))).toContain("db.update(users)");
    // the message is interpolated from meta.messages like ESLint does
    const text = ts.flattenDiagnosticMessageText(update.messageText, "\n");
    expect(text).toMatch(/^\[drizzle-guard\/enforce-update-with-where\] .*users/);
    expect(text).not.toContain("{{");
  });

  it("leaves the emitted JavaScript unchanged", () => {
    const plain = (() => {
      let out = "";
      program.emit(file, (name, text) => (name.endsWith(".js") ? (out = text) : undefined));
      return out;
    })();
    expect(plain).toContain("cache.delete");
    expect(emitWithPlugin().output).toBe(plain);
  });

  it("takes rule levels and options from the config, like ESLint", () => {
    const { diagnostics } = emitWithPlugin({
      transform: "eslint-plugin-drizzle-guard/transformer",
      rules: { "drizzle-guard/enforce-update-with-where": "warn", "enforce-delete-with-where": "off" },
    });
    expect(summary(diagnostics)).toEqual([`${UPDATE_LINE}:[drizzle-guard/enforce-update-with-where]`]);
    expect(diagnostics[0].category).toBe(ts.DiagnosticCategory.Warning);
  });

  it("`severity` overrides every finding's category", () => {
    const { diagnostics } = emitWithPlugin({ severity: "warning" });
    expect(diagnostics).toHaveLength(3);
    expect(diagnostics.every((d) => d.category === ts.DiagnosticCategory.Warning)).toBe(true);
  });

  it("reports an invalid config as one diagnostic and checks nothing", () => {
    const { diagnostics } = emitWithPlugin({ rules: { "drizzle-guard/no-such-rule": "error" } });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].file).toBeUndefined();
    expect(ts.flattenDiagnosticMessageText(diagnostics[0].messageText, "\n")).toContain('Unknown rule "drizzle-guard/no-such-rule"');
  });
});

describe("createDrizzleGuardTransformer (TypeScript API / ts-loader)", () => {
  it("reports each file once to onFinding, the same findings as runRules", () => {
    const found: FileFinding[] = [];
    const factory = createDrizzleGuardTransformer(program, { onFinding: (f) => found.push(f) });
    program.emit(file, () => {}, undefined, false, { before: [factory] });
    program.emit(file, () => {}, undefined, false, { before: [factory] });
    expect(found.map(({ sourceFile, ...f }) => (expect(sourceFile).toBe(file), f))).toEqual(runRules(program, file));
    expect(found.map((f) => f.rule)).toEqual(["enforce-update-with-where", "enforce-delete-with-where", "enforce-delete-with-where"]);
    expect(found[0]).toMatchObject({ code: ruleCode("enforce-update-with-where"), severity: "error" });
  });

  it("throws ConfigError for an invalid config", () => {
    expect(() => createDrizzleGuardTransformer(program, { rules: { "enforce-update-with-where": "loud" as never } })).toThrow(
      ConfigError,
    );
  });

  it("a throwing onFinding callback does not break emit", () => {
    const factory = createDrizzleGuardTransformer(program, {
      onFinding: () => {
        throw new Error("boom");
      },
    });
    expect(program.emit(file, () => {}, undefined, false, { before: [factory] }).emitSkipped).toBe(false);
  });
});

describe("runRules / resolveConfig", () => {
  it("enables the recommended engine rules by default, all with preset all, none with preset none", () => {
    const engine = [...engineRules().keys()];
    const recommended = engine.filter((n) => engineRules().get(n)?.meta.docs?.recommended === true);
    expect(resolveConfig().rules.map((r) => r.name).sort()).toEqual(recommended.sort());
    expect(resolveConfig({ preset: "all" }).rules.map((r) => r.name).sort()).toEqual([...engine].sort());
    expect(resolveConfig({ preset: "none" }).rules).toEqual([]);
    expect(resolveConfig({ preset: "none", rules: { "enforce-update-with-where": ["warn"] } }).rules).toMatchObject([
      { name: "enforce-update-with-where", severity: "warning" },
    ]);
  });

  it("merges options onto defaultOptions like typescript-eslint's applyDefault", () => {
    const [fk] = resolveConfig({ preset: "none", rules: { "require-foreign-key-index": ["error", { ignore: ["posts"] }] } }).rules;
    expect(fk.options).toEqual([{ ignore: ["posts"] }]);
    const [fkDefault] = resolveConfig({ preset: "none", rules: { "require-foreign-key-index": "error" } }).rules;
    expect(fkDefault.options).toEqual(rules["require-foreign-key-index"].defaultOptions);
    expect(fkDefault.options).not.toBe(rules["require-foreign-key-index"].defaultOptions);
  });

  it("reads settings in both forms, and ignores other plugins' rules", () => {
    const direct = resolveConfig({ settings: { ownerColumns: ["tenantId"] } });
    const eslintForm = resolveConfig({ settings: { "drizzle-guard": { ownerColumns: ["tenantId"] } } });
    expect(direct.settings).toEqual({ ownerColumns: ["tenantId"] });
    expect(eslintForm.settings).toEqual({ ownerColumns: ["tenantId"] });
    expect(resolveConfig({ rules: { "@typescript-eslint/no-floating-promises": "error" } }).rules.length).toBe(resolveConfig().rules.length);
  });

  it("rejects unknown rules, levels, presets and severities", () => {
    const bad: DrizzleGuardConfig[] = [
      { rules: { "no-such-rule": "error" } },
      { rules: { "enforce-update-with-where": "loud" as never } },
      { rules: { "enforce-update-with-where": [3 as never] } },
      { preset: "strict" as never },
      { severity: "fatal" as never },
      { rules: [] as never },
    ];
    for (const config of bad) expect(() => resolveConfig(config), JSON.stringify(config)).toThrow(ConfigError);
  });

  describe("rule options, checked against the rule's schema like ESLint does", () => {
    const plugin = { rules } as never;
    const eslintAccepts = (entry: unknown, rule: string): boolean => {
      try {
        new Linter({ configType: "flat" }).verify("export {};", [{ plugins: { "drizzle-guard": plugin }, rules: { [`drizzle-guard/${rule}`]: entry as never } }]);
        return true;
      } catch {
        return false;
      }
    };
    const bad: Array<[string, unknown[], string]> = [
      ["require-owner-filter", ["error", { ownerColumns: "userId" }], 'options[0].ownerColumns must be an array (got "userId")'],
      ["require-owner-filter", ["error", { ownerColums: ["userId"] }], 'options[0] has no option "ownerColums" (known: ownerColumns, scopeColumns, publicTables, checkScopeOnlyTables, adminPredicates, adminAssertions, webhookVerifiers, ignoreTables, codeRoles)'],
      ["require-owner-filter", ["error", { ownerColumns: ["userId", "userId"] }], "options[0].ownerColumns must not repeat items"],
      ["require-owner-filter", ["error", { ownerColumns: [1] }], "options[0].ownerColumns[0] must be a string (got 1)"],
      ["require-owner-filter", ["error", {}, {}], "it takes at most 1 option (got 2)"],
      ["require-foreign-key-index", ["error", "posts"], 'options[0] must be an object (got "posts")'],
      ["no-query-in-loop", ["error", { maxDepth: 11 }], "options[0].maxDepth must be at most 10 (got 11)"],
      ["no-query-in-loop", ["error", { maxDepth: 1.5 }], "options[0].maxDepth must be an integer (got 1.5)"],
      ["require-transaction", ["error", { maxDepth: -1 }], "options[0].maxDepth must be at least 0 (got -1)"],
    ];
    const good: Array<[string, unknown[]]> = [
      ["require-owner-filter", ["error", { ownerColumns: ["userId", "authorId"], ignoreTables: ["audit_log"] }]],
      ["require-owner-filter", ["warn"]],
      ["require-foreign-key-index", ["error", { ignore: ["posts"] }]],
      ["no-query-in-loop", ["error", { maxDepth: 0, iterationFunctions: ["pMap"], reportPagination: true }]],
    ];

    it("rejects what the schema refuses, naming the rule, the option and the value", () => {
      for (const [rule, entry, problem] of bad) {
        expect(() => resolveConfig({ preset: "none", rules: { [rule]: entry as never } }), JSON.stringify(entry)).toThrow(
          `Invalid options for rule "drizzle-guard/${rule}": ${problem}.`,
        );
        expect(eslintAccepts(entry, rule), `ESLint accepts ${JSON.stringify(entry)}`).toBe(false);
      }
    });

    it("accepts what the schema allows, as ESLint does", () => {
      for (const [rule, entry] of good) {
        expect(() => resolveConfig({ preset: "none", rules: { [rule]: entry as never } }), JSON.stringify(entry)).not.toThrow();
        expect(eslintAccepts(entry, rule), `ESLint refuses ${JSON.stringify(entry)}`).toBe(true);
      }
    });

    it("every rule's schema uses only the keywords the transformer checks", () => {
      for (const [name, rule] of engineRules()) {
        const schemas = Array.isArray(rule.meta.schema) ? rule.meta.schema : [rule.meta.schema];
        expect(schemas.flatMap(unsupportedKeywords), name).toEqual([]);
      }
    });
  });

  it("a rule that throws contributes nothing; the others still report", () => {
    const real = resolveConfig({ preset: "none", rules: { "enforce-update-with-where": "error" } });
    const throwing: ResolvedConfig = {
      ...real,
      rules: [
        {
          name: "boom",
          severity: "error",
          options: [],
          rule: {
            analyze: () => {
              throw new Error("boom");
            },
            defaultOptions: [],
            meta: { messages: {} },
          },
        },
        ...real.rules,
      ],
    };
    const previous = process.env.DRIZZLE_GUARD_DEBUG;
    delete process.env.DRIZZLE_GUARD_DEBUG;
    try {
      expect(runRules(program, file, throwing).map((f) => f.rule)).toEqual(["enforce-update-with-where"]);
    } finally {
      if (previous !== undefined) process.env.DRIZZLE_GUARD_DEBUG = previous;
    }
  });

  it("skips declaration files and non-TypeScript files", () => {
    const dts = program.getSourceFiles().find((sf) => sf.isDeclarationFile);
    expect(dts).toBeDefined();
    expect(runRules(program, dts as ts.SourceFile)).toEqual([]);
    const js = ts.createSourceFile("/virtual/file.js", file.text, ts.ScriptTarget.ES2022, true);
    expect(runRules(program, js)).toEqual([]);
  });

  it("formats messages like ESLint", () => {
    expect(formatMessage("{{a}} and {{ b }} but not {{c}}", { a: 1, b: "x" })).toBe("1 and x but not {{c}}");
    expect(formatMessage("plain", undefined)).toBe("plain");
  });
});

describe("eslint-disable directives", () => {
  const only = (fileName: string): string[] => {
    const sf = sourceFileOf(program, fileName);
    return runRules(program, sf, { preset: "none", rules: { "enforce-delete-with-where": "error", "enforce-update-with-where": "error" } }).map(
      (f) => `${sf.getLineAndCharacterOfPosition(f.start).line + 1 - HEADER_LINES}:${f.rule}`,
    );
  };

  it("handles block disable/enable, with and without rule lists", () => {
    expect(
      only("directives-a.ts"),
    ).toEqual(["5:enforce-delete-with-where", "8:enforce-update-with-where", "10:enforce-delete-with-where", "14:enforce-update-with-where"]);
  });

  it("ignores line comments for block directives, directives in strings, and other plugins' rules", () => {
    expect(
      only("directives-b.ts"),
    ).toEqual(["3:enforce-delete-with-where", "5:enforce-delete-with-where", "6:enforce-delete-with-where"]);
  });
});

describe("codes", () => {
  it("every registered engine rule has a code, and codes are unique", () => {
    for (const name of engineRules().keys()) expect(RULE_CODE_ORDER, `add "${name}" to src/transformer/codes.ts`).toContain(name);
    expect(new Set(RULE_CODE_ORDER).size).toBe(RULE_CODE_ORDER.length);
    const codes = RULE_CODE_ORDER.map(ruleCode);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("is append-only: released codes never change", () => {
    // Extend this list when you append a rule; never edit existing lines.
    const released: Record<string, string> = {
      "require-foreign-key-index": "DG1001",
      "no-query-in-loop": "DG1002",
      "require-owner-filter": "DG1003",
      "require-transaction": "DG1004",
      "no-db-in-transaction": "DG1005",
      "no-unsupported-transaction": "DG1006",
      "no-parallel-in-transaction": "DG1007",
      "no-push-in-production": "DG1008",
      "enforce-delete-with-where": "DG1009",
      "enforce-update-with-where": "DG1010",
      "no-unsafe-sql-raw": "DG1011",
    };
    for (const [name, expected] of Object.entries(released)) expect(ruleCode(name)).toBe(expected);
    expect(tsDiagnosticCode("require-foreign-key-index")).toBe(991001);
  });
});
