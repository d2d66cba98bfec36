/** Imports of the non-Drizzle look-alikes in tests/fixtures/where-guard/lookalikes.ts. */
export const LOOKALIKES = `import { router, WebsiteRepository, env, accounts, notDrizzleDb } from "./where-guard/lookalikes";\n`;

/** The expected output of the `addWhereTrue` suggestion: `.where(sql\`true\`)` right after the n-th (0-based) `target`. */
export function whereTrue(code: string, target: string, nth = 0): { messageId: "addWhereTrue"; output: string } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = code.indexOf(target, at + 1);
  if (at < 0) throw new Error(`no ${target} in test code`);
  const end = at + target.length;
  return { messageId: "addWhereTrue", output: `${code.slice(0, end)}.where(sql\`true\`)${code.slice(end)}` };
}
