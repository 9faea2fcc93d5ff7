"""Rollup's CommonJS and UMD outputs (`rollup -c`, or its command line, in an npm script): every
package import stays external unless @rollup/plugin-node-resolve is among the plugins
(`external` strings are exact imports), and an external import is a `require()` when the output
runs — an ES module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE; a top-level
await the build bundles fails it. Held to Rollup 4 building each package (its npm script run as
npm runs it) and Node 26 running every output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_tsup_cjs import PACKAGES, run_outputs
from .test_vite_lib import _build

SOURCES = {
    "index": 'import { x } from "slow-dep";\nconsole.log(x);\n',
    "sync": 'import { x } from "sync-dep";\nconsole.log(x);\n',
    "dual": 'import { x } from "dual-dep";\nconsole.log(x);\n',
    "lazy": 'export async function go() {\n  const { x } = await import("slow-dep");\n  console.log(x);\n}\ngo();\n',
    "via": 'import { y } from "./helper.js";\nconsole.log(y);\n',
    "helper": 'import { x } from "slow-dep";\nexport const y = x;\n',
    "devlib": 'import { x } from "dev-lib";\nconsole.log(x);\n',
}
ENTRIES = [n for n in SOURCES if n != "helper"]
INPUT = "[" + ", ".join(f'"src/{n}.js"' for n in ENTRIES) + "]"
OUTPUT = '{ dir: "dist", format: "cjs", entryFileNames: "[name].cjs" }'
CASES = {
    # no node-resolve: every package is external
    "plain": ("rollup -c", f"export default {{ input: {INPUT}, output: {OUTPUT} }};\n"),
    # node-resolve bundles packages; `external` keeps these (exactly these imports)
    "node-resolve": ("rollup --config rollup.config.mjs", f"""import {{ nodeResolve }} from "@rollup/plugin-node-resolve";

export default [{{
  input: {INPUT},
  output: [{OUTPUT}, {{ dir: "dist/es", format: "es" }}],
  external: ["slow-dep", "sync-dep", /^dual-dep$/],
  plugins: [nodeResolve()],
}}];
"""),
    # node-resolve; `external` from the manifest the configuration imports (JSON module)
    "manifest": ("rollup -c rollup.config.mjs", f"""import {{ nodeResolve }} from "@rollup/plugin-node-resolve";
import pkg from "./package.json" with {{ type: "json" }};

export default {{
  input: {INPUT},
  output: {OUTPUT},
  external: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {{}})],
  plugins: [nodeResolve()],
}};
"""),
    # node-resolve; `external` a function: every import that is not a path
    "function": ("rollup -c rollup.config.mjs", f"""import {{ nodeResolve }} from "@rollup/plugin-node-resolve";
import path from "node:path";

export default {{
  input: {INPUT},
  output: {OUTPUT},
  external: (id) => !id.startsWith(".") && !path.isAbsolute(id),
  plugins: [nodeResolve()],
}};
"""),
    # node-resolve; a function over the manifest's dependencies (createRequire), their subpaths too
    "function-of-dependencies": ("rollup -c rollup.config.mjs", f"""import {{ createRequire }} from "node:module";
import {{ nodeResolve }} from "@rollup/plugin-node-resolve";

const require = createRequire(import.meta.url);
const deps = Object.keys(require("./package.json").dependencies);

function isExternal(id) {{
  return deps.some((d) => id === d || id.startsWith(`${{d}}/`));
}}

export default {{ input: {INPUT}, output: {OUTPUT}, external: isExternal, plugins: [nodeResolve()] }};
"""),
    # node-resolve bundles packages; rollup-plugin-node-externals keeps the package.json's
    # dependencies external (not its devDependencies)
    "node-externals-plugin": ("rollup -c rollup.config.mjs", f"""import {{ nodeResolve }} from "@rollup/plugin-node-resolve";
import nodeExternals from "rollup-plugin-node-externals";

export default {{ input: {INPUT}, output: {OUTPUT}, plugins: [nodeExternals(), nodeResolve()] }};
"""),
    # node-resolve; `external` a function asked again with the resolved path (Rollup keeps the
    # import as written)
    "function-of-resolved": ("rollup -c rollup.config.mjs", f"""import {{ nodeResolve }} from "@rollup/plugin-node-resolve";

export default {{
  input: {INPUT},
  output: {OUTPUT},
  external: (id) => id.includes("node_modules"),
  plugins: [nodeResolve()],
}};
"""),
    # the command line: inputs, --format, --dir (no configuration)
    "command-line": ("rollup " + " ".join(f"src/{n}.js" for n in ENTRIES) + " --format commonjs -d dist "
                     "--entryFileNames [name].cjs", None),
}


# Rolldown: the same options; it resolves packages itself (no node-resolve plugin)
ROLLDOWN = {
    "rolldown-config": ("rolldown -c", f"""export default {{
  input: {INPUT},
  output: {OUTPUT},
  external: ["slow-dep", "sync-dep", /^dual-dep$/, "dev-lib"],
}};
"""),
    "rolldown-command-line": ("rolldown " + " ".join(f"src/{n}.js" for n in ENTRIES) + " --format cjs -d dist "
                              "--entryFileNames [name].cjs -e slow-dep -e sync-dep -e dual-dep --external dev-lib", None),
}


def _rollup_project(tmp_path: Path, engines: Path, script: str, config, extra=None) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "lib"
    for rel, text in {**PACKAGES, "slow-dep/sub/index.js": "export const s = await Promise.resolve('S');\n"}.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "node_modules/slow-dep/package.json").write_text(
        '{"name": "slow-dep", "version": "1.0.0", "type": "module", "exports": {".": "./i.js", "./sub": "./sub/index.js"}}')
    (root / "node_modules/@rollup").mkdir()
    (root / "node_modules/@rollup/plugin-node-resolve").symlink_to(engines / "@rollup/plugin-node-resolve")
    (root / "node_modules/rollup-plugin-node-externals").symlink_to(engines / "rollup-plugin-node-externals")
    (root / "src").mkdir(parents=True)
    for name, text in {**SOURCES, **(extra or {})}.items():
        (root / "src" / f"{name}.js").write_text(text)
    (root / "package.json").write_text(json.dumps({
        "name": "lib", "version": "1.0.0", "type": "module", "scripts": {"build": script},
        "dependencies": {"slow-dep": "1.0.0", "sync-dep": "1.0.0", "dual-dep": "1.0.0"},
        "devDependencies": {"dev-lib": "1.0.0"}}, indent=2))
    if config is not None:
        name = "rollup.config.mjs" if "rollup.config.mjs" in script else \
            "rolldown.config.mjs" if script.startswith("rolldown") else "rollup.config.js"
        (root / name).write_text(config)
    return root


@pytest.mark.parametrize("case", [*CASES, *ROLLDOWN])
def test_rollup_cjs_outputs_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    root = _rollup_project(tmp_path, engines_node_modules, *{**CASES, **ROLLDOWN}[case])
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = run_outputs(root, "dist/*.cjs", node26)
    assert set(runs) == set(ENTRIES)
    throws = {name for name, out in runs.items() if "ERR_REQUIRE_ASYNC_MODULE" in out}
    assert throws == {"index", "via", "devlib"}, runs
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    closure = {"via": {"via", "helper"}}
    for name in runs:
        assert bool(errors & closure.get(name, {name})) is (name in throws), (name, runs[name], errors)
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "require-async"]
    tool = "Rolldown" if case.startswith("rolldown") else "Rollup"
    assert f.message.startswith(f"`slow-dep` is a package that {tool}'s CommonJS build (script `build` of "
                                "package.json) keeps external: the bundle loads it with `require(\"slow-dep\")`"), \
        f.message
    es = "esm" if tool == "Rolldown" else "es"
    flag = f"`--format {es}`" if case.endswith("command-line") else f'`output.format: "{es}"`'
    assert f.message.endswith(f"({tool} keeps import() as it is), or build ES modules only ({flag})"), f.message


@pytest.mark.parametrize("case", ["own", "package", "package-function", "rolldown"])
def test_top_level_await_the_build_bundles_fails_it(case, node26, engines_node_modules, tmp_path):
    """A top-level await in a module the UMD build bundles: the project's own (its
    top-level-await finding says so), or a package's that node-resolve bundles because a
    string `external` (or a function comparing the import) matches only the exact import (the
    importing line says so); Rolldown bundles the package without a plugin."""
    script = "rollup -c"
    if case == "rolldown":
        extra = {"sub": 'import { s } from "slow-dep/sub";\nconsole.log(s);\n'}
        config = 'export default { input: "src/sub.js", output: { file: "dist/t.cjs", format: "umd" } };\n'
        script = "rolldown -c"
    elif case == "own":
        extra = {"tla": "export const v = await Promise.resolve(1);\n"}
        config = 'export default { input: "src/tla.js", output: { file: "dist/t.cjs", format: "umd", name: "T" } };\n'
    else:
        extra = {"sub": 'import { s } from "slow-dep/sub";\nconsole.log(s);\n'}
        external = '["slow-dep"]' if case == "package" else '(id) => id === "slow-dep" || id.startsWith("./")'
        config = ('import resolve from "@rollup/plugin-node-resolve";\n\nexport default { input: "src/sub.js", '
                  f'output: {{ file: "dist/t.cjs", format: "umd" }}, external: {external}, plugins: [resolve()] }};\n')
    root = _rollup_project(tmp_path, engines_node_modules, script, config, extra)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    refusal = 'Module format "umd" does not support top-level await'
    assert proc.returncode != 0 and refusal in proc.stdout + proc.stderr, proc.stderr
    code = "top-level-await" if case == "own" else "async-import"
    (f,) = [f for f in project.findings if f.code == code and f.path.stem == ("tla" if case == "own" else "sub")]
    what = "this module" if case == "own" else "`slow-dep/sub` with its top-level await"
    tool = "Rolldown" if case == "rolldown" else "Rollup"
    assert f"{tool}'s UMD build (script `build` of package.json) bundles {what}, and {tool} refuses a " \
           f"top-level await in UMD (\"{refusal}\"): that build fails" in f.message, f.message


def test_unread_configuration_is_said(tmp_path):
    root = tmp_path / "p"
    (root / "src").mkdir(parents=True)
    (root / "src/index.js").write_text("export const a = 1;\n")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {"build": "rollup -c"}}))
    (root / "rollup.config.js").write_text(
        'const plugins = makePlugins();\nexport default { input: "src/index.js", output: { format: "cjs" }, plugins };\n')
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["tool"] == "Rollup" and build["notRead"] == "rollup.config.js: `plugins` is not an array literal"
