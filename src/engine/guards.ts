import ts from "typescript";
import { programCache } from "./cache.js";
import { callSitesOf, isExitStatement } from "./result-checks.js";
import { symbolAt } from "./symbols.js";
import { enclosingFunction, isFunctionLike, skipOuter, skipOuterUp, typeOf, walk } from "./ts-utils.js";

/**
 * Guards: code that runs only for administrators or only for a verified
 * webhook sender, and code marked public on purpose. Recognised by names the
 * user can configure (a project's own `isAdmin`, its webhook verifier), by
 * the structure around them (an `if` that exits, a tRPC procedure's
 * middleware), and by a marker comment with a reason. Rules that check
 * authorization leave such code alone.
 */

export interface GuardNames {
  /** Predicates: `if (!isAdmin(user)) throw`, `if (!user.isAdmin) return`. */
  adminPredicates: readonly string[];
  /** Calls that throw for non-administrators: `await requireAdmin()`. */
  adminAssertions: readonly string[];
  /** Calls that verify a webhook's signature: `stripe.webhooks.constructEvent(...)`, matched by the end of the callee path. */
  webhookVerifiers: readonly string[];
}

export const DEFAULT_ADMIN_PREDICATES = ["isAdmin", "isSuperAdmin", "isSuperuser", "isStaff"];
export const DEFAULT_ADMIN_ASSERTIONS = ["requireAdmin", "assertAdmin", "ensureAdmin"];
export const DEFAULT_WEBHOOK_VERIFIERS = [
  "webhooks.constructEvent",
  "webhooks.constructEventAsync",
  "verifyWebhook",
  "verifyWebhookSignature",
  "validateWebhookSignature",
];
/** Role names compared with a string literal: `user.role !== "admin"`. */
const ADMIN_ROLES = new Set(["admin", "superadmin", "super_admin", "owner_admin"]);

/** The marker comment: `// drizzle-guard-public: <reason>` (the reason is required). */
export const PUBLIC_MARKER = /drizzle-guard-public:\s*\S/;

export type GuardKind = "admin" | "webhook" | "public";

export interface Guard {
  kind: GuardKind;
  /** What was recognised: `adminProcedure`, `isAdmin`, `webhooks.constructEvent`, the marker. */
  detail: string;
}

/** Call sites followed up from a helper to the guarded code that calls it. */
const MAX_CALLER_DEPTH = 3;

/** `stripe.webhooks.constructEvent` → that text; undefined for callees that are not access paths. */
function accessPath(e: ts.Expression): string | undefined {
  const x = skipOuter(e);
  if (ts.isIdentifier(x)) return x.text;
  if (x.kind === ts.SyntaxKind.ThisKeyword) return "this";
  if (ts.isPropertyAccessExpression(x)) {
    const left = accessPath(x.expression);
    return left === undefined ? x.name.text : `${left}.${x.name.text}`;
  }
  if (ts.isCallExpression(x)) return accessPath(x.expression);
  return undefined;
}

function pathMatches(path: string | undefined, names: readonly string[]): string | undefined {
  if (path === undefined) return undefined;
  return names.find((n) => path === n || path.endsWith(`.${n}`));
}

function lastName(e: ts.Expression): string | undefined {
  const x = skipOuter(e);
  if (ts.isIdentifier(x)) return x.text;
  if (ts.isPropertyAccessExpression(x)) return x.name.text;
  if (ts.isCallExpression(x)) return lastName(x.expression);
  return undefined;
}

/** A term of an exit condition that holds for non-administrators: `!isAdmin(u)`, `!u?.isAdmin`, `u.role !== "admin"`. */
function notAdminTerm(term: ts.Expression, names: GuardNames): string | undefined {
  const t = skipOuter(term);
  if (ts.isPrefixUnaryExpression(t) && t.operator === ts.SyntaxKind.ExclamationToken) {
    const name = lastName(t.operand);
    return name !== undefined && names.adminPredicates.includes(name) ? name : undefined;
  }
  if (ts.isBinaryExpression(t)) {
    const op = t.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) return notAdminTerm(t.left, names) ?? notAdminTerm(t.right, names);
    if (op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
      for (const side of [t.left, t.right]) {
        const s = skipOuter(side);
        if (ts.isStringLiteralLike(s) && ADMIN_ROLES.has(s.text.toLowerCase())) return `role !== "${s.text}"`;
      }
    }
    // `isAdmin(u) === false`
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken && skipOuter(t.right).kind === ts.SyntaxKind.FalseKeyword) {
      const name = lastName(t.left);
      return name !== undefined && names.adminPredicates.includes(name) ? name : undefined;
    }
  }
  return undefined;
}

/**
 * A guard in the body of `fn` before `before`: an `if` that exits for
 * non-administrators, an admin assertion called as a statement, or a webhook
 * verifier call.
 */
function guardInBody(checker: ts.TypeChecker, fn: ts.Node, before: number, names: GuardNames): Guard | undefined {
  const body = isFunctionLike(fn) ? fn.body : fn;
  if (!body) return undefined;
  let found: Guard | undefined;
  walk(body, (node) => {
    if (found || node.getStart() >= before) return false;
    if (node !== body && isFunctionLike(node)) return false;
    if (ts.isIfStatement(node) && node.getEnd() <= before && isExitStatement(checker, node.thenStatement)) {
      const term = notAdminTerm(node.expression, names);
      if (term) found = { kind: "admin", detail: term };
    } else if (ts.isCallExpression(node) && node.getEnd() <= before) {
      const path = accessPath(node.expression);
      const webhook = pathMatches(path, names.webhookVerifiers);
      if (webhook) found = { kind: "webhook", detail: webhook };
      else {
        const statement = skipOuterUp(node).parent;
        const asStatement =
          statement && (ts.isExpressionStatement(statement) || (ts.isAwaitExpression(statement) && ts.isExpressionStatement(skipOuterUp(statement).parent)));
        const assertion = asStatement ? pathMatches(path, names.adminAssertions) : undefined;
        if (assertion) found = { kind: "admin", detail: assertion };
      }
    }
    return undefined;
  });
  return found;
}

/** A `// drizzle-guard-public: reason` comment leading `node`. */
function hasPublicMarker(node: ts.Node): boolean {
  const text = node.getSourceFile().text;
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  return ranges.some((r) => PUBLIC_MARKER.test(text.slice(r.pos, r.end)));
}

/** Whether a type comes from `@trpc/server`. */
function isTrpcType(type: ts.Type | undefined): boolean {
  const symbol = type?.getSymbol() ?? type?.aliasSymbol;
  return !!symbol?.declarations?.some((d) => /[\\/]@trpc[\\/]server[\\/]/.test(d.getSourceFile().fileName));
}

const PROCEDURE_RESOLVERS = new Set(["query", "mutation", "subscription"]);
const MAX_PROCEDURE_HOPS = 6;

/**
 * `fn` is the resolver of a tRPC procedure whose builder uses a middleware
 * that throws for non-administrators: `adminProcedure.input(...).mutation(fn)`
 * with `adminProcedure = protectedProcedure.use(({ ctx, next }) => { if
 * (!isAdmin(ctx.user)) throw new TRPCError(...); return next(); })`.
 */
function trpcAdminProcedure(checker: ts.TypeChecker, fn: ts.Node, names: GuardNames): Guard | undefined {
  const call = skipOuterUp(fn).parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(skipOuterUp(fn) as ts.Expression)) return undefined;
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !PROCEDURE_RESOLVERS.has(callee.name.text)) return undefined;
  if (!isTrpcType(typeOf(checker, callee.expression))) return undefined;
  let e: ts.Expression = callee.expression;
  let via: string | undefined;
  for (let hops = 0; hops < MAX_PROCEDURE_HOPS * 4; hops++) {
    e = skipOuter(e);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(skipOuter(e.expression))) {
      const access = skipOuter(e.expression) as ts.PropertyAccessExpression;
      if (access.name.text === "use" && e.arguments[0] && adminMiddleware(checker, e.arguments[0], names, 0)) {
        return { kind: "admin", detail: via ?? "an admin middleware" };
      }
      e = access.expression;
      continue;
    }
    if (ts.isPropertyAccessExpression(e)) {
      e = e.expression;
      continue;
    }
    if (ts.isIdentifier(e)) {
      const decl = symbolAt(checker, e)?.valueDeclaration;
      if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
      via ??= e.text;
      e = decl.initializer;
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** A middleware function (inline, in a variable, or wrapped in `t.middleware(fn)`) that exits for non-administrators. */
function adminMiddleware(checker: ts.TypeChecker, expr: ts.Expression, names: GuardNames, depth: number): boolean {
  if (depth > MAX_PROCEDURE_HOPS) return false;
  const e = skipOuter(expr);
  if (isFunctionLike(e)) return !!e.body && guardInBody(checker, e, e.body.getEnd() + 1, names)?.kind === "admin";
  if (ts.isCallExpression(e)) return e.arguments.some((a) => adminMiddleware(checker, a, names, depth + 1));
  if (ts.isIdentifier(e)) {
    const decl = symbolAt(checker, e)?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return adminMiddleware(checker, decl.initializer, names, depth + 1);
    if (decl && ts.isFunctionDeclaration(decl)) return adminMiddleware(checker, decl as unknown as ts.Expression, names, depth + 1);
  }
  return false;
}

const guardMemo = programCache(() => new Map<string, WeakMap<ts.Node, Guard | null>>());

/**
 * The guard `node` runs behind, if any: a public marker on it or an
 * enclosing statement or function, an admin or webhook check earlier in an
 * enclosing function, a tRPC admin procedure, or (for a helper) every one of
 * its callers being guarded.
 */
export function guardOf(program: ts.Program, node: ts.Node, names: GuardNames): Guard | undefined {
  return guardAt(program, node, names, 0);
}

function guardAt(program: ts.Program, node: ts.Node, names: GuardNames, depth: number): Guard | undefined {
  const checker = program.getTypeChecker();
  for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
    if ((ts.isStatement(n) || isFunctionLike(n) || ts.isPropertyAssignment(n)) && hasPublicMarker(n)) {
      return { kind: "public", detail: "drizzle-guard-public" };
    }
  }
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const found = guardInBody(checker, fn, node.getStart(), names) ?? trpcAdminProcedure(checker, fn, names) ?? callersGuarded(program, fn, names, depth);
    if (found) return found;
  }
  return undefined;
}

/** Every caller of a helper runs behind a guard (at least one caller, none unknown). */
function callersGuarded(program: ts.Program, fn: ts.FunctionLikeDeclaration, names: GuardNames, depth: number): Guard | undefined {
  if (depth >= MAX_CALLER_DEPTH) return undefined;
  const key = JSON.stringify(names);
  const memos = guardMemo(program);
  let memo = memos.get(key);
  if (!memo) memos.set(key, (memo = new WeakMap()));
  const known = memo.get(fn);
  if (known !== undefined) return known ?? undefined;
  memo.set(fn, null);
  const sites = callSitesOf(program, fn);
  let result: Guard | undefined;
  if (!sites.escapes && sites.calls.length > 0) {
    const guards = sites.calls.map((c) => guardAt(program, c, names, depth + 1));
    if (guards.every((g): g is Guard => !!g && g.kind !== "public")) result = guards[0];
  }
  memo.set(fn, result ?? null);
  return result;
}
