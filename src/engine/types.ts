import type ts from "typescript";

/** A text replacement in the analysed file, in UTF-16 offsets of `sourceFile.text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface SuggestionResult<MessageId extends string = string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  edits: TextEdit[];
}

/**
 * One finding of an analyzer, independent of ESLint: the ESLint rules and the
 * TypeScript transformer both turn these into their own diagnostics.
 */
export interface Finding<MessageId extends string = string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  /** Offsets in `sourceFile.text`. */
  start: number;
  end: number;
  suggestions?: SuggestionResult<MessageId>[];
}

/** Shared options read from `settings["drizzle-guard"]` (ESLint) or the transformer config. */
export interface SharedSettings {
  ownerColumns?: string[];
  scopeColumns?: string[];
  ignoreTables?: string[];
  ignore?: string[];
  /** Globs of test files: replace the built-in list (see src/engine/code-roles.ts). */
  testFiles?: string[];
  /** Globs of script files (seeds, resets, backfills, admin CLIs): replace the built-in list. */
  scriptFiles?: string[];
  /** Schedulers whose callbacks are background jobs (the "job" code role): replace the built-in list (see src/engine/schedulers.ts). */
  jobSchedulers?: string[];
  [key: string]: unknown;
}

export interface AnalysisContext {
  program: ts.Program;
  checker: ts.TypeChecker;
  sourceFile: ts.SourceFile;
  settings: SharedSettings;
}

/** The engine side of a rule: pure function of the typed program and the options. */
export type Analyzer<Options, MessageId extends string = string> = (context: AnalysisContext, options: Options) => Finding<MessageId>[];

/*
 * One encoding of "don't know": the string "unknown".
 * - a predicate answers `Tri`;
 * - a look-up answers `Lookup<T>`: the value, "unknown" (cannot tell), or undefined (there is none);
 * - a summary that may have skipped parts says so with `complete: boolean`.
 * Rules report only on what is known.
 */

/** Three-valued answer of the engine's predicates. Rules report only on "yes". */
export type Tri = "yes" | "no" | "unknown";

/** A look-up's answer: the value, "unknown" when the engine cannot tell, undefined when there is none. */
export type Lookup<T> = T | "unknown" | undefined;
