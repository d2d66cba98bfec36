import type ts from "typescript";

export interface ReferenceModel {
  /** The `.references(...)` call. */
  node: ts.CallExpression;
  /** `users.id` inside `() => users.id`; undefined when it cannot be read. */
  target?: ts.Expression;
  onDelete?: string;
  onUpdate?: string;
}

export interface ColumnModel {
  /** Property key in the columns object. */
  key: string;
  /** SQL name: explicit, or derived from the key (and the table's casing). */
  sqlName: string;
  /** Declared without a SQL name (`email: text()`): the name comes from the key and the casing option. */
  nameFromKey: boolean;
  /** The property that declares the column (where reports go). */
  node: ts.Node;
  primaryKey: boolean;
  unique: boolean;
  notNull: boolean;
  references?: ReferenceModel;
}

export type IndexColumn = { key: string } | { expression: ts.Node };

export interface IndexModel {
  node: ts.Node;
  name?: string;
  columns: IndexColumn[];
  unique: boolean;
  /** Has `.where(...)`. */
  partial: boolean;
}

export interface ForeignKeyModel {
  /** The column property (column-level) or the `foreignKey(...)` call. */
  node: ts.Node;
  origin: "column" | "foreignKey";
  /** Column keys of this table, in order. */
  columns: string[];
  /** The referenced table expression (e.g. `users`), when readable. */
  targetTable?: ts.Expression;
  /** Referenced column keys, when readable. */
  targetColumns: string[];
}

export type ExtraConfigShape =
  | { kind: "absent"; columnsArg: ts.Expression }
  | { kind: "array"; callback: ts.ArrowFunction | ts.FunctionExpression; container: ts.ArrayLiteralExpression; paramName?: string }
  | { kind: "object"; callback: ts.ArrowFunction | ts.FunctionExpression; container: ts.ObjectLiteralExpression; paramName?: string }
  | { kind: "other" };

export type Casing = "none" | "snake_case" | "camelCase";

export interface TableModel {
  /** The table-building call (`pgTable(...)`, `schema.table(...)`, ...). */
  call: ts.CallExpression;
  /** The declared variable, if any. */
  variable?: ts.VariableDeclaration;
  jsName?: string;
  /** SQL name as Postgres sees it (after `pgTableCreator`); undefined if not computable. */
  sqlName?: string;
  /** The name passed to the table function. */
  declaredName?: string;
  pgSchema?: string;
  casing: Casing;
  columns: Map<string, ColumnModel>;
  indexes: IndexModel[];
  /** Primary key column keys (column-level or `primaryKey({ columns })`). */
  primaryKey?: string[];
  /** Unique constraints (`.unique()` and `unique().on()`), as column-key lists. */
  uniques: string[][];
  foreignKeys: ForeignKeyModel[];
  extraConfig: ExtraConfigShape;
  /**
   * What was read completely (engine/types.ts: a summary that may have skipped
   * parts says so with `complete`): the columns map (not with spreads,
   * computed keys, ...) and the extra config.
   */
  complete: { columns: boolean; extra: boolean };
}

/** A display name: `schema.sqlName`, or the JS name. */
export function tableDisplayName(table: TableModel): string {
  const base = table.sqlName ?? table.declaredName ?? table.jsName ?? "<table>";
  return table.pgSchema ? `${table.pgSchema}.${base}` : base;
}

/** Every name a table answers to in options such as `ignore`/`ignoreTables`: JS name, SQL name, declared name, `schema.name`. */
export function tableNames(table: TableModel): Set<string> {
  return new Set([table.jsName, table.sqlName, table.declaredName, tableDisplayName(table)].filter((n): n is string => !!n));
}
