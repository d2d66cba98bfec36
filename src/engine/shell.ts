import parseBash, { type BashNode } from "@ericcornelissen/bash-parser";

/**
 * Shell text → simple commands, with `@ericcornelissen/bash-parser` (a
 * maintained fork of bash-parser): `&&`, `||`, `;`, `|`, `&`, subshells,
 * `if`/`while`/`for`/`case` bodies, functions, quotes, `\`-newline,
 * redirections (`2>&1` is a redirection, not a word) and `$(…)`/backquote
 * substitutions (whose commands run too).
 *
 * Not modelled: here-document bodies are blanked before parsing (they are
 * data). When the parser rejects a text (it fails on `2>&1 >file`, bash
 * arrays `a=(…)`), it is parsed again without its redirections, then line
 * by line, skipping the lines it still rejects.
 */

export interface SimpleCommand {
  /** Words with quotes removed (`X=1` assignments first, then the command name and its arguments). */
  words: string[];
  /** Character offsets of the command in the parsed text (end exclusive). */
  start: number;
  end: number;
  /** Inside a branch a `NODE_ENV`-style condition keeps out of production (`if [ "$NODE_ENV" = development ]`). */
  nonProduction: boolean;
}

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

/** Replaces here-document bodies by empty lines (keeping offsets), so the parser does not read them as commands. */
export function blankHeredocs(text: string): string {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    HEREDOC.lastIndex = 0;
    const match = HEREDOC.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    const delimiter = match[2] as string;
    let j = i + 1;
    for (; j < lines.length && (lines[j] as string).trim() !== delimiter; j++) lines[j] = " ".repeat((lines[j] as string).length);
    i = j;
  }
  return lines.join("\n");
}

const DEV_WORD = /^(dev|develop|development|test|testing|local|ci|e2e|preview|staging)$/;
const PROD_WORD = /^(prod|production|live)$/;

/** Which branches of an `if` a NODE_ENV-like condition keeps out of production. */
function conditionBranches(condition: string): { thenDev: boolean; elseDev: boolean } {
  const words = condition.toLowerCase().split(/[^a-z0-9_]+/);
  const negated = /!=|\bne\b|!\s/.test(condition);
  const dev = words.some((w) => DEV_WORD.test(w));
  const prod = words.some((w) => PROD_WORD.test(w));
  if (dev && !prod) return negated ? { thenDev: false, elseDev: true } : { thenDev: true, elseDev: false };
  if (prod && !dev) return negated ? { thenDev: true, elseDev: false } : { thenDev: false, elseDev: true };
  return { thenDev: false, elseDev: false };
}

function offsets(node: BashNode | undefined): [number, number] | undefined {
  const loc = node?.loc;
  return loc ? [loc.start.char, loc.end.char + 1] : undefined;
}

function unquote(word: BashNode): string {
  const text = word.text ?? "";
  // the parser removes quotes from plain words but keeps them in words with expansions
  return Array.isArray(word.expansion) ? text.replace(/^"(.*)"$/s, "$1") : text;
}

function collect(node: unknown, text: string, out: SimpleCommand[], nonProduction: boolean, at: [number, number] | undefined, depth: number): void {
  if (!node || typeof node !== "object" || depth > 200) return;
  const n = node as BashNode;
  const here = offsets(n) ?? at;
  const visit = (child: unknown, dev = nonProduction) => collect(child, text, out, dev, here, depth + 1);
  switch (n.type) {
    case "Command": {
      const parts = [...((n.prefix as BashNode[]) ?? []), ...(n.name ? [n.name as BashNode] : []), ...((n.suffix as BashNode[]) ?? [])];
      const words = parts.filter((p) => p.type === "Word" || p.type === "AssignmentWord").map(unquote);
      if (words.length > 0 && here) out.push({ words, start: here[0], end: here[1], nonProduction });
      // `$(…)` and backquotes run their commands too (at the position of the word)
      for (const part of parts) {
        for (const expansion of (part.expansion as BashNode[]) ?? []) {
          if (expansion.type === "CommandExpansion") collect(expansion.commandAST, text, out, nonProduction, offsets(part) ?? here, depth + 1);
        }
      }
      return;
    }
    case "If": {
      const clause = offsets(n.clause as BashNode);
      const branches = clause ? conditionBranches(text.slice(clause[0], clause[1])) : { thenDev: false, elseDev: false };
      visit(n.clause);
      visit(n.then, nonProduction || branches.thenDev);
      visit(n.else, nonProduction || branches.elseDev);
      return;
    }
    default:
      for (const [key, value] of Object.entries(n)) {
        if (key === "loc" || key === "type") continue;
        if (Array.isArray(value)) for (const item of value) visit(item);
        else if (value && typeof value === "object") visit(value);
      }
  }
}

/** The parser's AST, or undefined when it rejects the text (a syntax error in the user's file, or syntax it lacks). */
function parseOrUndefined(text: string): BashNode | undefined {
  try {
    return parseBash(text, { insertLOC: true });
  } catch (error) {
    if (error instanceof SyntaxError || (error instanceof Error && /Parse error/.test(error.message))) return undefined;
    throw error;
  }
}

/** Redirections (`2>&1`, `>/dev/null`, `&>log`), blanked when the parser rejects a text (it fails on `2>&1 >file`). */
const REDIRECTION = /(?<=^|[\s;&|()])\d*(?:&>>|&>|>>|>\||>&|<&|>|<(?!<))(?:\s*(?:&?-|&?\d+\b|[^\s;&|()<>'"]+))?/g;

function blankRedirections(text: string): string {
  return text.replace(REDIRECTION, (match) => " ".repeat(match.length));
}

/** Parses a text, then (when rejected) the same text without its redirections. */
function parseTolerant(text: string): BashNode | undefined {
  if (text.trim() === "") return undefined;
  return parseOrUndefined(text) ?? parseOrUndefined(blankRedirections(text));
}

/** Every word of every simple command of a shell text (a package.json script), in source order. */
export function shellWords(source: string): string[] {
  return parseShell(source).flatMap((command) => command.words);
}

/** The simple commands of a shell text, in source order. */
export function parseShell(source: string): SimpleCommand[] {
  const text = blankHeredocs(source);
  const out: SimpleCommand[] = [];
  const ast = parseTolerant(text);
  if (ast) {
    collect(ast, text, out, false, undefined, 0);
    return out;
  }
  // the parser rejected the whole text: parse each logical line (joined `\`-continuations) on its own
  const lineRe = /(?:[^\n\\]|\\[\s\S])*(?:\n|$)/g;
  for (let match = lineRe.exec(text); match && match[0] !== ""; match = lineRe.exec(text)) {
    const line = match[0];
    const lineAst = parseTolerant(line);
    if (!lineAst) continue;
    const before = out.length;
    collect(lineAst, line, out, false, undefined, 0);
    for (const command of out.slice(before)) {
      command.start += match.index;
      command.end += match.index;
    }
  }
  return out;
}
