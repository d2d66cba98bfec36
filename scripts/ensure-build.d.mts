export declare const repoRoot: string;
export declare const distEntry: string;
export declare function distIsStale(): boolean;
export declare function ensureBuilt(options?: { log?: boolean }): boolean;
