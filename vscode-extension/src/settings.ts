/**
 * `tlaLens.*` settings → what the server receives through `workspace/configuration`.
 *
 * Only values the user has set (user, workspace or folder settings) are sent, so a project's
 * `tla-lens.json` keeps deciding everything the user left at its default; a value the user set
 * overrides the same key of the file (the server's rule). `codeLens` and `inlayHints` are editor
 * flags and are always sent with their effective value.
 */

export const SEVERITY_CODES = [
  "async-import",
  "require-async",
  "top-level-await",
  "async-cycle",
  "async-entry",
  "unresolved-import",
] as const;
export type SeverityCode = (typeof SEVERITY_CODES)[number];
export const SEVERITIES = ["error", "warning", "information", "hint", "off"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const LIST_KEYS = ["include", "exclude", "entries", "allowAsync", "conditions", "skipDirs"] as const;
export type ListKey = (typeof LIST_KEYS)[number];
export const EDITOR_FLAGS = ["codeLens", "inlayHints"] as const;

/** What `WorkspaceConfiguration.inspect` returns (the parts we use). */
export interface Inspected {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}
export type Inspect = (key: string) => Inspected | undefined;

export interface ServerSettings {
  severity?: Partial<Record<SeverityCode, Severity>>;
  include?: string[];
  exclude?: string[];
  entries?: string[];
  allowAsync?: string[];
  conditions?: string[];
  alias?: Record<string, string | string[] | false>;
  skipDirs?: string[];
  maxFileSize?: number;
  codeLens: boolean;
  inlayHints: boolean;
}

/** The most specific value the user set, or undefined when the setting is at its default. */
export function userValue(inspected: Inspected | undefined): unknown {
  if (!inspected) return undefined;
  for (const v of [inspected.workspaceFolderValue, inspected.workspaceValue, inspected.globalValue]) {
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/**
 * Build the server's settings. `problems` describes values that were set but are invalid (they
 * are left out, so the project's file or the built-in default applies).
 */
export function serverSettings(inspect: Inspect): { settings: ServerSettings; problems: string[] } {
  const problems: string[] = [];
  const flag = (key: string): boolean => {
    const i = inspect(key);
    const v = userValue(i) ?? i?.defaultValue;
    return typeof v === "boolean" ? v : true;
  };
  const settings: ServerSettings = { codeLens: flag("codeLens"), inlayHints: flag("inlayHints") };

  const severity: Partial<Record<SeverityCode, Severity>> = {};
  for (const code of SEVERITY_CODES) {
    const v = userValue(inspect(`severity.${code}`));
    if (v === undefined) continue;
    if (typeof v === "string" && (SEVERITIES as readonly string[]).includes(v)) {
      severity[code] = v as Severity;
    } else {
      problems.push(`tlaLens.severity.${code}: ${JSON.stringify(v)} is not one of ${SEVERITIES.join(", ")}; ignored`);
    }
  }
  if (Object.keys(severity).length > 0) settings.severity = severity;

  for (const key of LIST_KEYS) {
    let v = userValue(inspect(key));
    if (v === undefined) continue;
    if (typeof v === "string") v = [v];
    if (isStringList(v)) {
      settings[key] = v;
    } else {
      problems.push(`tlaLens.${key}: expected a list of strings; ignored`);
    }
  }

  const alias = userValue(inspect("alias"));
  if (alias !== undefined) {
    const ok =
      typeof alias === "object" &&
      !Array.isArray(alias) &&
      Object.values(alias as object).every((t) => typeof t === "string" || t === false || isStringList(t));
    if (ok) {
      settings.alias = alias as Record<string, string | string[] | false>;
    } else {
      problems.push(`tlaLens.alias: expected an object of name: target (a path or a package name, a list of them, or false); ignored`);
    }
  }

  const size = userValue(inspect("maxFileSize"));
  if (size !== undefined) {
    if (typeof size === "number" && Number.isInteger(size) && size > 0) {
      settings.maxFileSize = size;
    } else {
      problems.push(`tlaLens.maxFileSize: expected a positive number of bytes; ignored`);
    }
  }
  return { settings, problems };
}

/** What a change of settings requires. */
export type SettingsEffect = "restart" | "notify" | "statusBar" | "none";

/**
 * `affects(section)` is `ConfigurationChangeEvent.affectsConfiguration`. A different interpreter
 * or server needs a new process; anything else the server applies by itself.
 */
export function settingsEffect(affects: (section: string) => boolean): SettingsEffect[] {
  const out: SettingsEffect[] = [];
  if (affects("tlaLens.interpreter") || affects("tlaLens.server.path")) out.push("restart");
  const notify =
    SEVERITY_CODES.some((c) => affects(`tlaLens.severity.${c}`)) ||
    [...LIST_KEYS, "alias", "maxFileSize", ...EDITOR_FLAGS].some((k) => affects(`tlaLens.${k}`));
  if (notify) out.push("notify");
  if (affects("tlaLens.statusBar")) out.push("statusBar");
  return out.length > 0 ? out : ["none"];
}
