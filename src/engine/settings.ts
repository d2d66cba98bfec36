import type { SharedSettings } from "./types.js";

/** Reads `settings["drizzle-guard"]` defensively: anything malformed is ignored. */
export function readSharedSettings(settings: unknown): SharedSettings {
  if (!settings || typeof settings !== "object") return {};
  const raw = (settings as Record<string, unknown>)["drizzle-guard"];
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return {};
  const out: SharedSettings = { ...(raw as Record<string, unknown>) };
  for (const key of ["ownerColumns", "scopeColumns", "ignoreTables", "ignore", "testFiles", "scriptFiles", "jobSchedulers"] as const) {
    const v = out[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) Reflect.deleteProperty(out, key);
  }
  return out;
}

/** Option value from the rule options, else from shared settings, else the default. */
export function optionOrSetting<T>(ruleValue: T | undefined, settingValue: T | undefined, fallback: T): T {
  return ruleValue ?? settingValue ?? fallback;
}
