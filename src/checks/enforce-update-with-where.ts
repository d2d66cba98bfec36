import type { AnalysisContext, Finding } from "../engine/types.js";
import { analyzeWriteWithoutWhere, type MessageId } from "./write-without-where.js";

export type { MessageId };

/** `enforce-update-with-where`: a Drizzle update that runs without a (defined) `.where(...)`. */
export const analyzeUpdateWithWhere = (context: AnalysisContext): Finding<MessageId>[] => analyzeWriteWithoutWhere(context, "update");
