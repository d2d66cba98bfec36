// Reserved for the drizzle-guard CLI (issue: TypeScript transformer and CLI).
export {};
