import type { ESLint } from "eslint";

export declare const examplesDir: string;
export declare function lintExample(options?: { log?: boolean }): Promise<{ eslint: ESLint; results: ESLint.LintResult[] }>;
export declare function countByRule(results: ESLint.LintResult[]): [string, number][];
