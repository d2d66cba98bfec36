import path from "node:path";
import tsParser from "@typescript-eslint/parser";
import { RuleTester, type RuleTesterConfig, type RunTests } from "@typescript-eslint/rule-tester";
import type { RuleModule } from "@typescript-eslint/utils/ts-eslint";
import type ts from "typescript";
import { afterAll, describe, it } from "vitest";
import { fixturesDir, SharedPrograms } from "./program.js";

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export { fixturesDir };

const PROJECT = "./tsconfig.json";

type ParseOptions = Parameters<typeof tsParser.parseForESLint>[1] & { filePath?: string };

/*
 * Typed programs shared by the cases of one `run()` (SharedPrograms, in
 * program.ts): every case gets a file of its own in one program (a case's
 * `filename`, or `case-<n>.ts` next to the fixtures' `file.ts`), so the type
 * checker and the engine's per-program analyses are built once per run instead
 * of once per case, as in an editor where many files share one program.
 *
 * The cases of a run see each other's files, as files of one application do.
 * A fix or suggestion output (another text for a case's file) is parsed
 * without types: RuleTester re-lints it only to check that it parses.
 *
 * A case about a program-wide fact (every caller of a helper, a table that the
 * whole program only inserts into) is wrapped in `isolated()`: it gets a
 * program of its own, with the fixture project only.
 */

const isolatedCases = new WeakSet();

/** Marks a case that needs a program of its own (see SharedPrograms). */
export function isolated<T extends object>(testCase: T): T {
  isolatedCases.add(testCase);
  return testCase;
}

class SharedProgramRuleTester extends RuleTester {
  readonly #runs: SharedPrograms[];
  readonly #isolate: boolean;
  #cases = 0;

  constructor(config: RuleTesterConfig, runs: SharedPrograms[], isolate: boolean) {
    super(config);
    this.#runs = runs;
    this.#isolate = isolate;
  }

  /** The shared program with this text of the file; undefined for a fix or suggestion output. */
  programFor(absolute: string, code: string): ts.Program | undefined {
    for (const run of this.#runs) {
      const program = run.find(absolute, code);
      if (program) return program;
    }
    return undefined;
  }

  override run<MessageIds extends string, Options extends readonly unknown[]>(
    name: string,
    rule: RuleModule<MessageIds, Options>,
    tests: RunTests<MessageIds, Options>,
  ): void {
    const programs = new SharedPrograms();
    this.#runs.push(programs);
    const place = <T extends { code: string; filename?: string; languageOptions?: unknown }>(test: T): T => {
      // a case with parser options of its own is parsed as it says
      if (test.languageOptions !== undefined) return test;
      const filename = test.filename ?? `case-${String(this.#cases++)}.ts`;
      const absolute = path.resolve(fixturesDir, filename);
      if (!absolute.startsWith(fixturesDir + path.sep)) return test;
      programs.add(absolute, test.code, this.#isolate || isolatedCases.has(test));
      return { ...test, filename };
    };
    const valid = tests.valid.map((t) => place(typeof t === "string" ? { code: t } : t));
    const invalid = tests.invalid.map((t) => place(t));
    super.run(name, rule, { valid, invalid });
  }
}

/**
 * A RuleTester with typed linting on the fixture project (real drizzle-orm
 * types). Each case's code is its own file in a program shared by the
 * cases of its `run()` (see SharedPrograms); cases without `filename` get `case-<n>.ts`.
 */
export function createRuleTester(
  settings?: Record<string, unknown>,
  /** every case in a program of its own: for rules whose findings depend on the whole program */
  { isolate = false }: { isolate?: boolean } = {},
): RuleTester {
  const runs: SharedPrograms[] = [];
  const parser = {
    meta: { name: "typescript-eslint-parser-shared-test-programs" },
    parseForESLint(code: string, options: ParseOptions): ReturnType<typeof tsParser.parseForESLint> {
      const file = options.filePath === undefined ? undefined : path.resolve(options.filePath);
      // a file outside the fixture project, or a case with parser options of its own, is parsed as the options say
      const fixtureProject = options.project === PROJECT && options.tsconfigRootDir === fixturesDir;
      if (!fixtureProject || file?.startsWith(fixturesDir + path.sep) !== true) return tsParser.parseForESLint(code, options);
      const { project: _project, projectService: _service, ...rest } = options;
      const program = tester.programFor(file, code);
      // A fix or suggestion output: RuleTester re-lints it only to see that it parses. Parsed
      // without types, where the rules stay quiet; suggestions-compile.test.ts type-checks every
      // suggestion output in a real program.
      return tsParser.parseForESLint(code, program ? { ...rest, programs: [program] } : rest);
    },
  };
  const tester: SharedProgramRuleTester = new SharedProgramRuleTester(
    {
      languageOptions: {
        parser,
        parserOptions: {
          project: PROJECT,
          tsconfigRootDir: fixturesDir,
        },
      },
      ...(settings ? { settings } : {}),
    },
    runs,
    isolate,
  );
  return tester;
}

/** Common imports for test cases written in `file.ts`. */
export const HEADER = `import { and, eq, inArray, or, sql } from "drizzle-orm";
import { db, neonDb, proxyDb, prisma, kv, axios } from "./db";
import { users, organizations } from "./schema/users";
import { posts, comments, tags } from "./schema/posts";
`;
