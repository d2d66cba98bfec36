export * from "./users.js";
export * from "./organizations.js";
export * from "./posts.js";
export * from "./relations.js";
