// Packages the extension for one VS Code target with that target's server bundle:
//
//   node scripts/package.mjs --target darwin-arm64     (→ tla-lens-darwin-arm64.vsix)
//
// The bundle is built beforehand into bundles/<target>/ (scripts/bundle_server.py --target). The
// extension is staged in a temporary folder where bundles/<target> becomes bundled/ (the path the
// extension looks for at run time), so packages for several targets can be built side by side.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({ options: { target: { type: "string" }, out: { type: "string" } } });
const target = opts.target;
if (!target) throw new Error("--target is required (e.g. linux-x64)");
const bundle = join(HERE, "bundles", target);
const manifest = JSON.parse(readFileSync(join(bundle, "manifest.json"), "utf8"));
if (manifest.target !== target) {
  throw new Error(`${bundle} holds a bundle for ${manifest.target}, not ${target}`);
}
const out = resolve(HERE, opts.out ?? `tla-lens-${target}.vsix`);

const stage = mkdtempSync(join(tmpdir(), `tla-lens-package-${target}-`));
try {
  // what the package holds (.vscodeignore) and what its prepublish step needs to build dist/
  for (const name of ["package.json", "package-lock.json", ".vscodeignore", "README.md", "CHANGELOG.md", "LICENSE",
    "esbuild.mjs", "tsconfig.json", "src", "images", "schemas"]) {
    if (existsSync(join(HERE, name))) cpSync(join(HERE, name), join(stage, name), { recursive: true });
  }
  symlinkSync(join(HERE, "node_modules"), join(stage, "node_modules"), "dir");
  cpSync(bundle, join(stage, "bundled"), { recursive: true });
  execFileSync(join(HERE, "node_modules", ".bin", "vsce"), [
    "package", "--target", target, "--no-dependencies", "--allow-missing-repository",
    "--no-rewrite-relative-links", "--out", out,
  ], { cwd: stage, stdio: "inherit" });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
console.log(`packaged ${out}`);
