// Reserved for the TypeScript transformer (issue: TypeScript transformer and CLI).
export {};
