import { analyzeForeignKeyIndexes, type MessageId } from "../checks/require-foreign-key-index.js";
import { createAnalyzerRule } from "./support/create-rule.js";

export type Options = [{ ignore?: string[] }];
export type { MessageId };

export default createAnalyzerRule<Options, MessageId>({
  name: "require-foreign-key-index",
  meta: {
    type: "problem",
    docs: {
      description: "Require an index that covers the columns of every foreign key",
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      missingIndex:
        "Foreign key {{table}} ({{columns}}) → {{target}} has no covering index. Postgres does not index foreign keys: joins and cascading deletes on {{target}} will scan {{table}}.",
      addIndex: "Add index {{index}} to the table's extra config.",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          ignore: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description: 'Tables ("table") or foreign-key columns ("table.column") to skip, by JS or SQL name.',
          },
        },
      },
    ],
  },
  defaultOptions: [{ ignore: [] }],
  analyze: (context, [options]) => analyzeForeignKeyIndexes(context, { ignore: options.ignore ?? [] }),
});
