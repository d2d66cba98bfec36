import type ts from "typescript";
import { programCache } from "./cache.js";
import { columnMatches, describeCondition } from "./conditions.js";
import { guard } from "./guard.js";
import { type QueryChain, whereArguments } from "./queries.js";
import type { ForeignKeyModel, TableModel } from "./schema/model.js";
import { resolveTable } from "./schema/resolve.js";

/**
 * Parent rows in the schema: which table a foreign key references, and which
 * parent rows a query selects its rows by (`eq(comments.postId, id)` with
 * `comments.postId` referencing `posts.id`). Facts of the schema and the
 * where; whether such a selection needs an ownership check is the rules'.
 */

/** Operators whose compared values select rows by equality. */
const EQUALITY_OPERATORS = new Set(["eq", "inArray"]);

export interface ForeignKeyTarget {
  foreignKey: ForeignKeyModel;
  /** The referenced table. */
  parent: TableModel;
}

const targetsCache = programCache(() => new WeakMap<TableModel, ForeignKeyTarget[]>());

/** The foreign keys of `table` whose referenced table is known (self-references included). */
export function foreignKeyTargets(program: ts.Program, table: TableModel): ForeignKeyTarget[] {
  const cache = targetsCache(program);
  const known = cache.get(table);
  if (known) return known;
  const out: ForeignKeyTarget[] = [];
  for (const foreignKey of table.foreignKeys) {
    if (!foreignKey.targetTable) continue;
    const parent = guard(() => resolveTable(program, foreignKey.targetTable as ts.Expression), undefined);
    if (parent) out.push({ foreignKey, parent });
  }
  cache.set(table, out);
  return out;
}

export interface ParentSelection extends ForeignKeyTarget {
  /**
   * Every row the query keeps has one of the compared parents: the equality
   * on the key cannot be dropped by an `or`, `not`, `?:`, ... around it (see
   * `ColumnMention.required`).
   */
  required: boolean;
}

/**
 * The parents a query selects its rows by: an `eq`/`inArray` of a foreign key
 * column of the queried table with values (not with another column), in its
 * where. One entry per foreign key of another table; `required` when some
 * such equality is.
 */
export function parentSelections(program: ts.Program, chain: QueryChain, table: TableModel): ParentSelection[] {
  const scope = chain.operation === "relational" ? { table } : {};
  const mentioned = new Map<string, boolean>();
  for (const where of whereArguments(chain)) {
    for (const m of describeCondition(program, where, scope).mentions) {
      if (m.negated || m.others.length > 0 || !EQUALITY_OPERATORS.has(m.operator)) continue;
      for (const key of table.columns.keys()) {
        if (columnMatches(m.column, table, key)) mentioned.set(key, (mentioned.get(key) ?? false) || m.required);
      }
    }
  }
  const out: ParentSelection[] = [];
  for (const target of foreignKeyTargets(program, table)) {
    const keys = target.foreignKey.columns.filter((c) => mentioned.has(c));
    if (keys.length === 0 || target.parent.call === table.call) continue;
    const required = keys.some((c) => mentioned.get(c) === true);
    const same = out.find((s) => s.parent.call === target.parent.call);
    if (same) same.required ||= required;
    else out.push({ ...target, required });
  }
  return out;
}
