import path from "node:path";
import { directPush } from "./command.js";
import { entry, items, text, type PlainNode, type Range } from "./plain.js";
import { matchesAny, type ChainResolver, type PushChain } from "./scripts.js";
import type { PackageInfo } from "./workspace.js";

/** Branch names that deploy production when pushed to. */
const PRODUCTION_BRANCHES = new Set(["main", "master", "$default-branch", "production", "prod", "live"]);
const PRODUCTION_ENV_WORD = /^(prod|production|live)$/;
const THROWAWAY_ENV_WORD = /^(test|tests|testing|ci|e2e|preview|previews|pr|review|dev|develop|development|staging|stage|qa|sandbox|local|ephemeral)$/;
/** A Postgres URL on the runner itself (or the `postgres` service hostname). */
const LOCAL_DATABASE_URL = /\b(postgres(ql)?|pg):\/\/([^@\s/]*@)?(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|postgres|db)(:\d+)?(\/|\b)/i;
const POSTGRES_IMAGE = /postgres|postgis|pgvector|timescale|supabase|neondatabase\/neon_local|pglite/i;
/** Earlier steps that start a database on the runner. */
const LOCAL_DATABASE_STEP = /docker(-compose|\s+compose)\s+up|docker\s+run\b[^\n]*\b(postgres|postgis|pgvector|timescale)|supabase\s+(start|db\s+start)|pg_ctl(cluster)?\s+\S*\s*start|(service|systemctl)\s+\S*\s*postgresql\S*\s+start|systemctl\s+start\s+postgresql/i;

/** The words of a script or job name: `db:push`, `deployProd`, `release-api` → lowercase words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a workflow also runs for pull requests (then its jobs are CI, unless an `if:` or environment says otherwise). */
export function runsOnPullRequests(on: PlainNode | undefined): boolean {
  const names = on?.kind === "map" ? on.entries.map((e) => e.key) : items(on).map(text);
  return names.some((n) => n === "pull_request" || n === "pull_request_target" || n === "merge_group");
}

/** A script link that runs tests (`test`, `test:e2e`, `@app/db#e2e`): tests use a throwaway database. */
function isTestScript(link: string): boolean {
  const script = link.slice(link.lastIndexOf("#") + 1);
  return words(script).some((w) => /^(pre|post)?(test|tests|e2e|spec|ci)$/.test(w));
}

/** Why a workflow's triggers deploy production: push to a production branch, tags, releases. */
export function productionTrigger(on: PlainNode | undefined): string | undefined {
  if (!on) return undefined;
  if (on.kind === "scalar" || on.kind === "seq") return items(on).some((n) => text(n) === "release") ? "on release" : undefined;
  if (on.kind !== "map") return undefined;
  if (on.entries.some((e) => e.key === "release")) return "on release";
  const push = entry(on, "push");
  if (push?.kind !== "map") return undefined;
  const branch = items(entry(push, "branches"))
    .map(text)
    .find((b) => b !== undefined && PRODUCTION_BRANCHES.has(b));
  if (branch) return `on push to ${branch}`;
  if (items(entry(push, "tags")).some((t) => text(t) !== undefined)) return "on tag push";
  return undefined;
}

/** An environment name: production, throwaway, or neither (unknown or dynamic names count as neither). */
export function classifyEnvironment(name: string | undefined): "production" | "throwaway" | "dynamic" | undefined {
  if (name === undefined) return undefined;
  if (name.includes("${{")) return "dynamic";
  const ws = words(name);
  if (ws.some((w) => THROWAWAY_ENV_WORD.test(w))) return "throwaway";
  if (ws.some((w) => PRODUCTION_ENV_WORD.test(w))) return "production";
  return undefined;
}

function environmentName(job: PlainNode): string | undefined {
  const env = entry(job, "environment");
  return env?.kind === "map" ? text(entry(env, "name")) : text(env);
}

/** Whether an `env:` map points a database at the runner. */
function envIsLocalDatabase(env: PlainNode | undefined): boolean {
  if (env?.kind !== "map") return false;
  return env.entries.some((e) => {
    const value = text(e.value) ?? "";
    if (LOCAL_DATABASE_URL.test(value)) return true;
    return /^(PGHOST|POSTGRES_HOST|DB_HOST|DATABASE_HOST)$/.test(e.key) && /^(localhost|127\.0\.0\.1|::1|postgres)$/.test(value);
  });
}

function hasPostgresService(job: PlainNode): boolean {
  const services = entry(job, "services");
  if (services?.kind !== "map") return false;
  return services.entries.some((s) => {
    const image = s.value.kind === "map" ? text(entry(s.value, "image")) : text(s.value);
    return image !== undefined ? POSTGRES_IMAGE.test(image) : /postgres|^pg$|^db$/i.test(s.key);
  });
}

export interface WorkflowOptions {
  /** The workflow file, relative to the repository root, with `/` separators. */
  file: string;
  allowWorkflows: readonly string[];
  /** The package.json of a working directory relative to the repository root ("" = root). */
  packageAt(workingDirectory: string): PackageInfo | undefined;
  resolver: ChainResolver;
}

export interface WorkflowFinding {
  /** The `run:` value. */
  range: Range;
  job: string;
  reason: string;
  chain: PushChain;
}

function workingDirectory(...nodes: (PlainNode | undefined)[]): string | undefined {
  for (const node of nodes) {
    const wd = text(entry(node, "working-directory"));
    if (wd !== undefined) return wd;
  }
  return "";
}

/**
 * `run:` steps that execute drizzle-kit push (directly or through a package
 * script) in jobs that deploy production, unless the job clearly targets a
 * throwaway database. When unsure, nothing is reported.
 */
export function productionPushSteps(workflow: PlainNode, options: WorkflowOptions): WorkflowFinding[] {
  const basename = path.posix.basename(options.file);
  if (matchesAny(basename, options.allowWorkflows) || matchesAny(options.file, options.allowWorkflows)) return [];
  const on = entry(workflow, "on");
  const trigger = runsOnPullRequests(on) ? undefined : productionTrigger(on);
  const jobs = entry(workflow, "jobs");
  if (jobs?.kind !== "map") return [];
  const findings: WorkflowFinding[] = [];
  for (const { key: jobId, value: job } of jobs.entries) {
    if (job.kind !== "map") continue;
    if (matchesAny(`${basename}#${jobId}`, options.allowWorkflows) || matchesAny(`${options.file}#${jobId}`, options.allowWorkflows)) continue;
    const reason = jobProductionReason(job, trigger);
    if (!reason) continue;
    if (hasPostgresService(job) || envIsLocalDatabase(entry(workflow, "env")) || envIsLocalDatabase(entry(job, "env"))) continue;
    const steps = items(entry(job, "steps"));
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as PlainNode;
      const run = entry(step, "run");
      const command = text(run);
      if (!run || command === undefined) continue;
      if (envIsLocalDatabase(entry(step, "env")) || LOCAL_DATABASE_URL.test(command)) continue;
      const wd = workingDirectory(step, entry(entry(job, "defaults"), "run"), entry(entry(workflow, "defaults"), "run"));
      if (wd === undefined || wd.includes("${{")) continue;
      const pkg = options.packageAt(wd);
      const direct = pkg ? undefined : directPush(command);
      const chain = pkg ? options.resolver.command(pkg, command) : direct && { links: [direct.display], push: direct };
      if (!chain || chain.links.slice(0, -1).some(isTestScript)) continue;
      if (steps.slice(0, i).some(startsLocalDatabase)) continue;
      findings.push({ range: run.range, job: jobId, reason, chain });
    }
  }
  return findings;
}

/** Why a job deploys production, or undefined (not production, a throwaway target, or unsure). */
export function jobProductionReason(job: PlainNode, trigger: string | undefined): string | undefined {
  const envName = environmentName(job);
  const envKind = classifyEnvironment(envName);
  if (envKind === "throwaway" || envKind === "dynamic") return undefined;
  const condition = text(entry(job, "if")) ?? "";
  if (/pull_request|github\.head_ref|!=\s*['"]refs\/heads\/(main|master)/.test(condition)) return undefined;
  if (envKind === "production") return `environment: ${envName}`;
  if (/github\.ref\s*==\s*['"]refs\/heads\/(main|master)['"]|startsWith\(\s*github\.ref\s*,\s*['"]refs\/tags\//.test(condition)) {
    return "runs on the default branch";
  }
  return trigger;
}

function startsLocalDatabase(step: PlainNode): boolean {
  const uses = text(entry(step, "uses"));
  if (uses !== undefined && /postgres/i.test(uses)) return true;
  const run = text(entry(step, "run"));
  return run !== undefined && LOCAL_DATABASE_STEP.test(run);
}
