"""esbuild's JavaScript API in a build script an npm script runs (`node build.mjs`): a bundle in
CommonJS (`platform: "node"` without a format) require()s the packages it keeps external — an
ES module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE when the bundle runs — and
refuses a top-level await in the modules it bundles; in any format esbuild, not tsc, compiles
the TypeScript it bundles. Held to esbuild 0.28 run by the script (Node 26) and Node 26 running
every bundle."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_tsup_cjs import _build_and_run, _project, errors_where_it_throws

SCRIPTS = {
    # ES module script: the API as a namespace, options from a spread const, entries built
    # with path.join, a wildcard external
    "namespace": ("build.mjs", """import * as esbuild from "esbuild";
import path from "node:path";

const shared = { bundle: true, platform: "node", external: ["slow-*"], outdir: "dist" };
const entries = ["index", "sync", "lazy", "via", "devlib"].map((n) => n);
await esbuild.build({
  ...shared,
  entryPoints: [path.join(import.meta.dirname, "src/index.ts"), "src/sync.ts", "./src/lazy.ts",
                "src/via.ts", "src/devlib.ts"],
  outExtension: { ".js": ".cjs" },
});
""", {"index", "via", "devlib"}),
    # CommonJS script: `build` taken from require(); every package external; entries by name
    "require": ("scripts/build.cjs", """const { build } = require("esbuild");

build({
  entryPoints: { index: "src/index.ts", sync: "src/sync.ts", dual: "src/dual.ts", lazy: "src/lazy.ts",
                 via: "src/via.ts", types: "src/types.ts", devlib: "src/devlib.ts" },
  bundle: true,
  platform: "node",
  packages: "external",
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
}).catch(() => process.exit(1));
""", {"index", "via", "devlib"}),
    # the default export, a context rebuilt once, entries as {in, out}
    "context": ("build.mjs", """import esbuild from "esbuild";

const ctx = await esbuild.context({
  entryPoints: [{ in: "src/index.ts", out: "index" }, { in: "src/sync.ts", out: "sync" }],
  bundle: true, platform: "node", format: "cjs", outdir: "dist", outExtension: { ".js": ".cjs" },
  external: ["slow-dep", "sync-dep"],
});
await ctx.rebuild();
await ctx.dispose();
""", {"index"}),
    # one build per format, by a loop (`.map` of a list); the extension chosen by the format
    "loop-map": ("build.mjs", """import { build } from "esbuild";

const shared = { bundle: true, platform: "node", packages: "external", outdir: "dist" };
await Promise.all(["esm", "cjs"].map(async (format) => {
  await build({
    ...shared,
    entryPoints: ["src/index.ts", "src/sync.ts", "src/dual.ts", "src/lazy.ts", "src/via.ts", "src/devlib.ts"],
    format,
    outExtension: { ".js": format === "cjs" ? ".cjs" : ".mjs" },
  });
}));
""", {"index", "via", "devlib"}),
    # the same by `for … of` over a constant
    "loop-for-of": ("build.mjs", """import * as esbuild from "esbuild";

const formats = ["cjs", "esm"];
for (const format of formats) {
  // (a block, not one expression)
  await esbuild.build({
    entryPoints: ["src/index.ts", "src/sync.ts", "src/via.ts"],
    bundle: true, platform: "node", format, external: ["slow-dep", "sync-dep"], outdir: "dist",
    outExtension: { ".js": `.${format === "esm" ? "mjs" : "cjs"}` },
  });
}
""", {"index", "via"}),
    # a function of the script, called with strings (in a loop too): one build per call
    "function": ("build.mjs", """import * as esbuild from "esbuild";

const shared = {
  entryPoints: ["src/index.ts", "src/sync.ts", "src/via.ts"],
  bundle: true, platform: "node", external: ["slow-dep", "sync-dep"], outdir: "dist",
};
function bundle(format, ext) {
  return esbuild.build({ ...shared, format, outExtension: { ".js": ext } });
}
const run = async (f) => bundle(f, `.${f === "esm" ? "mjs" : "cjs"}`);

await bundle("esm", ".mjs");
for (const f of ["cjs"]) await run(f);
""", {"index", "via"}),
    # esbuild-node-externals' plugin: the package.json's dependencies external, less its allowList
    # (devDependencies left to the bundle)
    "node-externals-plugin": ("build.mjs", """import { build } from "esbuild";
import { nodeExternalsPlugin } from "esbuild-node-externals";

await build({
  entryPoints: ["src/index.ts", "src/sync.ts", "src/dual.ts", "src/lazy.ts", "src/via.ts", "src/devlib.ts"],
  bundle: true, platform: "node", outdir: "dist", outExtension: { ".js": ".cjs" },
  plugins: [nodeExternalsPlugin({ allowList: ["sync-dep"], devDependencies: false })],
});
""", {"index", "via", "devlib"}),
    # `external` from the manifest the script reads (JSON.parse of readFileSync)
    "manifest": ("build.mjs", """import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
await build({
  entryPoints: ["src/index.ts", "src/sync.ts", "src/dual.ts", "src/lazy.ts", "src/via.ts", "src/devlib.ts"],
  bundle: true, platform: "node", outdir: "dist", outExtension: { ".js": ".cjs" },
  external: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies || {})],
});
""", {"index", "via", "devlib"}),
}


def _script_project(tmp_path: Path, engines: Path, file: str, text: str, **package) -> Path:
    root = _project(tmp_path, f"node {file}", None)
    if package:
        data = json.loads((root / "package.json").read_text())
        data.update(package)
        (root / "package.json").write_text(json.dumps(data, indent=2))
    (root / file).parent.mkdir(parents=True, exist_ok=True)
    (root / file).write_text(text)
    # (the build script imports esbuild: the engines' copy)
    (root / "node_modules" / "esbuild").symlink_to(engines / "esbuild")
    (root / "node_modules" / "esbuild-node-externals").symlink_to(engines / "esbuild-node-externals")
    return root


@pytest.mark.parametrize("case", list(SCRIPTS))
def test_api_cjs_bundles_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    file, text, expected = SCRIPTS[case]
    root = _script_project(tmp_path, engines_node_modules, file, text)
    project = analyse(root, Config(), cache=False)
    runs = _build_and_run(root, tmp_path, node26, engines_node_modules)
    errors_where_it_throws(project, runs, expected)
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "require-async"]
    assert f.message.startswith("`slow-dep` is a package that esbuild's CommonJS build (script `build` of "
                                "package.json) keeps external: the bundle loads it with `require(\"slow-dep\")`"), \
        f.message
    assert f.message.endswith("(esbuild keeps import() as it is), or build ES modules only (`format: \"esm\"`)")
    assert not project.modules[root / "src/index.ts"].is_async


def test_api_esm_bundle_is_esbuilds_not_tscs(node26, engines_node_modules, tmp_path):
    """A tsconfig with `"module": "commonjs"` (for the editor, or tsc --noEmit) in a package
    esbuild bundles as an ES module: esbuild compiles the TypeScript, keeps the import, and the
    bundle waits for the package — no require() anywhere (before, tsc's CommonJS was assumed)."""
    text = """import { build } from "esbuild";

await build({ entryPoints: ["src/index.ts"], bundle: true, platform: "node", format: "esm",
              packages: "external", outdir: "dist", outExtension: { ".js": ".mjs" } });
"""
    root = _script_project(tmp_path, engines_node_modules, "build.mjs", text)
    (root / "tsconfig.json").write_text('{"compilerOptions": {"module": "commonjs", "strict": true}}\n')
    data = json.loads((root / "package.json").read_text())
    del data["type"]
    (root / "package.json").write_text(json.dumps(data))
    project = analyse(root, Config(), cache=False)
    index = root / "src/index.ts"
    assert not [f for f in project.findings if f.code == "require-async" and f.path == index]
    assert project.modules[index].is_async and project.modules[index].format == "esm"
    # the other files, which no build bundles, are still tsc's CommonJS
    assert project.modules[root / "src/sync.ts"].format == "cjs"
    assert _build_and_run(root, tmp_path, node26, engines_node_modules) == {}
    run = subprocess.run([str(node26), str(root / "dist/index.mjs")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "A", run.stderr


@pytest.mark.parametrize("platform,fmt,kind", [("node", "cjs", "CommonJS"), ("browser", "iife", "IIFE")])
def test_api_build_of_a_tla_module_fails(platform, fmt, kind, node26, engines_node_modules, tmp_path):
    """A top-level await in a module a CommonJS (or IIFE: the browser's default) build bundles:
    esbuild refuses the build, and the top-level-await finding says so."""
    text = f"""import * as esbuild from "esbuild";

await esbuild.build({{ entryPoints: ["src/tla.ts"], bundle: true, platform: "{platform}", outdir: "dist" }});
"""
    root = _script_project(tmp_path, engines_node_modules, "build.mjs", text)
    (root / "src/tla.ts").write_text("export const v = await Promise.resolve(1);\nconsole.log(v);\n")
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.path.name == "tla.ts"]
    assert f"esbuild's {kind} build (script `build` of package.json) bundles this module" in f.message
    env = dict(os.environ, PATH=f"{node26.parent}:{os.environ['PATH']}")
    proc = subprocess.run(["sh", "-c", "node build.mjs"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert f'Top-level await is currently not supported with the "{fmt}" output format' in proc.stderr
    assert f'Top-level await is currently not supported with the "{fmt}" output format' in f.message


def test_options_not_read_are_said(tmp_path):
    """A build whose options are computed (a loop over what a function returns) is not modelled; print-config
    says which call and why. A call without `bundle: true` compiles each file alone: into
    CommonJS with `format: "cjs"` (listed, `"bundle": false`), else as it is (not listed)."""
    root = tmp_path / "p"
    (root / "src").mkdir(parents=True)
    (root / "src/index.ts").write_text("export const a = 1;\n")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {"build": "node build.mjs"}}))
    (root / "build.mjs").write_text("""import * as esbuild from "esbuild";

for (const format of formats()) {
  await esbuild.build({ entryPoints: ["src/index.ts"], bundle: true, format, outdir: `dist/${format}` });
}
await esbuild.build({ entryPoints: ["src/index.ts"], outdir: "lib", format: "cjs" });
await esbuild.build({ entryPoints: ["src/index.ts"], outdir: "esm" });
""")
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    build, alone = json.loads(r.stdout)["tsupBuilds"]
    assert build["tool"] == "esbuild" and build["config"] == "build.mjs"
    assert build["notRead"] == ("build.mjs: the options of the call at line 4 are not read: "
                                "`formats()` is not a list tla-lens reads without running the configuration"), build
    assert alone == {"file": "package.json", "script": "build", "tool": "esbuild", "entries": ["src/index.ts"],
                     "formats": ["cjs"], "external": [], "bundle": False, "config": "build.mjs"}
    project = analyse(root, Config(), cache=False)
    assert project.modules[root / "src/index.ts"].format == "cjs"


def test_print_config_lists_api_builds(engines_node_modules, tmp_path):
    file, text, _ = SCRIPTS["namespace"]
    root = _script_project(tmp_path, engines_node_modules, file, text)
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["tsupBuilds"] == [
        {"file": "package.json", "script": "build", "tool": "esbuild",
         "entries": ["src/index.ts", "src/sync.ts", "src/lazy.ts", "src/via.ts", "src/devlib.ts"],
         "formats": ["cjs"], "external": ["slow-*"], "config": "build.mjs"}]


TRANSPILED = {
    "a": 'import { x } from "slow-dep";\nconsole.log(x);\n',
    "b": 'import { x } from "sync-dep";\nconsole.log(x);\n',
    "via": 'import { y } from "./helper.js";\nconsole.log(y);\n',
    "helper": 'import { x } from "slow-dep";\nexport const y = x;\n',
    "lazy": 'export async function go() {\n  const { x } = await import("slow-dep");\n  console.log(x);\n}\ngo();\n',
}


@pytest.mark.parametrize("how", ["command-line", "api", "tsup"])
def test_each_file_compiled_alone_into_commonjs(how, node26, engines_node_modules, tmp_path):
    """Without bundling (`esbuild src/*.ts --format=cjs`, the API's `format: "cjs"` without
    `bundle`, tsup's `bundle: false`), each file becomes a CommonJS module: its imports are
    require() calls (the import() stays), and a top-level await fails the build."""
    from .test_tsup_cjs import PACKAGES

    root = Path(os.path.realpath(tmp_path)) / "svc"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "src").mkdir()
    for name, text in TRANSPILED.items():
        (root / "src" / f"{name}.ts").write_text(text)
    if how == "api":
        script = "node build.mjs"
        (root / "build.mjs").write_text('import { build } from "esbuild";\n\n'
                                        'await build({ entryPoints: ["src/a.ts", "src/b.ts", "src/via.ts", '
                                        '"src/helper.ts", "src/lazy.ts"], format: "cjs", platform: "node", '
                                        'outdir: "dist" });\n')
        (root / "node_modules" / "esbuild").symlink_to(engines_node_modules / "esbuild")
    elif how == "tsup":
        script = "tsup"
        (root / "tsup.config.ts").write_text('export default { entry: ["src/*.ts"], bundle: false };\n')
    else:
        script = "esbuild src/*.ts --format=cjs --platform=node --outdir=dist"
    # (no "type": "module": the .js files esbuild writes are CommonJS for Node)
    (root / "package.json").write_text(json.dumps({"name": "svc", "version": "1.0.0", "scripts": {"build": script}}))
    project = analyse(root, Config(), cache=False)
    np = tmp_path / "np"  # (tsup loads `typescript`: the engines have it as ts5)
    np.mkdir()
    (np / "typescript").symlink_to(engines_node_modules / "ts5")
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}",
               NODE_PATH=str(np))
    proc = subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    runs = {}
    for out in sorted((root / "dist").glob("*.js")):
        run = subprocess.run([str(node26), str(out)], cwd=root, capture_output=True, text=True, timeout=60)
        runs[out.stem] = run.stdout + run.stderr
    assert set(runs) == set(TRANSPILED)
    throws = {n for n, out in runs.items() if "ERR_REQUIRE_ASYNC_MODULE" in out}
    assert throws == {"a", "via", "helper"}, runs
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    assert errors == {"a", "helper"}  # (via.ts requires helper, a CommonJS module: the error is there)
    (f,) = [f for f in project.findings if f.path.stem == "a"]
    tool = "tsup" if how == "tsup" else "esbuild"
    assert f.message.startswith(f"{tool} compiles this import to `require(\"slow-dep\")` (script `build` of "
                                "package.json compiles it alone into CommonJS"), f.message
    assert f"load it with `await import(\"slow-dep\")` instead ({tool} keeps import() as it is)" in f.message
    # a top-level await in one of the files: the build fails, and the await says so
    (root / "src/tla.ts").write_text("export const v = await Promise.resolve(1);\n")
    if how == "api":
        (root / "build.mjs").write_text((root / "build.mjs").read_text().replace('"src/lazy.ts"',
                                                                                 '"src/lazy.ts", "src/tla.ts"'))
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    refusal = 'Top-level await is currently not supported with the "cjs" output format'
    assert proc.returncode != 0 and refusal in proc.stdout + proc.stderr
    (f,) = [f for f in project.findings if f.path.stem == "tla"]
    assert f.code == "top-level-await" and f"{tool} fails the build with \"{refusal}\"" in f.message


def test_loop_names_inside_path_join(tmp_path):
    """`path.join(__dirname, `src/${name}.ts`)` in a loop over strings: one build per name,
    its entry built of the name."""
    from tla_lens.resolve.esbuild_api import script_builds

    (tmp_path / "build.mjs").write_text(
        'import path from "node:path";\nimport * as esbuild from "esbuild";\n\n'
        'for (const name of ["api", "worker"]) {\n'
        '  await esbuild.build({ entryPoints: [path.join(import.meta.dirname, `src/${name}.ts`)], bundle: true,\n'
        '    platform: "node", outdir: "dist" });\n}\n')
    builds = script_builds({"build": "node build.mjs"}, str(tmp_path), os.path.isfile,
                           lambda p: Path(p).read_text() if Path(p).is_file() else None)
    assert [(b.entries, b.formats, b.unread) for b in builds] == [
        (("src/api.ts",), ("cjs",), None), (("src/worker.ts",), ("cjs",), None)]
