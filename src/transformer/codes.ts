/**
 * Stable diagnostic codes of the transformer and CLI.
 *
 * APPEND-ONLY: a rule's code is `DG${1001 + index}` of its position in this
 * list, so codes never change once released. Never reorder or remove entries;
 * add new rules at the end (tests/transformer/codes.test.ts fails when a
 * registered engine rule is missing here). A removed rule keeps its slot.
 */
export const RULE_CODE_ORDER: readonly string[] = [
  "require-foreign-key-index",
  "no-query-in-loop",
  "require-owner-filter",
  "require-transaction",
  "no-db-in-transaction",
  "no-unsupported-transaction",
  "no-parallel-in-transaction",
  "no-push-in-production",
  "enforce-delete-with-where",
  "enforce-update-with-where",
  "no-unsafe-sql-raw",
  "migration-no-destructive",
  "migration-no-rename",
  "migration-concurrent-index",
  "migration-safe-constraint",
  "migration-no-table-rewrite",
  "migration-enum-add-value",
];

const FIRST_CODE = 1001;
/** Code of a rule missing from {@link RULE_CODE_ORDER} (should never ship). */
const UNASSIGNED_CODE = 1000;

/**
 * TypeScript prints diagnostic codes as `TS<code>`; its own codes use 1000–99999.
 * Transformer diagnostics add this base so `DG1001` never reads as a real
 * TypeScript error (tsc prints `TS991001`) nor collides with `ignoreDiagnostics`.
 */
export const TS_CODE_BASE = 990_000;

/** Numeric code of a rule: 1001 for the first rule, … */
export function ruleCodeNumber(rule: string): number {
  const index = RULE_CODE_ORDER.indexOf(rule);
  return index < 0 ? UNASSIGNED_CODE : FIRST_CODE + index;
}

/** `DG1001`-style code of a rule. */
export function ruleCode(rule: string): string {
  return `DG${ruleCodeNumber(rule)}`;
}

/** `ts.Diagnostic.code` of a rule's findings in transformer diagnostics. */
export function tsDiagnosticCode(rule: string): number {
  return TS_CODE_BASE + ruleCodeNumber(rule);
}
