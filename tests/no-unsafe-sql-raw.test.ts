import type { RunTests } from "@typescript-eslint/rule-tester";
import { describe } from "vitest";
import rule, { type MessageId, type Options } from "../src/rules/no-unsafe-sql-raw.js";
import { createRuleTester, HEADER } from "./rule-tester.js";
import { itTypeChecks } from "./typecheck-cases.js";

const ruleTester = createRuleTester();

/** `code` with `from` (which must occur exactly once) replaced by `to`. */
function replaced(code: string, from: string, to: string): string {
  const at = code.indexOf(from);
  if (at < 0 || code.indexOf(from, at + 1) >= 0) throw new Error(`${from} must occur once in the test code`);
  return code.slice(0, at) + to + code.slice(at + from.length);
}

/** An invalid case with one `sql.raw` finding on `line` whose `useSqlTemplate` suggestion replaces `from` with `to`. */
function rewriteCase(name: string, code: string, line: number, from: string, to: string) {
  return {
    name,
    code,
    errors: [
      {
        messageId: "unsafeRaw" as const,
        line,
        suggestions: [{ messageId: "useSqlTemplate" as const, output: replaced(code, from, to) }],
      },
    ],
  };
}


/** Constant text through helpers: parameters every call site passes a literal for, and a helper's constant return. */
const throughHelpers = `${HEADER}function fragmentFor(alias: string) {
  return \`\${alias}.created_at\`;
}
function orderBy(alias: string, column = "id") {
  return sql.raw(\`\${alias}.\${column}\`);
}
const withAlias = (alias: string) => sql.raw(alias);
export const parts = [sql.raw(fragmentFor("cp")), orderBy("p"), orderBy("c", "title"), withAlias("u")];
`;

/** Helpers called with runtime text: from inside the module, and from an exported function's parameter or an escaping function. */
const helperCallers = `${HEADER}function columnRef(alias: string) {
  return sql.raw(\`\${alias}.id\`);
}
export function local() {
  const alias = Math.random() > 0.5 ? "a" : new Date().toISOString();
  return columnRef(alias);
}
function tableRef(name: string) {
  return sql.raw(name);
}
export function fromCaller(userInput: string) {
  return [tableRef(userInput), tableRef("posts")];
}
const escaped = (name: string) => sql.raw(name);
export const handlers = [escaped];
`;

const cases: RunTests<MessageId, Options> = {
  valid: [
    {
      name: "constant text through helpers: every call site passes a literal, a helper returns constant text",
      code: throughHelpers,
    },
    {
      name: "literals, templates without substitutions, const chains, concatenations of constants",
      code: `${HEADER}const TABLE = "users";
const QUERY = \`select * from \${TABLE}\`;
const FULL = QUERY + " where true";
export const queries = [
  sql.raw("select 1"),
  sql.raw(\`select 2\`),
  sql.raw(QUERY),
  sql.raw(FULL),
  sql.raw("select " + "3"),
  sql.raw(\`select * from \${TABLE} where \${"id"} > 0\`),
];`,
    },
    {
      name: "values typed as a union of string literals, as const objects and string enums",
      code: `${HEADER}const COLUMNS = { name: "name", email: "email" } as const;
enum Direction { Asc = "asc", Desc = "desc" }
export function order(dir: "asc" | "desc", column: keyof typeof COLUMNS, d: Direction) {
  return sql\`select * from users order by \${sql.raw(COLUMNS[column])} \${sql.raw(dir)} \${sql.raw(d)}\`;
}`,
    },
    {
      name: "numbers cannot carry SQL text",
      code: `${HEADER}export function page(limit: number, offset: number) {
  return sql.raw(\`limit \${limit} offset \${offset}\`);
}`,
    },
    {
      name: "a let whose every assignment is constant",
      code: `${HEADER}export function order(desc: boolean) {
  let dir = "asc";
  if (desc) dir = "desc";
  return sql.raw(dir);
}`,
    },
    {
      name: "sql templates, sql.identifier, and db.execute with SQL or constant strings",
      code: `${HEADER}const REFRESH = "refresh materialized view stats";
export async function run(id: string, table: string) {
  await db.execute(sql\`select * from \${sql.identifier(table)} where id = \${id}\`);
  await db.execute("select 1");
  await db.execute(REFRESH);
  await db.transaction(async (tx) => {
    await tx.execute(\`lock table \${"users"}\`);
  });
}`,
    },
    {
      name: "a raw() that is not drizzle-orm's sql.raw, and a non-Drizzle execute",
      code: `const sql = { raw: (s: string) => s };
declare const client: { execute(query: string): Promise<void> };
export async function run(input: string) {
  sql.raw(input);
  await client.execute(input);
}`,
    },
    {
      name: "numbers, bigints and booleans converted to text: String(n), n.toString(), n.toFixed(k), `${n}`, Number(x)",
      code: `${HEADER}export async function recentPosts(hours: number, input: string, big: bigint, flag: boolean, ratio?: number) {
  const n = Number(input);
  const parsed = Number.parseInt(input, 10);
  await db.select().from(posts).where(sql\`created_at > now() - interval '\${sql.raw(String(hours + 1))} hours'\`);
  return [
    sql.raw(String(n)),
    sql.raw(String(parsed)),
    sql.raw(n.toString()),
    sql.raw(hours.toFixed(2)),
    sql.raw(hours.toPrecision(3)),
    sql.raw(big.toString()),
    sql.raw(String(flag)),
    sql.raw(flag.toString()),
    sql.raw(\`\${n}\`),
    sql.raw(String(ratio ?? 1)),
    sql.raw("limit " + String(hours)),
    sql.raw(String()),
  ];
}`,
    },
    {
      name: "joined arrays of numbers or literals with a constant separator",
      code: `${HEADER}export function list(ids: number[], dirs: readonly ("asc" | "desc")[], pair: [number, number]) {
  return [sql.raw(ids.join(",")), sql.raw(ids.join()), sql.raw(dirs.join(", ")), sql.raw(pair.join(" and "))];
}`,
    },
    {
      name: "values typed any are not judged",
      code: `${HEADER}declare const fromJs: any;
export const q = sql.raw(fromJs);`,
    },
  ],
  invalid: [
    {
      name: "followCallSites: false judges parameters by their type: runtime text, not from outside the module",
      options: [{ followCallSites: false }],
      code: throughHelpers,
      errors: [
        {
          messageId: "runtimeRaw",
          line: 9,
          data: { expression: "`${alias}.${column}`" },
          suggestions: [
            { messageId: "useSqlTemplate", output: replaced(throughHelpers, "sql.raw(`${alias}.${column}`)", "sql`${alias}.${sql.identifier(column)}`") },
          ],
        },
        { messageId: "runtimeRaw", line: 11, data: { expression: "alias" }, suggestions: [] },
        { messageId: "runtimeRaw", line: 12, data: { expression: 'fragmentFor("cp")' }, suggestions: [] },
      ],
    },
    {
      name: "a helper called with a runtime value: milder message inside the module, SQL injection from an exported function's parameter",
      code: helperCallers,
      errors: [
        {
          messageId: "runtimeRaw",
          line: 6,
          suggestions: [{ messageId: "useSqlTemplate", output: replaced(helperCallers, "sql.raw(`${alias}.id`)", "sql`${alias}.id`") }],
        },
        { messageId: "unsafeRaw", line: 13, suggestions: [] },
        { messageId: "unsafeRaw", line: 18, suggestions: [] },
      ],
    },
    (() => {
      const code = `${HEADER}export function byId(id: string) {
  return sql.raw(\`select * from posts where id = \${id}\`);
}`;
      return {
        name: "template with a runtime value: rewrite as a sql template",
        code,
        errors: [
          {
            messageId: "unsafeRaw" as const,
            line: 6,
            data: { expression: "`select * from posts where id = ${id}`" },
            suggestions: [
              {
                messageId: "useSqlTemplate" as const,
                output: replaced(code, "sql.raw(`select * from posts where id = ${id}`)", "sql`select * from posts where id = ${id}`"),
              },
            ],
          },
        ],
      };
    })(),
    (() => {
      const code = `${HEADER}const TABLE = "users";
export function find(name: string, table: string, column: string) {
  const a = sql.raw(\`select * from \${TABLE} where name = '\${name}'\`);
  const b = sql.raw(\`select * from \${table} order by "\${column}"\`);
  return [a, b];
}`;
      return {
        name: "quoted values become parameters, names become sql.identifier, constants stay raw",
        code,
        errors: [
          {
            messageId: "unsafeRaw" as const,
            line: 7,
            suggestions: [
              {
                messageId: "useSqlTemplate" as const,
                output: replaced(
                  code,
                  "sql.raw(`select * from ${TABLE} where name = '${name}'`)",
                  "sql`select * from ${sql.raw(TABLE)} where name = ${name}`",
                ),
              },
            ],
          },
          {
            messageId: "unsafeRaw" as const,
            line: 8,
            suggestions: [
              {
                messageId: "useSqlTemplate" as const,
                output: replaced(
                  code,
                  'sql.raw(`select * from ${table} order by "${column}"`)',
                  "sql`select * from ${sql.identifier(table)} order by ${sql.identifier(column)}`",
                ),
              },
            ],
          },
        ],
      };
    })(),
    rewriteCase(
      "string concatenation",
      `${HEADER}export function byEmail(email: string, limit: number) {
  return sql.raw("select * from users where email = '" + email + "' limit " + limit);
}`,
      6,
      `sql.raw("select * from users where email = '" + email + "' limit " + limit)`,
      "sql`select * from users where email = ${email} limit ${sql.raw(String(limit))}`",
    ),
    (() => {
      const code = `${HEADER}export function sorted(column: string) {
  return sql\`select * from users order by \${sql.raw(column)}\`;
}`;
      return {
        name: "sql.raw(x) inside a sql template: sql.identifier or a parameter",
        code,
        errors: [
          {
            messageId: "unsafeRaw" as const,
            line: 6,
            data: { expression: "column" },
            suggestions: [
              { messageId: "useIdentifier" as const, data: { expression: "column" }, output: replaced(code, "sql.raw(column)", "sql.identifier(column)") },
              { messageId: "useParameter" as const, data: { expression: "column" }, output: replaced(code, "sql.raw(column)", "column") },
            ],
          },
        ],
      };
    })(),
    rewriteCase(
      "optional strings are runtime strings too",
      `${HEADER}export function search(term?: string, limit?: number) {
  return sql.raw(\`select * from posts where title like \${term} limit \${limit ?? 10}\`);
}`,
      6,
      "sql.raw(`select * from posts where title like ${term} limit ${limit ?? 10}`)",
      "sql`select * from posts where title like ${term} limit ${sql.raw(String(limit ?? 10))}`",
    ),
    {
      name: "inside a quoted SQL literal a parameter would change the meaning: no rewrite",
      code: `${HEADER}export function search(term: string) {
  const a = sql.raw(\`select * from posts where title like '%\${term}%'\`);
  const b = sql\`select * from posts where title like '\${sql.raw(term)}'\`;
  return [a, b];
}`,
      errors: [
        { messageId: "unsafeRaw", line: 6, data: { expression: "`select * from posts where title like '%${term}%'`" } },
        { messageId: "unsafeRaw", line: 7, data: { expression: "term" } },
      ],
    },
    {
      name: "text conversions of strings stay unsafe: String(text), text.toString(), a string|number, a joined string[], a local String",
      code: `${HEADER}export function run(userText: string, id: string | number, names: string[], ids: number[], sep: string) {
  return [
    sql.raw(String(userText)),
    sql.raw(userText.toString()),
    sql.raw(String(id)),
    sql.raw(names.join(",")),
    sql.raw(ids.join(sep)),
  ];
}
export function shadowed(n: number) {
  const String = (value: number) => (value > 0 ? "positive" : globalThis.String(value)) + process.argv[2];
  return sql.raw(String(n));
}`,
      errors: [
        { messageId: "unsafeRaw", line: 7, data: { expression: "String(userText)" } },
        { messageId: "unsafeRaw", line: 8, data: { expression: "userText.toString()" } },
        { messageId: "unsafeRaw", line: 9, data: { expression: "String(id)" } },
        { messageId: "unsafeRaw", line: 10, data: { expression: 'names.join(",")' } },
        { messageId: "unsafeRaw", line: 11, data: { expression: "ids.join(sep)" } },
        { messageId: "unsafeRaw", line: 16, data: { expression: "String(n)" } },
      ],
    },
    {
      name: "a whole query from a variable: no automatic rewrite",
      code: `${HEADER}export function run(query: string, input: string) {
  let dir = "asc";
  dir = input;
  return [sql.raw(query), sql.raw(dir)];
}`,
      errors: [
        { messageId: "unsafeRaw", line: 8, column: 11, data: { expression: "query" } },
        { messageId: "unsafeRaw", line: 8, column: 27, data: { expression: "dir" } },
      ],
    },
    (() => {
      const code = `import { sql as s } from "drizzle-orm";
import * as orm from "drizzle-orm";
export function run(name: string) {
  return [s.raw(\`'\${name}'\`), orm.sql.raw(name)];
}`;
      return {
        name: "aliased and namespace imports of sql",
        code,
        errors: [
          {
            messageId: "unsafeRaw" as const,
            line: 4,
            column: 11,
            suggestions: [{ messageId: "useSqlTemplate" as const, output: replaced(code, "s.raw(`'${name}'`)", "s`${name}`") }],
          },
          { messageId: "unsafeRaw" as const, line: 4, column: 31 },
        ],
      };
    })(),
    (() => {
      const code = `import { db } from "./db";
export async function run(id: string, query: string) {
  await db.execute(\`select * from users where id = \${id}\`);
  await db.transaction(async (tx) => {
    await tx.execute(query);
  });
}`;
      return {
        name: "db.execute / tx.execute with a runtime string; the sql import is added",
        code,
        errors: [
          {
            messageId: "unsafeExecute" as const,
            line: 3,
            data: { query: "db.execute", expression: "`select * from users where id = ${id}`" },
            suggestions: [
              {
                messageId: "useSqlTemplate" as const,
                output: replaced(
                  code,
                  'import { db } from "./db";\n',
                  'import { db } from "./db";\nimport { sql } from "drizzle-orm";\n',
                ).replace("db.execute(`select * from users where id = ${id}`)", "db.execute(sql`select * from users where id = ${id}`)"),
              },
            ],
          },
          { messageId: "unsafeExecute" as const, line: 5, data: { query: "tx.execute", expression: "query" } },
        ],
      };
    })(),
  ],
};

ruleTester.run("no-unsafe-sql-raw", rule, cases);

describe("no-unsafe-sql-raw test cases", () => itTypeChecks(cases));
