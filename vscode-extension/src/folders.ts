/**
 * Multi-root workspaces: one server per workspace folder, each analysing its own folder (its
 * tla-lens.json, tsconfig, package.json). A folder inside another is covered by the outer one's
 * server. Plain functions of file-system paths (no `vscode` import), tested on their own.
 */
import * as path from "node:path";

/** Is `file` the folder `root` itself or inside it? */
export function contains(root: string, file: string, sep: string = path.sep): boolean {
  if (file === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return file.startsWith(prefix);
}

/** The folders that no other folder of the list contains (each once, in the given order). */
export function outermost(folders: readonly string[], sep: string = path.sep): string[] {
  const out: string[] = [];
  folders.forEach((f, i) => {
    const inside = folders.some((g, j) => j !== i && g !== f && contains(g, f, sep));
    const dup = folders.indexOf(f) !== i;
    if (!inside && !dup) out.push(f);
  });
  return out;
}

/** The root among `roots` (outermost folders) whose server analyses `file`, if any. */
export function ownerOf(file: string, roots: readonly string[], sep: string = path.sep): string | undefined {
  return roots.find((r) => contains(r, file, sep));
}

/** Which servers to start and stop to go from the running ones to the wanted ones. */
export function plan(running: readonly string[], wanted: readonly string[]): { start: string[]; stop: string[] } {
  return {
    start: wanted.filter((w) => !running.includes(w)),
    stop: running.filter((r) => !wanted.includes(r)),
  };
}
