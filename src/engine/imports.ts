import ts from "typescript";
import { fileNames } from "./syntax-index.js";
import type { TextEdit } from "./types.js";

/**
 * Whether `name` is declared anywhere in the file (any scope) other than by
 * `except`: a use of the name could then resolve to that other binding.
 */
function declaredElsewhere(sourceFile: ts.SourceFile, name: string, except?: ts.Node): boolean {
  return (fileNames(sourceFile).bindings.get(name) ?? []).some((node) => node !== except);
}

/**
 * How to refer to a named export of a module in a file, adding the import if
 * needed: reuses an existing (possibly aliased) named import, a namespace
 * import, extends an existing named import list, or adds an import line.
 * Returns undefined when the name would clash with another binding, including
 * a local one anywhere in the file (e.g. a parameter named like the import)
 * that could shadow the reference where it is used.
 */
export function ensureNamedImport(
  sourceFile: ts.SourceFile,
  moduleName: string,
  exportName: string,
): { reference: string; edits: TextEdit[] } | undefined {
  let namedList: ts.NamedImports | undefined;
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.moduleSpecifier.text !== moduleName) continue;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) continue;
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) {
      if (declaredElsewhere(sourceFile, bindings.name.text, bindings)) return undefined;
      return { reference: `${bindings.name.text}.${exportName}`, edits: [] };
    }
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) {
        if (el.isTypeOnly) continue;
        if ((el.propertyName ?? el.name).text === exportName) {
          if (declaredElsewhere(sourceFile, el.name.text, el)) return undefined;
          return { reference: el.name.text, edits: [] };
        }
      }
      namedList ??= bindings;
    }
  }
  // the plain name must be free: not declared in any scope of the file (a
  // memoized syntactic scan, cheaper than asking the checker per finding)
  if (declaredElsewhere(sourceFile, exportName)) return undefined;
  if (namedList) {
    const last = namedList.elements[namedList.elements.length - 1];
    if (!last) return { reference: exportName, edits: [{ start: namedList.getEnd() - 1, end: namedList.getEnd() - 1, text: ` ${exportName} ` }] };
    return { reference: exportName, edits: [{ start: last.getEnd(), end: last.getEnd(), text: `, ${exportName}` }] };
  }
  const imports = sourceFile.statements.filter(ts.isImportDeclaration);
  const anchor = imports[imports.length - 1];
  const line = `import { ${exportName} } from "${moduleName}";`;
  if (anchor) return { reference: exportName, edits: [{ start: anchor.getEnd(), end: anchor.getEnd(), text: `\n${line}` }] };
  return { reference: exportName, edits: [{ start: 0, end: 0, text: `${line}\n` }] };
}
