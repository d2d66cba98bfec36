/**
 * Small readers over libpg-query's parse tree (the JSON of PostgreSQL's own
 * parse nodes), and the replay of a statement onto a {@link DbState}.
 */
import type { ColumnDef, Constraint, Node, RangeVar, TypeName } from "@pgsql/types";
import { DEFAULT_SCHEMA, tableKey, type DbState } from "./state.js";

/** The one key of a parse node wrapper: `{ CreateStmt: {...} }` → "CreateStmt". */
export function nodeKind(node: unknown): string | undefined {
  return node && typeof node === "object" ? Object.keys(node)[0] : undefined;
}

/** The payload of a node of the given kind, else undefined. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the payload type of the node kind it asks for
export function nodeOf<T>(node: unknown, kind: string): T | undefined {
  return node && typeof node === "object" && kind in node ? ((node as Record<string, unknown>)[kind] as T) : undefined;
}

export function stringValue(node: unknown): string | undefined {
  return nodeOf<{ sval?: string }>(node, "String")?.sval;
}

export function relationKey(relation: RangeVar | undefined): string | undefined {
  return relation?.relname ? tableKey(relation.schemaname, relation.relname) : undefined;
}

/** A dotted name of a `List` of `String`s (`DROP TABLE "s"."t"`): [schema, name]. */
export function qualifiedName(items: unknown[] | undefined): { schema: string; name: string } | undefined {
  const parts = (items ?? []).map(stringValue);
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const name = parts[parts.length - 1] as string;
  return { schema: parts.length > 1 ? (parts[parts.length - 2] as string) : DEFAULT_SCHEMA, name };
}

export function listItems(node: unknown): unknown[] {
  return nodeOf<{ items?: unknown[] }>(node, "List")?.items ?? [];
}

const TYPE_ALIASES: Record<string, string> = {
  int4: "integer",
  int: "integer",
  int8: "bigint",
  int2: "smallint",
  bool: "boolean",
  float8: "double precision",
  float4: "real",
  "character varying": "varchar",
  bpchar: "char",
  character: "char",
  timestamptz: "timestamp with time zone",
  "timestamp without time zone": "timestamp",
  timetz: "time with time zone",
  "time without time zone": "time",
  decimal: "numeric",
};

/** A column type as base name and modifiers: `varchar(255)` → { base: "varchar", mods: [255], array: false }. */
export interface SqlType {
  base: string;
  mods: number[];
  array: boolean;
}

export function normalizeTypeName(base: string): string {
  const lower = base.toLowerCase().trim();
  return TYPE_ALIASES[lower] ?? lower;
}

/** Parses drizzle-kit's type text (`varchar(255)`, `numeric(10, 2)`, `text[]`, `"public"."status"`). */
export function parseTypeText(type: string): SqlType {
  const array = /\[\]\s*$/u.test(type);
  const bare = type.replace(/(\[\])+\s*$/u, "").replace(/"/gu, "");
  const match = /^(.*?)\s*\(([^)]*)\)\s*(.*)$/u.exec(bare);
  const base = match ? `${match[1]}${match[3] ? ` ${match[3]}` : ""}` : bare;
  const mods = match ? (match[2] ?? "").split(",").map((m) => Number(m.trim())).filter((m) => Number.isFinite(m)) : [];
  return { base: normalizeTypeName(base.replace(/^public\./u, "")), mods, array };
}

export function typeOfTypeName(typeName: TypeName | undefined): SqlType | undefined {
  if (!typeName?.names) return undefined;
  const names = typeName.names.map(stringValue).filter((n): n is string => n !== undefined && n !== "pg_catalog" && n !== DEFAULT_SCHEMA);
  if (names.length === 0) return undefined;
  const mods = (typeName.typmods ?? []).map((m) => {
    const value = nodeOf<{ ival?: { ival?: number } }>(m, "A_Const")?.ival;
    return value ? (value.ival ?? 0) : NaN;
  });
  return { base: normalizeTypeName(names.join(".")), mods: mods.filter((m) => Number.isFinite(m)), array: (typeName.arrayBounds?.length ?? 0) > 0 };
}

export function typeText(type: SqlType): string {
  return `${type.base}${type.mods.length > 0 ? `(${type.mods.join(",")})` : ""}${type.array ? "[]" : ""}`;
}

export function constraintsOf(column: ColumnDef): Constraint[] {
  return (column.constraints ?? []).map((c) => nodeOf<Constraint>(c, "Constraint")).filter((c): c is Constraint => c !== undefined);
}

/** Applies a statement's effect on tables, columns, indexes and enums. */
export function replayStatement(state: DbState, stmt: Node): void {
  const kind = nodeKind(stmt);
  const body = (stmt as unknown as Record<string, Record<string, unknown>>)[kind ?? ""] ?? {};
  switch (kind) {
    case "CreateStmt": {
      const relation = body.relation as RangeVar | undefined;
      const key = relationKey(relation);
      if (!key || !relation?.relname) return;
      const columns = new Map<string, { name: string; type: string; notNull: boolean }>();
      for (const element of (body.tableElts as unknown[] | undefined) ?? []) {
        const column = nodeOf<ColumnDef>(element, "ColumnDef");
        if (!column?.colname) continue;
        const type = typeOfTypeName(column.typeName);
        const notNull = constraintsOf(column).some((c) => c.contype === "CONSTR_NOTNULL" || c.contype === "CONSTR_PRIMARY");
        columns.set(column.colname, { name: column.colname, type: type ? typeText(type) : "", notNull });
      }
      state.tables.set(key, { schema: relation.schemaname || DEFAULT_SCHEMA, name: relation.relname, columns });
      return;
    }
    case "AlterTableStmt": {
      const table = state.tables.get(relationKey(body.relation as RangeVar) ?? "");
      if (!table) return;
      for (const raw of (body.cmds as unknown[] | undefined) ?? []) {
        const cmd = nodeOf<{ subtype?: string; name?: string; def?: unknown }>(raw, "AlterTableCmd");
        const column = nodeOf<ColumnDef>(cmd?.def, "ColumnDef");
        if (cmd?.subtype === "AT_AddColumn" && column?.colname) {
          const type = typeOfTypeName(column.typeName);
          const notNull = constraintsOf(column).some((c) => c.contype === "CONSTR_NOTNULL" || c.contype === "CONSTR_PRIMARY");
          table.columns.set(column.colname, { name: column.colname, type: type ? typeText(type) : "", notNull });
        } else if (cmd?.subtype === "AT_DropColumn" && cmd.name) {
          table.columns.delete(cmd.name);
        } else if (cmd?.subtype === "AT_AlterColumnType" && cmd.name) {
          const existing = table.columns.get(cmd.name);
          const type = typeOfTypeName(column?.typeName);
          if (existing && type) table.columns.set(cmd.name, { ...existing, type: typeText(type) });
        } else if ((cmd?.subtype === "AT_SetNotNull" || cmd?.subtype === "AT_DropNotNull") && cmd.name) {
          const existing = table.columns.get(cmd.name);
          if (existing) table.columns.set(cmd.name, { ...existing, notNull: cmd.subtype === "AT_SetNotNull" });
        }
      }
      return;
    }
    case "IndexStmt": {
      const key = relationKey(body.relation as RangeVar);
      const relation = body.relation as RangeVar | undefined;
      if (key && typeof body.idxname === "string") state.indexes.set(tableKey(relation?.schemaname, body.idxname), key);
      return;
    }
    case "DropStmt": {
      for (const object of (body.objects as unknown[] | undefined) ?? []) {
        const name = qualifiedName(listItems(object));
        if (!name) continue;
        const key = tableKey(name.schema, name.name);
        if (body.removeType === "OBJECT_TABLE") state.tables.delete(key);
        else if (body.removeType === "OBJECT_INDEX") state.indexes.delete(key);
        else if (body.removeType === "OBJECT_TYPE") state.enums.delete(key);
      }
      return;
    }
    case "RenameStmt": {
      const key = relationKey(body.relation as RangeVar);
      const table = key ? state.tables.get(key) : undefined;
      const newname = body.newname as string | undefined;
      if (!key || !table || !newname) return;
      if (body.renameType === "OBJECT_TABLE") {
        state.tables.delete(key);
        state.tables.set(tableKey(table.schema, newname), { ...table, name: newname });
      } else if (body.renameType === "OBJECT_COLUMN" && typeof body.subname === "string") {
        const column = table.columns.get(body.subname);
        table.columns.delete(body.subname);
        if (column) table.columns.set(newname, { ...column, name: newname });
      }
      return;
    }
    case "CreateEnumStmt": {
      const name = qualifiedName(body.typeName as unknown[]);
      const values = ((body.vals as unknown[] | undefined) ?? []).map(stringValue).filter((v): v is string => v !== undefined);
      if (name) state.enums.set(tableKey(name.schema, name.name), values);
      return;
    }
    case "AlterEnumStmt": {
      const name = qualifiedName(body.typeName as unknown[]);
      if (name && typeof body.newVal === "string" && !body.oldVal) {
        const key = tableKey(name.schema, name.name);
        state.enums.set(key, [...(state.enums.get(key) ?? []), body.newVal]);
      }
      return;
    }
    default:
      return;
  }
}

/** How messages name a table: `"users"`, or `"auth"."users"` outside `public`. */
export function displayTable(key: string): string {
  const dot = key.indexOf(".");
  const schema = key.slice(0, dot);
  const name = key.slice(dot + 1);
  return schema === DEFAULT_SCHEMA ? `"${name}"` : `"${schema}"."${name}"`;
}

/** The commands of an `ALTER TABLE`, with the table's key. */
export function alterTableCommands(stmt: Node): { table: string; cmds: { subtype?: string; name?: string; def?: unknown; missing_ok?: boolean }[] } | undefined {
  const body = nodeOf<{ relation?: RangeVar; cmds?: unknown[]; objtype?: string }>(stmt, "AlterTableStmt");
  const table = relationKey(body?.relation);
  if (!body || !table || (body.objtype !== undefined && body.objtype !== "OBJECT_TABLE")) return undefined;
  const cmds = (body.cmds ?? []).map((c) => nodeOf<{ subtype?: string; name?: string; def?: unknown }>(c, "AlterTableCmd")).filter((c) => c !== undefined);
  return { table, cmds };
}
