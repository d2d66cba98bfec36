import { guard } from "../../engine/guard.js";
import type { MigrationFile } from "../../engine/migrations/migration.js";
import type { Finding } from "../../engine/types.js";
import { DRIZZLE_MIGRATIONS, type FileLanguage } from "../../file-languages.js";
import type { MigrationParserServices } from "../../migration-parser.js";
import { createRule, reportFindings, type DrizzleGuardDocs } from "./create-rule.js";
import type { TSESLint } from "@typescript-eslint/utils";

/** A rule over drizzle-kit migration files; `checkMigration` is what the CLI runs. */
export type MigrationRule<Options extends readonly unknown[], MessageIds extends string> = TSESLint.RuleModule<MessageIds, Options, DrizzleGuardDocs> & {
  name: string;
  defaultOptions: Options;
  checkMigration: (migration: MigrationFile, options: Options) => Finding<MessageIds>[];
  fileLanguages: readonly FileLanguage[];
  /** Not enabled on TypeScript files by the configs. */
  lintsCode: false;
};

/** Creates a rule that reports a check's findings on the migration the SQL parser produced. */
export function createMigrationRule<Options extends readonly unknown[], MessageIds extends string>(config: {
  name: string;
  meta: Omit<TSESLint.RuleMetaData<MessageIds, DrizzleGuardDocs, Options>, "docs"> & { docs: DrizzleGuardDocs };
  defaultOptions: Options;
  check: (migration: MigrationFile, options: Options) => Finding<MessageIds>[];
}): MigrationRule<Options, MessageIds> {
  const rule = createRule<Options, MessageIds>({
    name: config.name,
    meta: config.meta,
    defaultOptions: config.defaultOptions,
    create(context, options) {
      const services = context.sourceCode.parserServices as Partial<MigrationParserServices> | undefined;
      const migration = services?.drizzleMigration;
      if (!migration) return {};
      return { Program: () => reportFindings(context, guard(() => config.check(migration, options), [])) };
    },
  });
  return Object.assign(rule, {
    name: config.name,
    defaultOptions: config.defaultOptions,
    checkMigration: config.check,
    fileLanguages: [DRIZZLE_MIGRATIONS] as readonly FileLanguage[],
    lintsCode: false as const,
  });
}

const DRIZZLE_KIT_IN_TX = "drizzle-kit's migrator runs migrations inside a transaction, where CONCURRENTLY fails";

/** Shared wording of the messages. */
export const WORDING = { DRIZZLE_KIT_IN_TX };

export const postgresVersionOption = {
  type: "integer",
  minimum: 9,
  description: "Major version of the PostgreSQL server the migrations run on (decides what rewrites a table or fails in a transaction).",
} as const;

/** The options of the rules whose answer depends on the server version. */
export type PostgresVersionOptions = [{ postgresVersion?: number }];

/** The PostgreSQL major version assumed when `postgresVersion` is not set. */
export const DEFAULT_POSTGRES_VERSION = 13;

export const postgresVersionDefaults: PostgresVersionOptions = [{ postgresVersion: DEFAULT_POSTGRES_VERSION }];

/** The schema of a rule whose only option is `postgresVersion`. */
export const postgresVersionSchema = [{ type: "object", additionalProperties: false, properties: { postgresVersion: postgresVersionOption } }] as const;

/** The `postgresVersion` a check runs with. */
export const postgresVersionOf = ([options]: PostgresVersionOptions): { postgresVersion: number } => ({
  postgresVersion: options.postgresVersion ?? DEFAULT_POSTGRES_VERSION,
});
