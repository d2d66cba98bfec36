import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const drizzleKit = path.join(root, "node_modules/drizzle-kit/bin.cjs");

export interface Step {
  name: string;
  /** The TypeScript schema after this step (drizzle-kit generate). */
  schema?: string;
  /** SQL of a `drizzle-kit generate --custom` migration. */
  custom?: string;
}

/** A project with a drizzle config: its text (with `out: "./drizzle"`) and the schema file it names. */
export interface ConfiguredProject {
  config: string;
  schemaFile: string;
}

/**
 * Runs the real `drizzle-kit generate` (0.31, offline) once per step into a
 * temp project; returns its `drizzle/` folder (0.x layout: NNNN_name.sql + meta/).
 * Without `project` the schema is `./schema.ts`, given on the command line (no drizzle config).
 */
export function generateMigrations(steps: Step[], project?: ConfiguredProject): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dg-migrations-"));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  const out = path.join(dir, "drizzle");
  if (project) fs.writeFileSync(path.join(dir, "drizzle.config.ts"), project.config);
  const schemaFile = path.join(dir, project?.schemaFile ?? "schema.ts");
  for (const step of steps) {
    const args = project
      ? [drizzleKit, "generate", "--config=drizzle.config.ts", `--name=${step.name}`]
      : [drizzleKit, "generate", "--dialect=postgresql", "--schema=./schema.ts", "--out=./drizzle", `--name=${step.name}`];
    if (step.schema !== undefined) {
      fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
      fs.writeFileSync(schemaFile, step.schema);
    }
    if (step.custom !== undefined) args.push("--custom");
    execFileSync(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    if (step.custom !== undefined) {
      const file = fs.readdirSync(out).find((f) => f.endsWith(`_${step.name}.sql`));
      if (!file) throw new Error(`drizzle-kit did not create the custom migration ${step.name}`);
      fs.appendFileSync(path.join(out, file), `\n${step.custom}`);
    }
  }
  return out;
}

/** The migration file of a step: `0002_drop.sql`. */
export function migrationFile(out: string, name: string): string {
  const file = fs.readdirSync(out).find((f) => f.endsWith(`_${name}.sql`));
  if (!file) throw new Error(`no migration ${name} in ${out}`);
  return path.join(out, file);
}
