// Generates a synthetic Drizzle (PostgreSQL) project for the benchmark and the
// ESLint-modes test. Usage: node bench/generate.mjs --tables 40 --files 40 [--out dir]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const TABLES_PER_SCHEMA_FILE = 5;

/** Table i has an owner column (`userId`) unless i % 3 === 2. */
const isOwned = (i) => i % 3 !== 2;

function tableSource(i) {
  const name = `t${i}`;
  const cols = [`  id: serial("id").primaryKey(),`];
  if (isOwned(i)) cols.push(`  userId: integer("user_id").notNull(),`);
  else cols.push(`  orgName: text("org_name"),`);
  cols.push(`  name: text("name").notNull(),`);
  cols.push(`  createdAt: timestamp("created_at").defaultNow().notNull(),`);
  const hasParent = i > 0;
  if (hasParent) cols.push(`  parentId: integer("parent_id").references(() => t${i - 1}.id),`);
  // Every other foreign key has its index: half the FKs are findings of require-foreign-key-index.
  const indexed = hasParent && i % 2 === 0;
  const extra = indexed ? `, (t) => [index("${name}_parent_id_idx").on(t.parentId)]` : "";
  return `export const ${name} = pgTable("${name}", {\n${cols.join("\n")}\n}${extra});\n`;
}

function schemaFiles(tables) {
  const files = {};
  const fileCount = Math.ceil(tables / TABLES_PER_SCHEMA_FILE);
  for (let f = 0; f < fileCount; f++) {
    const first = f * TABLES_PER_SCHEMA_FILE;
    const last = Math.min(tables, first + TABLES_PER_SCHEMA_FILE) - 1;
    let text = `import { index, integer, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";\n`;
    // The first table's parent lives in the previous file: a cross-file FK.
    if (f > 0) text += `import { t${first - 1} } from "./part${f - 1}";\n`;
    text += "\n";
    for (let i = first; i <= last; i++) text += tableSource(i) + "\n";
    files[`src/schema/part${f}.ts`] = text;
  }
  files["src/schema/index.ts"] = Array.from({ length: fileCount }, (_, f) => `export * from "./part${f}";\n`).join("");
  return files;
}

/** The k-th owned table, wrapping around. */
function owned(tables, k) {
  const list = [];
  for (let i = 0; i < tables; i++) if (isOwned(i)) list.push(i);
  return list[((k % list.length) + list.length) % list.length];
}

function helperFile(tables, h) {
  const a = owned(tables, h);
  return `import { eq } from "drizzle-orm";
import { db } from "../db";
import { t${a} } from "../schema";

/** A query hidden in a helper: loops that call it are N+1. */
export async function countT${a}ForUser(userId: number) {
  return db.$count(t${a}, eq(t${a}.userId, userId));
}

export async function loadT${a}(id: number, userId: number) {
  const [row] = await db.select().from(t${a}).where(eq(t${a}.id, id)).limit(1);
  return row?.userId === userId ? row : undefined;
}

/** Not a query: loops may call it. */
export function labelFor(id: number) {
  return \`#\${id}\`;
}
`;
}

function queryFile(tables, helpers, q) {
  const a = owned(tables, q);
  const b = owned(tables, q + 1);
  const c = (q * 7 + 2) % tables; // any table, owned or not
  const h = q % helpers;
  const ha = owned(tables, h);
  const imports = [...new Set([a, b, c])].map((i) => `t${i}`).join(", ");
  return `import { and, eq, inArray, sql } from "drizzle-orm";
import { db } from "../db";
import { ${imports} } from "../schema";
import * as schema from "../schema";
import { countT${ha}ForUser, labelFor, loadT${ha} } from "./helpers${h}";

// --- loops (no-query-in-loop) ---
export async function loopDirect${q}(ids: number[], userId: number) {
  const out = [];
  for (const id of ids) {
    out.push(await db.select().from(t${a}).where(and(eq(t${a}.id, id), eq(t${a}.userId, userId))));
  }
  return out;
}

export async function loopViaHelper${q}(userIds: number[]) {
  const counts: number[] = [];
  for (const userId of userIds) counts.push(await countT${ha}ForUser(userId));
  return counts;
}

export async function parallelMap${q}(ids: number[], userId: number) {
  return Promise.all(ids.map((id) => loadT${ha}(id, userId)));
}

export async function batched${q}(ids: number[], userId: number) {
  const labels = ids.map((id) => labelFor(id));
  const rows = await db.select().from(t${a}).where(and(inArray(t${a}.id, ids), eq(t${a}.userId, userId)));
  return { labels, rows };
}

// --- transactions (require-transaction, no-db-in-transaction, no-parallel-in-transaction) ---
export async function createPair${q}(userId: number) {
  return db.transaction(async (tx) => {
    const [first] = await tx.insert(t${a}).values({ userId, name: "a" }).returning();
    await tx.insert(t${b}).values({ userId, name: "b" });
    return first;
  });
}

export async function createPairLeaky${q}(userId: number) {
  await db.transaction(async (tx) => {
    await tx.insert(t${a}).values({ userId, name: "a" });
    await db.insert(t${b}).values({ userId, name: "b" });
  });
}

export async function parallelInTx${q}(userId: number) {
  await db.transaction(async (tx) => {
    await Promise.all([
      tx.update(t${a}).set({ name: "x" }).where(eq(t${a}.userId, userId)),
      tx.update(t${b}).set({ name: "y" }).where(eq(t${b}.userId, userId)),
    ]);
  });
}

export async function createPairNoTx${q}(userId: number) {
  await db.insert(t${a}).values({ userId, name: "a" });
  await db.insert(t${b}).values({ userId, name: "b" });
}

// --- owner filters (require-owner-filter) ---
export async function ownedGood${q}(id: number, userId: number) {
  return db.select().from(t${a}).where(and(eq(t${a}.id, id), eq(t${a}.userId, userId)));
}

export async function ownedMissing${q}(id: number) {
  return db.select().from(t${a}).where(eq(t${a}.id, id));
}

export async function ownedRelational${q}(userId: number) {
  return db.query.t${b}.findMany({ where: eq(schema.t${b}.userId, userId), limit: 10 });
}

// --- deletes and updates (enforce-delete-with-where, enforce-update-with-where) ---
export async function deleteAll${q}() {
  await db.delete(t${c});
}

export async function deleteOne${q}(id: number) {
  await db.delete(t${c}).where(eq(t${c}.id, id));
}

export async function renameAll${q}() {
  await db.update(t${c}).set({ name: "renamed" });
}

export async function renameOne${q}(id: number) {
  await db.update(t${c}).set({ name: "renamed" }).where(eq(t${c}.id, id));
}

// --- raw SQL (no-unsafe-sql-raw) ---
export async function rawColumn${q}(column: string) {
  return db.execute(sql\`select \${sql.raw(column)} from t${c}\`);
}

export async function rawConstant${q}() {
  return db.execute(sql.raw("select 1"));
}

// --- near misses that must never be flagged ---
const cache${q} = new Map<number, string>();
export function evict${q}(ids: number[]) {
  for (const id of ids) cache${q}.delete(id);
}
`;
}

/**
 * Writes the project into `dir` (wiped first) and returns the list of files.
 * `pluginPath`: the built plugin the project's eslint.config.mjs imports.
 */
export function generate({ dir, tables = 40, files = 40, pluginPath = path.join(repoRoot, "dist/index.js") }) {
  if (tables < 3) throw new Error("--tables must be at least 3");
  const helpers = Math.max(1, Math.ceil(files / 4));
  const out = {
    ...schemaFiles(tables),
    "src/db.ts": `import { drizzle } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export const db = drizzle(process.env.DATABASE_URL!, { schema });
export type Db = typeof db;
`,
    "tsconfig.json": JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["node"],
        },
        include: ["src/**/*.ts"],
      },
      null,
      2,
    ),
    "package.json": JSON.stringify(
      {
        name: "drizzle-guard-bench-app",
        private: true,
        type: "module",
        scripts: {
          build: "tsc",
          "db:push": "drizzle-kit push",
          "db:migrate": "drizzle-kit migrate",
          deploy: "npm run build && npm run db:migrate",
        },
      },
      null,
      2,
    ),
    "eslint.config.mjs": `import tseslint from "typescript-eslint";
import drizzleGuard from ${JSON.stringify(pathToFileURL(pluginPath).href)};

export default [
  ...drizzleGuard.configs.all,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
];
`,
  };
  for (let h = 0; h < helpers; h++) out[`src/queries/helpers${h}.ts`] = helperFile(tables, h);
  for (let q = 0; q < files; q++) out[`src/queries/q${q}.ts`] = queryFile(tables, helpers, q);

  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(out)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return Object.keys(out);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)$/.exec(argv[i]);
    if (m) args[m[1]] = argv[++i];
  }
  return args;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const tables = Number(args.tables ?? 40);
  const files = Number(args.files ?? 40);
  const dir = path.resolve(args.out ?? path.join(repoRoot, "bench/.generated", `${tables}x${files}`));
  const written = generate({ dir, tables, files });
  console.log(`generated ${written.length} files in ${path.relative(process.cwd(), dir) || "."}`);
}
