import { timestamp } from "drizzle-orm/pg-core";

/** Audit columns shared by every table (spread into the column map). */
export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow().notNull(),
};
