/** Root of the repository. */
export declare const repoRoot: string;
/** Writes a synthetic Drizzle project into `dir` (wiped first); returns the written paths. */
export declare function generate(options: { dir: string; tables?: number; files?: number; pluginPath?: string }): string[];
