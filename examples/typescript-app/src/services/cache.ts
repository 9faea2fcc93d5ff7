// A value import through the @lib alias: this module is async.
import { settings } from "@lib/settings";
import { lookup } from "./lookup.js";

const entries = new Map<string, unknown>();

export function remember(key: string, value: unknown): void {
  if (entries.size >= settings.cacheSize) entries.clear();
  entries.set(key, lookup(key) ?? value);
}
