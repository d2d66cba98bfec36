import type { AnalysisContext, Finding } from "../engine/types.js";
import { analyzeWriteWithoutWhere, type MessageId } from "./write-without-where.js";

export type { MessageId };

/** `enforce-delete-with-where`: a Drizzle delete that runs without a (defined) `.where(...)`. */
export const analyzeDeleteWithWhere = (context: AnalysisContext, options: { reportResets: boolean } = { reportResets: false }): Finding<MessageId>[] =>
  analyzeWriteWithoutWhere(context, "delete", { reportResets: options.reportResets });
