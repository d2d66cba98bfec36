import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.js";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull().unique(),
  displayName: text("display_name").notNull(),
  ...timestamps,
});
