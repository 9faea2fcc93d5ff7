/**
 * The "Async Modules" view and the status bar, as plain data (no `vscode` import): built from the
 * server's `tla-lens/asyncModules` and `tla-lens/explain` answers.
 */
import { type AsyncModuleSite, type ExplainResult, type Range, baseName } from "./protocol";

export interface ModuleNode {
  type: "module";
  id: string;
  uri: string;
  label: string;
  description?: string;
  /** where a click goes (undefined: the top of the file) */
  range?: Range;
}

export interface GroupNode {
  type: "group";
  id: string;
  label: string;
  icon: "infects" | "entries" | "dependencies";
  children: TreeNode[];
}

export interface SiteNode {
  type: "site";
  id: string;
  uri: string;
  range: Range;
  label: string;
  description: string;
  tooltip: string;
  workspace: boolean;
  children: TreeNode[];
}

export interface InfoNode {
  type: "info";
  id: string;
  label: string;
}

export type TreeNode = SiteNode | GroupNode | ModuleNode | InfoNode;

const KIND_LABEL: Record<string, string> = {
  await: "await",
  "for-await": "for await",
  "await-using": "await using",
  "async-wasm": "async WebAssembly",
  "async-external": "webpack external",
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * One node per top-level await (workspace files first, then dependencies, each by path and
 * line); beneath it the modules it makes async and the entry points it reaches.
 * `rel(uri)` gives a path relative to the workspace folder for display.
 */
export function buildTree(sites: AsyncModuleSite[], rel: (uri: string) => string): TreeNode[] {
  const sorted = [...sites].sort(
    (a, b) =>
      Number(b.workspace) - Number(a.workspace) ||
      rel(a.uri).localeCompare(rel(b.uri)) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character,
  );
  const siteNodes = sorted.map((s): SiteNode => {
    const id = `site:${s.uri}:${s.range.start.line}:${s.range.start.character}`;
    const line = s.range.start.line + 1;
    const kind = KIND_LABEL[s.kind] ?? s.kind;
    const children: TreeNode[] = [];
    if (s.infects.length > 0) {
      children.push({
        type: "group",
        id: `${id}/infects`,
        label: `Makes async (${s.infects.length})`,
        icon: "infects",
        children: s.infects.map((u) => ({
          type: "module",
          id: `${id}/infects/${u}`,
          uri: u,
          label: baseName(u),
          description: dirOf(rel(u)),
        })),
      });
    } else {
      children.push({ type: "info", id: `${id}/none`, label: "No module imports it statically" });
    }
    if (s.entries.length > 0) {
      children.push({
        type: "group",
        id: `${id}/entries`,
        label: `Entry points reached (${s.entries.length})`,
        icon: "entries",
        children: s.entries.map((u) => ({
          type: "module",
          id: `${id}/entries/${u}`,
          uri: u,
          label: baseName(u),
          description: dirOf(rel(u)),
        })),
      });
    }
    const effect = s.infects.length > 0 ? `makes ${plural(s.infects.length, "module")} async` : "async module";
    const entries = s.entries.length > 0 ? ` · reaches ${plural(s.entries.length, "entry point")}` : "";
    return {
      type: "site",
      id,
      uri: s.uri,
      range: s.range,
      label:
        s.kind === "async-wasm"
          ? baseName(s.uri)
          : s.kind === "async-external" && s.name
            ? `${s.name} (${baseName(s.uri)}:${line})`
            : `${baseName(s.uri)}:${line}`,
      description: `${dirOf(rel(s.uri))}${dirOf(rel(s.uri)) ? " · " : ""}${kind} · ${effect}${entries}${s.workspace ? "" : " · dependency"}`,
      tooltip:
        s.kind === "async-wasm"
          ? `${rel(s.uri)}: WebAssembly that the bundler loads asynchronously (webpack's experiments.asyncWebAssembly, or vite-plugin-wasm): ${effect}${entries}`
          : s.kind === "async-external"
            ? `${s.name ?? "an external"}: a webpack external that webpack loads asynchronously (${rel(s.uri)}, line ${line}): ${effect}${entries}`
            : `top-level ${kind} in ${rel(s.uri)}, line ${line}: ${effect}${entries}`,
      workspace: s.workspace,
      children,
    };
  });
  const own = siteNodes.filter((n) => n.workspace);
  const deps = siteNodes.filter((n) => !n.workspace);
  if (deps.length === 0) return own;
  return [
    ...own,
    { type: "group", id: "dependencies", label: `In dependencies (${deps.length})`, icon: "dependencies", children: deps },
  ];
}

function dirOf(relPath: string): string {
  const i = relPath.lastIndexOf("/");
  return i > 0 ? relPath.slice(0, i) : "";
}

/** A stable fingerprint: the view only re-renders when the answer changed. */
export function fingerprint(sites: AsyncModuleSite[]): string {
  return JSON.stringify(sites);
}

/** Quick-pick rows for "List Async Modules": every async module, top-level awaits first. */
export interface AsyncModuleRow {
  uri: string;
  label: string;
  description: string;
  detail: string;
  range?: Range;
  hasTopLevelAwait: boolean;
  workspace: boolean;
}

export function asyncModuleRows(sites: AsyncModuleSite[], rel: (uri: string) => string): AsyncModuleRow[] {
  const roots = new Map<string, AsyncModuleSite[]>();
  for (const s of sites) {
    const list = roots.get(s.uri) ?? [];
    list.push(s);
    roots.set(s.uri, list);
  }
  // each infected module, with the first (nearest-listed) await that makes it async
  const causes = new Map<string, string[]>();
  for (const [uri, list] of roots) {
    const infected = new Set(list.flatMap((s) => s.infects));
    for (const u of infected) {
      if (roots.has(u)) continue;
      const c = causes.get(u) ?? [];
      c.push(uri);
      causes.set(u, c);
    }
  }
  const rows: AsyncModuleRow[] = [];
  for (const [uri, list] of roots) {
    const first = list[0];
    if (!first) continue;
    const n = new Set(list.flatMap((s) => s.infects)).size;
    rows.push({
      uri,
      label: baseName(uri),
      description: `top-level await${list.length > 1 ? ` ×${list.length}` : ""} · makes ${plural(n, "module")} async${first.workspace ? "" : " · dependency"}`,
      detail: rel(uri),
      range: first.range,
      hasTopLevelAwait: true,
      workspace: first.workspace,
    });
  }
  for (const [uri, from] of causes) {
    rows.push({
      uri,
      label: baseName(uri),
      description: `because of ${from.map(baseName).join(", ")}`,
      detail: rel(uri),
      hasTopLevelAwait: false,
      workspace: !/(^|\/)node_modules\//.test(uri),
    });
  }
  return rows.sort(
    (a, b) =>
      Number(b.hasTopLevelAwait) - Number(a.hasTopLevelAwait) ||
      Number(b.workspace) - Number(a.workspace) ||
      a.detail.localeCompare(b.detail),
  );
}

/** The status bar for the active editor: "async module" with its cause, or nothing. */
export interface StatusModel {
  text: string;
  tooltip: string;
}

export function statusFor(explain: ExplainResult | null | undefined, rel: (uri: string) => string): StatusModel | undefined {
  if (!explain?.async) return undefined;
  if (explain.hasTopLevelAwait) {
    const lines = explain.topLevelAwait.map((r) => r.start.line + 1);
    const n = explain.infects.length;
    return {
      text: "$(watch) async module: top-level await",
      tooltip:
        `This module has a top-level await (line ${lines.join(", ")}) and makes ${plural(n, "module")} async.` +
        (explain.entries.length > 0 ? `\nEntry points reached: ${explain.entries.map(rel).join(", ")}` : "") +
        "\n\nClick to see the await.",
    };
  }
  const cause = explain.cause ?? explain.chain[explain.chain.length - 1]?.uri;
  const hops = explain.chain.map((h, i) => `${i + 1}. ${rel(h.uri)}:${h.range.start.line + 1} ${h.message}`);
  return {
    text: `$(watch) async module: ${cause ? baseName(cause) : "imports an async module"}`,
    tooltip:
      `This module is async because of ${cause ? rel(cause) : "an import"}:\n` + hops.join("\n") + "\n\nClick to see the chain.",
  };
}

/** Where "Show Why This Module Is Async" peeks: every hop of the chain, then the await(s). */
export function peekLocations(explain: ExplainResult): { uri: string; range: Range }[] {
  if (explain.hasTopLevelAwait) return explain.topLevelAwait.map((range) => ({ uri: explain.uri, range }));
  return explain.chain.map((h) => ({ uri: h.uri, range: h.range }));
}
