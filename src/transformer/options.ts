/**
 * Checks rule options against the rules' own JSON schemas (`meta.schema`),
 * for the transformer and the CLI, which run without ESLint's validator: a
 * bad option is a clear error, as in ESLint, not a silently wrong analysis.
 * Only the JSON Schema keywords the rules' schemas use are supported;
 * `unsupportedKeywords` lists any other (a test runs it on every rule).
 */

type Schema = Record<string, unknown>;

const SUPPORTED_KEYWORDS = new Set(["type", "properties", "additionalProperties", "items", "uniqueItems", "enum", "minimum", "maximum", "minItems", "description"]);

/** Keywords of a schema (and its sub-schemas) that `optionErrors` does not check. */
export function unsupportedKeywords(schema: unknown): string[] {
  if (!isRecord(schema)) return [];
  const out = Object.keys(schema).filter((k) => !SUPPORTED_KEYWORDS.has(k));
  for (const sub of Object.values(isRecord(schema.properties) ? schema.properties : {})) out.push(...unsupportedKeywords(sub));
  out.push(...unsupportedKeywords(schema.items), ...unsupportedKeywords(schema.additionalProperties));
  return out;
}

/** What is wrong with `value` under `schema`, each as "<path> <problem>"; empty when valid. */
export function optionErrors(schema: unknown, value: unknown, path: string): string[] {
  if (!isRecord(schema)) return [];
  const types = typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
  if (types && !types.some((t) => hasType(value, t))) return [`${path} must be ${types.map(article).join(" or ")} (got ${describe(value)})`];
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    return [`${path} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")} (got ${describe(value)})`];
  }
  if (typeof schema.minimum === "number" && typeof value === "number" && value < schema.minimum) return [`${path} must be at least ${schema.minimum} (got ${value})`];
  if (typeof schema.maximum === "number" && typeof value === "number" && value > schema.maximum) return [`${path} must be at most ${schema.maximum} (got ${value})`];
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) return [`${path} must have at least ${schema.minItems} items`];
    if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return [`${path} must not repeat items`];
    return value.flatMap((item, i) => optionErrors(schema.items, item, `${path}[${i}]`));
  }
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    return Object.entries(value).flatMap(([key, v]) => {
      if (Object.hasOwn(properties, key)) return optionErrors(properties[key], v, `${path}.${key}`);
      if (schema.additionalProperties === false) return [`${path} has no option "${key}" (known: ${Object.keys(properties).join(", ") || "none"})`];
      return optionErrors(schema.additionalProperties, v, `${path}.${key}`);
    });
  }
  return [];
}

function isRecord(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
