/**
 * A plain document tree with source ranges, built from the ASTs of
 * `yaml-eslint-parser`, `jsonc-eslint-parser` and `@eslint/json` (momoa), so
 * the workflow and package.json logic works on plain data, independent of
 * ESLint and of which JSON parser or language a config chose.
 */

export type Range = [number, number];

export interface PlainEntry {
  key: string;
  value: PlainNode;
}

export type PlainNode =
  | { kind: "map"; entries: PlainEntry[]; range: Range }
  | { kind: "seq"; items: PlainNode[]; range: Range }
  | { kind: "scalar"; value: string | number | boolean | null; range: Range }
  /** Aliases, tags, expressions the analysis does not interpret. */
  | { kind: "other"; range: Range };

/** The value of `key` in a map node; the last one wins like in JSON.parse. */
export function entry(node: PlainNode | undefined, key: string): PlainNode | undefined {
  if (node?.kind !== "map") return undefined;
  let found: PlainNode | undefined;
  for (const e of node.entries) if (e.key === key) found = e.value;
  return found;
}

/** A scalar's value as a string (numbers and booleans too); undefined otherwise. */
export function text(node: PlainNode | undefined): string | undefined {
  if (node?.kind !== "scalar" || node.value === null) return undefined;
  return String(node.value);
}

/** Items of a sequence, or the node itself when it is a single scalar. */
export function items(node: PlainNode | undefined): PlainNode[] {
  if (!node) return [];
  if (node.kind === "seq") return node.items;
  return [node];
}

/** Converts a plain tree to a JS value (maps to objects, scalars as is, others to undefined). */
export function toValue(node: PlainNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case "map":
      return Object.fromEntries(node.entries.map((e) => [e.key, toValue(e.value)]));
    case "seq":
      return node.items.map(toValue);
    case "scalar":
      return node.value;
    default:
      return undefined;
  }
}

interface AstNode {
  type: string;
  range: Range;
  [key: string]: unknown;
}

function isAstNode(value: unknown): value is AstNode {
  return !!value && typeof value === "object" && typeof (value as AstNode).type === "string" && Array.isArray((value as AstNode).range);
}

function scalarKey(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** A scalar node from a literal AST node (bigints, regexps and the like are "other"). */
function scalar(node: AstNode): PlainNode {
  const value = node.value;
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return { kind: "scalar", value, range: node.range };
  }
  return { kind: "other", range: node.range };
}

/** Converts a `yaml-eslint-parser` node (YAMLDocument content and below). */
export function fromYamlAst(node: unknown, depth = 0): PlainNode | undefined {
  if (!isAstNode(node) || depth > 100) return undefined;
  switch (node.type) {
    case "YAMLDocument":
      return fromYamlAst(node.content, depth + 1);
    case "YAMLWithMeta":
      return fromYamlAst(node.value, depth + 1) ?? { kind: "scalar", value: null, range: node.range };
    case "YAMLMapping": {
      const entries: PlainEntry[] = [];
      for (const pair of (node.pairs as unknown[]) ?? []) {
        if (!isAstNode(pair)) continue;
        const keyNode = pair.key as AstNode | null;
        // YAML 1.1 reads a plain `on` key as `true`
        const key = keyNode?.type === "YAMLScalar" ? (keyNode.value === true && String(keyNode.raw).toLowerCase() === "on" ? "on" : scalarKey(keyNode.value)) : undefined;
        if (key === undefined) continue;
        entries.push({ key, value: fromYamlAst(pair.value, depth + 1) ?? { kind: "scalar", value: null, range: pair.range } });
      }
      return { kind: "map", entries, range: node.range };
    }
    case "YAMLSequence":
      return {
        kind: "seq",
        items: ((node.entries as unknown[]) ?? []).map(
          (e) => fromYamlAst(e, depth + 1) ?? ({ kind: "scalar", value: null, range: node.range } as PlainNode),
        ),
        range: node.range,
      };
    case "YAMLScalar":
      return scalar(node);
    default:
      return { kind: "other", range: node.range };
  }
}

/** How an object member looks in each parser's tree: its node type, the field holding its key, and the key's identifier type. */
interface MemberShape {
  type: string;
  key: string;
  identifier: string;
}
const MOMOA_MEMBER: MemberShape = { type: "Member", key: "name", identifier: "Identifier" };
const JSONC_PROPERTY: MemberShape = { type: "JSONProperty", key: "key", identifier: "JSONIdentifier" };

/** A map from an object node's members (either parser): identifier or string keys, values converted by fromJsonAst. */
function mapOf(node: AstNode, members: unknown, shape: MemberShape, depth: number): PlainNode {
  const entries: PlainEntry[] = [];
  for (const member of (members as unknown[] | undefined) ?? []) {
    if (!isAstNode(member) || member.type !== shape.type) continue;
    const keyNode = member[shape.key] as AstNode;
    const key = keyNode.type === shape.identifier ? scalarKey(keyNode.name) : scalarKey(keyNode.value);
    const value = fromJsonAst(member.value, depth + 1);
    if (key !== undefined && value) entries.push({ key, value });
  }
  return { kind: "map", entries, range: node.range };
}

/** Converts a `jsonc-eslint-parser` node (the Program or an expression), or an `@eslint/json` (momoa) one (the Document or a value). */
export function fromJsonAst(node: unknown, depth = 0): PlainNode | undefined {
  if (!isAstNode(node) || depth > 100) return undefined;
  switch (node.type) {
    // @eslint/json's `json/json`, `json/jsonc`, `json/json5` languages (momoa nodes, parsed with ranges)
    case "Document":
      return fromJsonAst(node.body, depth + 1);
    case "Object":
      return mapOf(node, node.members, MOMOA_MEMBER, depth);
    case "Array":
      return {
        kind: "seq",
        // momoa's `Element` wrappers carry no range; their values do
        items: ((node.elements as { value?: unknown }[] | undefined) ?? []).flatMap((e) => fromJsonAst(e?.value, depth + 1) ?? []),
        range: node.range,
      };
    case "String":
    case "Number":
    case "Boolean":
      return scalar(node);
    case "Null":
      return { kind: "scalar", value: null, range: node.range };
    case "Program": {
      const statement = ((node.body as unknown[]) ?? [])[0];
      return isAstNode(statement) ? fromJsonAst(statement.expression, depth + 1) : undefined;
    }
    case "JSONObjectExpression":
      return mapOf(node, node.properties, JSONC_PROPERTY, depth);
    case "JSONArrayExpression":
      return {
        kind: "seq",
        items: ((node.elements as unknown[]) ?? []).flatMap((e) => fromJsonAst(e, depth + 1) ?? []),
        range: node.range,
      };
    case "JSONLiteral":
      return scalar(node);
    case "JSONTemplateLiteral": {
      const quasis = node.quasis as { value?: { cooked?: string } }[] | undefined;
      const cooked = quasis?.length === 1 ? quasis[0]?.value?.cooked : undefined;
      return typeof cooked === "string" ? { kind: "scalar", value: cooked, range: node.range } : { kind: "other", range: node.range };
    }
    default:
      return { kind: "other", range: node.range };
  }
}
