import type { QueryInLoopMessageId } from "../checks/no-query-in-loop.js";
import { analyzeQueriesInLoops } from "../checks/no-query-in-loop.js";
import { appliesToCodeRole, type CodeRole } from "../engine/code-roles.js";
import { createAnalyzerRule } from "./support/create-rule.js";
import { APPLICATION_ONLY, codeRolesOption, DEFAULT_MAX_DEPTH, maxDepthOption } from "./support/rule-options.js";

export type Options = [
  { maxDepth?: number; iterationFunctions?: string[]; reportPagination?: boolean; maxConstantLoopLength?: number; codeRoles?: CodeRole[] },
];

/** Loops over constant collections of at most this many elements (array literals, `as const` tuples, keys of a constant object or enum) are not N+1. */
export const DEFAULT_MAX_CONSTANT_LOOP_LENGTH = 5;
export type MessageId = QueryInLoopMessageId;

export default createAnalyzerRule<Options, MessageId>({
  name: "no-query-in-loop",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow Drizzle queries that run once per loop iteration (N+1), directly or through helpers",
      recommended: true,
      recommendedOptions: [APPLICATION_ONLY],
    },
    messages: {
      readInLoop:
        "N+1 query: `{{query}}` reads {{tables}} once per loop iteration. Load the rows for every iteration before the loop: a relational query `with` the related rows, or one query filtered with `inArray(...)`.",
      countInLoop:
        "N+1 query: `{{query}}` counts {{tables}} once per loop iteration. Count every group in one query filtered with `inArray(...)` and grouped by the key.",
      insertInLoop:
        "N+1 query: `{{query}}` inserts into {{tables}} once per loop iteration. Collect the rows and insert them with one bulk `.values([...])`.",
      writeInLoop: "N+1 query: `{{query}}` {{verb}} {{tables}} once per loop iteration. {{advice}}",
      rawInLoop:
        "N+1 query: `{{query}}` runs once per loop iteration. Combine the work into one statement before or after the loop.",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          maxDepth: maxDepthOption("How many levels of helper functions to follow from the loop (0: only queries written in the loop)."),
          iterationFunctions: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description:
              'Callees whose function argument runs once per element, by their text at the call: "pMap", "Effect.forEach", "_.map", or "map" for a lodash named import.',
          },
          reportPagination: {
            type: "boolean",
            description: "Also report loops whose continuation depends on the query's own result (cursor or offset pagination, batches).",
          },
          maxConstantLoopLength: {
            type: "integer",
            minimum: -1,
            description:
              "Loops over a collection fixed in the code (array literal, `const` array, `as const` tuple, keys or values of a constant object or enum), and counted loops with literal bounds (`for (let i = 0; i < 3; i++)`), with at most this many elements or iterations run a fixed number of queries and are not reported. -1 reports them too.",
          },
          codeRoles: codeRolesOption(),
        },
      },
    ],
  },
  defaultOptions: [{ maxDepth: DEFAULT_MAX_DEPTH, iterationFunctions: [], reportPagination: false, maxConstantLoopLength: DEFAULT_MAX_CONSTANT_LOOP_LENGTH }],
  analyze: (context, [options]) =>
    !appliesToCodeRole(context, options.codeRoles) ? [] : analyzeQueriesInLoops(context, {
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      iterationFunctions: options.iterationFunctions ?? [],
      reportPagination: options.reportPagination ?? false,
      maxConstantLoopLength: options.maxConstantLoopLength ?? DEFAULT_MAX_CONSTANT_LOOP_LENGTH,
    }),
});
