export declare function strip(): void;
export declare function restore(): void;
