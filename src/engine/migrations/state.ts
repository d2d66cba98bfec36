/**
 * The database as it stands before a migration: which tables, columns,
 * indexes and enums exist. Read from the previous migration's drizzle-kit
 * snapshot, or rebuilt by replaying the earlier migrations' statements.
 */

export interface ColumnState {
  name: string;
  /** SQL type as drizzle-kit writes it (`varchar(255)`, `integer`, `text[]`). */
  type: string;
  notNull: boolean;
}

export interface TableState {
  schema: string;
  name: string;
  columns: Map<string, ColumnState>;
}

export interface DbState {
  /** By {@link tableKey}. */
  tables: Map<string, TableState>;
  /** `schema.index` → table key. */
  indexes: Map<string, string>;
  /** `schema.enum` → values. */
  enums: Map<string, string[]>;
}

export const DEFAULT_SCHEMA = "public";

/** `schema.name`, the schema defaulting to `public` (drizzle-kit writes "" for it). */
export function tableKey(schema: string | undefined, name: string): string {
  return `${schema || DEFAULT_SCHEMA}.${name}`;
}

export function emptyState(): DbState {
  return { tables: new Map(), indexes: new Map(), enums: new Map() };
}

export function cloneState(state: DbState): DbState {
  return {
    tables: new Map([...state.tables].map(([key, table]) => [key, { ...table, columns: new Map(table.columns) }])),
    indexes: new Map(state.indexes),
    enums: new Map(state.enums),
  };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** drizzle-kit 0.x snapshots (versions 5–7): `tables` and `enums` objects keyed by name. */
function fromObjectSnapshot(json: Json): DbState {
  const state = emptyState();
  for (const raw of Object.values(isObject(json.tables) ? json.tables : {})) {
    if (!isObject(raw)) continue;
    const name = text(raw.name);
    if (!name) continue;
    const schema = text(raw.schema) || DEFAULT_SCHEMA;
    const key = tableKey(schema, name);
    const columns = new Map<string, ColumnState>();
    for (const column of Object.values(isObject(raw.columns) ? raw.columns : {})) {
      if (!isObject(column) || !text(column.name)) continue;
      columns.set(column.name as string, { name: column.name as string, type: text(column.type) ?? "", notNull: column.notNull === true });
    }
    state.tables.set(key, { schema, name, columns });
    for (const index of Object.values(isObject(raw.indexes) ? raw.indexes : {})) {
      // version 5 stored indexes as "name;col1,col2;unique" strings
      const indexName = isObject(index) ? text(index.name) : text(index)?.split(";")[0];
      if (indexName) state.indexes.set(tableKey(schema, indexName), key);
    }
  }
  for (const raw of Object.values(isObject(json.enums) ? json.enums : {})) {
    if (!isObject(raw) || !text(raw.name)) continue;
    const values = Array.isArray(raw.values) ? raw.values.filter((v): v is string => typeof v === "string") : Object.keys(isObject(raw.values) ? raw.values : {});
    state.enums.set(tableKey(text(raw.schema), raw.name as string), values);
  }
  return state;
}

/** drizzle-kit 1.x snapshots: a flat `ddl` list of entities with an `entityType`. */
function fromDdlSnapshot(ddl: unknown[]): DbState {
  const state = emptyState();
  const entities = ddl.filter(isObject);
  for (const entity of entities) {
    if (entity.entityType === "tables" && text(entity.name)) {
      const schema = text(entity.schema) || DEFAULT_SCHEMA;
      state.tables.set(tableKey(schema, entity.name as string), { schema, name: entity.name as string, columns: new Map() });
    }
  }
  for (const entity of entities) {
    const table = text(entity.table);
    const name = text(entity.name);
    if (!name) continue;
    if (entity.entityType === "columns" && table) {
      state.tables.get(tableKey(text(entity.schema), table))?.columns.set(name, {
        name,
        type: text(entity.type) ?? "",
        notNull: entity.notNull === true,
      });
    } else if (entity.entityType === "indexes" && table) {
      state.indexes.set(tableKey(text(entity.schema), name), tableKey(text(entity.schema), table));
    } else if (entity.entityType === "enums" && Array.isArray(entity.values)) {
      state.enums.set(tableKey(text(entity.schema), name), entity.values.filter((v): v is string => typeof v === "string"));
    }
  }
  return state;
}

/** The state a drizzle-kit snapshot describes; undefined for a file of another shape. */
export function stateFromSnapshot(json: unknown): DbState | undefined {
  if (!isObject(json)) return undefined;
  if (Array.isArray(json.ddl)) return fromDdlSnapshot(json.ddl);
  if (isObject(json.tables)) return fromObjectSnapshot(json);
  return undefined;
}
