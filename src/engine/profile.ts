import path from "node:path";
import ts from "typescript";
import { checkerCache } from "./cache.js";

/**
 * The engine's own counters, under `DRIZZLE_GUARD_PROFILE=1`: per program,
 * the time of each named analysis (inclusive, and its own share without the
 * analyses it calls and without checker calls), how often and how long the
 * engine called each checker method, the slowest checker calls with the code
 * they were asked about, and the rules' time per file. Printed to stderr when
 * the process exits, one report per program (like the coverage report).
 *
 * Off by default: `timed` then only calls its function, and the checker is
 * not touched. On, the program's checker gets wrappers around the methods the
 * engine uses (replaced on the checker object itself, once per program), which
 * count a call only while an engine analysis runs, so typescript-eslint's
 * rules' own calls on the same checker are not counted.
 *
 * State lives per program (a `checkerCache`: one checker per program); the
 * exit listener holds that program's counters only, not the program.
 */
export function profileMode(): boolean {
  const value = process.env.DRIZZLE_GUARD_PROFILE;
  return value !== undefined && value !== "" && value !== "0";
}

interface AnalysisCounter {
  calls: number;
  /** Inclusive, ms. */
  total: number;
  /** Without nested analyses and checker calls, ms. */
  own: number;
  /** In checker calls made directly by this analysis, ms. */
  checker: number;
}

interface Frame {
  name: string;
  started: number;
  /** Time spent in nested frames (analyses and checker calls). */
  nested: number;
  checker: number;
}

interface SlowCall {
  ms: number;
  method: string;
  analysis: string;
  where: string;
}

interface ProgramProfile {
  analyses: Map<string, AnalysisCounter>;
  checkerCalls: Map<string, { calls: number; ms: number }>;
  slowCalls: SlowCall[];
  files: Map<string, number>;
  stack: Frame[];
  /** Set once the program's checker is wrapped. */
  instrumented: boolean;
  /** The program's directory and number of root files, for the report. */
  root: string;
  rootFiles: number;
}

/** How many of the slowest checker calls the report lists. */
const SLOW_CALLS = 15;

/** The checker methods the engine calls (see `grep checker\.` in src/engine and src/checks). */
const CHECKER_METHODS = [
  "getTypeAtLocation",
  "getSymbolAtLocation",
  "getTypeFromTypeNode",
  "getResolvedSignature",
  "getTypeOfSymbol",
  "getTypeOfSymbolAtLocation",
  "getPropertyOfType",
  "getPropertiesOfType",
  "getAliasedSymbol",
  "getBaseTypes",
  "getDeclaredTypeOfSymbol",
  "getSignaturesOfType",
  "getReturnTypeOfSignature",
  "tryGetMemberInModuleExports",
  "getShorthandAssignmentValueSymbol",
  "getTypeArguments",
  "getIndexInfosOfType",
  "getIndexTypeOfType",
  "getContextualType",
  "getApparentType",
  "isArrayType",
  "isTupleType",
  "typeToString",
] as const;

/** Per checker, so per program (analyses that hold only a checker are counted with their program's). */
const profiles = checkerCache((): ProgramProfile => {
  const profile: ProgramProfile = { analyses: new Map(), checkerCalls: new Map(), slowCalls: [], files: new Map(), stack: [], instrumented: false, root: "", rootFiles: 0 };
  process.once("exit", () => {
    if (profile.analyses.size > 0) process.stderr.write(formatProfile(profile));
  });
  return profile;
});

/** The report printed at exit for a program's checker, so far (undefined when not profiling or nothing was timed). */
export function profileReport(checker: ts.TypeChecker): string | undefined {
  if (!profileMode()) return undefined;
  const profile = profiles(checker);
  return profile.analyses.size > 0 ? formatProfile(profile) : undefined;
}

function profileOf(owner: ts.Program | ts.TypeChecker): ProgramProfile | undefined {
  if (!profileMode()) return undefined;
  const isProgram = "getTypeChecker" in owner;
  const checker = isProgram ? owner.getTypeChecker() : owner;
  const profile = profiles(checker);
  if (isProgram && !profile.root) {
    profile.root = owner.getCurrentDirectory();
    profile.rootFiles = owner.getRootFileNames().length;
  }
  if (!profile.instrumented) instrumentChecker(checker, profile);
  return profile;
}

function enter(profile: ProgramProfile, name: string): Frame {
  const frame: Frame = { name, started: performance.now(), nested: 0, checker: 0 };
  profile.stack.push(frame);
  return frame;
}

function leave(profile: ProgramProfile, frame: Frame): number {
  const total = performance.now() - frame.started;
  profile.stack.pop();
  const parent = profile.stack.at(-1);
  if (parent) parent.nested += total;
  return total;
}

/**
 * Runs a named engine analysis; under `DRIZZLE_GUARD_PROFILE=1` its time is
 * added to the program's counters (an analysis that calls itself recursively
 * counts its inclusive time once, at the outermost call).
 */
export function timed<T>(program: ts.Program | ts.TypeChecker, name: string, run: () => T): T {
  const profile = profileOf(program);
  if (!profile) return run();
  const frame = enter(profile, name);
  try {
    return run();
  } finally {
    const total = leave(profile, frame);
    const counter = profile.analyses.get(name) ?? { calls: 0, total: 0, own: 0, checker: 0 };
    counter.calls++;
    if (!profile.stack.some((f) => f.name === name)) counter.total += total;
    counter.own += total - frame.nested;
    counter.checker += frame.checker;
    profile.analyses.set(name, counter);
  }
}

/** Adds a rule run's time on one file to the per-file counters (`rule:*` analyses are timed by `timed` too). */
export function timedFile<T>(program: ts.Program, fileName: string, name: string, run: () => T): T {
  const profile = profileOf(program);
  if (!profile) return run();
  const started = performance.now();
  try {
    return timed(program, name, run);
  } finally {
    profile.files.set(fileName, (profile.files.get(fileName) ?? 0) + performance.now() - started);
  }
}

function describeArgument(argument: unknown): string {
  if (argument && typeof argument === "object" && "kind" in argument && "pos" in argument) {
    const node = argument as ts.Node;
    const file = node.getSourceFile?.();
    if (!file) return ts.SyntaxKind[node.kind] ?? "";
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    const text = node.getText(file).replace(/\s+/g, " ");
    return `${path.basename(file.fileName)}:${line + 1} ${text.length > 70 ? `${text.slice(0, 67)}…` : text}`;
  }
  if (argument && typeof argument === "object" && "escapedName" in argument) return `symbol ${(argument as ts.Symbol).name}`;
  return "";
}

function instrumentChecker(checker: ts.TypeChecker, profile: ProgramProfile): void {
  profile.instrumented = true;
  const target = checker as unknown as Record<string, unknown>;
  for (const method of CHECKER_METHODS) {
    const original = target[method];
    if (typeof original !== "function") continue;
    target[method] = function (this: unknown, ...args: unknown[]): unknown {
      const caller = profile.stack.at(-1);
      if (!caller) return (original as (...a: unknown[]) => unknown).apply(this, args);
      const frame = enter(profile, method);
      try {
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        const ms = leave(profile, frame);
        caller.checker += ms;
        const counter = profile.checkerCalls.get(method) ?? { calls: 0, ms: 0 };
        counter.calls++;
        counter.ms += ms;
        profile.checkerCalls.set(method, counter);
        const slow = profile.slowCalls;
        if (slow.length < SLOW_CALLS || ms > slow[slow.length - 1]!.ms) {
          // DRIZZLE_GUARD_PROFILE=stacks: also the engine frames that asked (calls over 1 s)
          const stack = ms > 1000 && process.env.DRIZZLE_GUARD_PROFILE === "stacks" ? engineFrames() : "";
          slow.push({ ms, method, analysis: caller.name, where: describeArgument(args[0]) + stack });
          slow.sort((a, b) => b.ms - a.ms);
          slow.length = Math.min(slow.length, SLOW_CALLS);
        }
      }
    };
  }
}

/** The calling frames outside the profiler, innermost first, as ` ← fn (file:line)`. */
function engineFrames(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  return stack
    .split("\n")
    .slice(1)
    .filter((line) => !/profile\.[cm]?[jt]s|guard\.[cm]?[jt]s|node_modules|node:|engineFrames|target\.<computed>|at guard /.test(line))
    .slice(0, 24)
    .map((line) => `\n        ← ${line.trim().replace(/^at /, "")}`)
    .join("");
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`.padStart(9);

function formatProfile(profile: ProgramProfile): string {
  const root = profile.root;
  const lines = [`drizzle-guard profile (DRIZZLE_GUARD_PROFILE): program of ${profile.rootFiles} root files at ${root}`];
  lines.push("  analyses (inclusive | own, without nested analyses and checker calls | its direct checker calls | calls):");
  for (const [name, c] of [...profile.analyses].sort((a, b) => b[1].total - a[1].total))
    lines.push(`    ${name.padEnd(34)} ${fmt(c.total)} ${fmt(c.own)} ${fmt(c.checker)} ${String(c.calls).padStart(8)}`);
  lines.push("  checker calls made by the engine (time | calls):");
  for (const [name, c] of [...profile.checkerCalls].sort((a, b) => b[1].ms - a[1].ms))
    lines.push(`    ${name.padEnd(34)} ${fmt(c.ms)} ${String(c.calls).padStart(8)}`);
  lines.push("  slowest checker calls:");
  for (const s of profile.slowCalls) lines.push(`    ${fmt(s.ms)} ${s.method} from ${s.analysis}: ${s.where}`);
  lines.push("  files by the rules' time:");
  for (const [file, ms] of [...profile.files].sort((a, b) => b[1] - a[1]).slice(0, 10)) lines.push(`    ${fmt(ms)} ${path.relative(root, file)}`);
  return `${lines.join("\n")}\n`;
}
