import ts from "typescript";
import { topLevelBindingOf, topLevelDeclaration } from "./bindings.js";
import { guard } from "./guard.js";

/*
 * Symbol resolution through the checker, with the syntax shortcut of
 * `bindings.ts` for names bound once at top level. Every function here never
 * throws unless documented.
 */

/** Resolves alias symbols (imports, re-exports) to their target. Never throws. */
export function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol | undefined): ts.Symbol | undefined {
  if (!symbol) return undefined;
  if (symbol.flags & ts.SymbolFlags.Alias) {
    return guard<ts.Symbol | undefined>(() => checker.getAliasedSymbol(symbol), undefined);
  }
  return symbol;
}

/**
 * `checker.getSymbolAtLocation`, with a reference to a name its file binds
 * once at top level answered from that binding (see `bindings.ts`). Aliases
 * are not followed (an import's own symbol). Never throws: the one
 * never-throwing symbol lookup; every check and engine module calls this one.
 */
export function localSymbolAt(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  const binding = ts.isIdentifier(node) ? topLevelBindingOf(node) : undefined;
  return guard(() => checker.getSymbolAtLocation(binding?.name ?? node), undefined);
}

export function symbolAt(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  return guard(() => namespaceMember(checker, node), undefined) ?? resolveAlias(checker, localSymbolAt(checker, node));
}

/**
 * `name` in `ns.name` with `ns` a namespace import (or a namespace): the
 * module's export, looked up directly. `getSymbolAtLocation` would check the
 * property access, which types the member (for a table, its whole `pgTable`
 * call).
 */
function namespaceMember(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  const parent = node.parent;
  if (!parent || !ts.isPropertyAccessExpression(parent) || parent.name !== node || !ts.isIdentifier(parent.expression)) return undefined;
  const container = resolveAlias(checker, localSymbolAt(checker, parent.expression));
  if (!container || !(container.flags & ts.SymbolFlags.ValueModule)) return undefined;
  return resolveAlias(checker, checker.tryGetMemberInModuleExports(parent.name.text, container));
}

/**
 * The symbol an identifier denotes as a value: like `symbolAt`, but for the
 * name of a `{ x }` shorthand property it is the variable `x`, not the
 * property. Never throws.
 */
export function valueSymbolAt(checker: ts.TypeChecker, node: ts.Identifier): ts.Symbol | undefined {
  const parent = node.parent;
  if (parent && ts.isShorthandPropertyAssignment(parent) && parent.name === node) {
    return guard(() => {
      const binding = topLevelDeclaration(node.getSourceFile(), node.text);
      return resolveAlias(checker, binding ? checker.getSymbolAtLocation(binding.name) : checker.getShorthandAssignmentValueSymbol(parent));
    }, undefined);
  }
  return symbolAt(checker, node);
}
