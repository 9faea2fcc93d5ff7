"""Library builds whose outputs package.json names — pkgroll 2.28 and unbuild 3.6, Rollup
underneath — held to each tool building the package as its npm script runs it and Node 26
requiring every CommonJS file it made: an import of an async package kept external there is a
`require-async` error where (and only where) the output throws ERR_REQUIRE_ASYNC_MODULE; a top-level
await the CommonJS output bundles fails the build."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.tsup import package_cjs_builds

from .test_tshy import require_each, run_script

PACKAGES = {
    "slow-dep/package.json": '{"name": "slow-dep", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "slow-dep/i.js": "export const x = await Promise.resolve('A');\n",
    "sync-dep/package.json": '{"name": "sync-dep", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "sync-dep/i.js": "export const x = 'S';\n",
    # a devDependency: bundled, with its await
    "dev-lib/package.json": '{"name": "dev-lib", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "dev-lib/i.js": "export const d = await Promise.resolve('D');\n",
}
SOURCES = {
    "index.ts": 'import { x } from "slow-dep";\n\nexport function show(): string {\n  return x;\n}\n',
    "utils/sync.ts": 'import { x } from "sync-dep";\nexport const s = x;\n',
    "lazy.ts": 'export async function go(): Promise<string> {\n  const { x } = await import("slow-dep");\n'
               '  return x;\n}\n',
    # published as an ES module only (pkgroll: not in its CommonJS build)
    "esm.ts": 'import { x } from "slow-dep";\nexport const e = x;\n',
}
EXPORTS = {".": {"import": "./dist/index.mjs", "require": "./dist/index.cjs"},
           "./sync": {"require": "./dist/utils/sync.cjs"},
           "./lazy": "./dist/lazy.cjs",
           "./esm": "./dist/esm.mjs"}


def _project(tmp_path: Path, script: str, extra: "dict | None" = None) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "lib"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    for name, text in SOURCES.items():
        (root / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / name).write_text(text)
    manifest = {"name": "lib", "version": "1.0.0", "type": "module", "scripts": {"build": script},
                "exports": EXPORTS, "dependencies": {"slow-dep": "1.0.0", "sync-dep": "1.0.0"},
                "devDependencies": {"dev-lib": "1.0.0"}, **(extra or {})}
    (root / "package.json").write_text(json.dumps(manifest, indent=2))
    return root


def _build(root: Path, node26: Path, engines: Path) -> subprocess.CompletedProcess:
    return run_script(root, node26, engines, "build")


def _require_each(root: Path, node26: Path) -> dict[str, str]:
    """Each CommonJS file built, require()d: its path under dist -> what it printed."""
    return require_each(root / "dist", "*.cjs", node26)


@pytest.mark.parametrize("tool", ["pkgroll", "unbuild"])
def test_commonjs_outputs_throw_where_tla_lens_says(tool, node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, tool)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = _require_each(root, node26)
    # (unbuild builds every entry in both formats once one output is CommonJS)
    assert set(runs) == {"index", "utils/sync", "lazy"} | ({"esm"} if tool == "unbuild" else set()), runs
    throws = {name for name, out in runs.items() if "ERR_REQUIRE_ASYNC_MODULE" in out}
    assert throws == {"index"} | ({"esm"} if tool == "unbuild" else set()), runs
    errors = {f.path.relative_to(root / "src").with_suffix("").as_posix(): f for f in project.findings
              if f.code == "require-async"}
    assert set(errors) == throws, [f.message for f in project.findings]
    msg = errors["index"].message
    assert msg.startswith(f"`slow-dep` is a package that {tool}'s CommonJS build (script `build` of package.json) "
                          "keeps external: the bundle loads it with `require(\"slow-dep\")`"), msg
    assert msg.endswith("or build ES modules only (no CommonJS output in package.json (no `require` condition, "
                        "`.cjs` file or `main` of a package without `\"type\": \"module\"`))"), msg


@pytest.mark.parametrize("tool", ["pkgroll", "unbuild"])
def test_a_bundled_top_level_await_fails_the_commonjs_build(tool, node26, engines_node_modules, tmp_path):
    """A devDependency is bundled, its top-level await with it: Rollup refuses it in CommonJS."""
    root = _project(tmp_path, tool)
    (root / "src/dev.ts").write_text('import { d } from "dev-lib";\nexport const dd = d;\n')
    manifest = json.loads((root / "package.json").read_text())
    manifest["exports"]["./dev"] = {"require": "./dist/dev.cjs"}
    (root / "package.json").write_text(json.dumps(manifest))
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and 'Module format "cjs" does not support top-level await' in out, out
    (f,) = [f for f in project.findings if f.path.name == "dev.ts"]
    assert f.severity == "error" and f"{tool}'s CommonJS build (script `build` of package.json) bundles `dev-lib` " \
        "with its top-level await, and Rollup refuses a top-level await in CommonJS (\"Module format \"cjs\" does " \
        "not support top-level await\"): that build fails" in f.message, f.message


def test_es_modules_only_wait(node26, engines_node_modules, tmp_path):
    """No CommonJS output in package.json: pkgroll builds ES modules, which wait."""
    root = _project(tmp_path, "pkgroll")
    manifest = json.loads((root / "package.json").read_text())
    manifest["exports"] = {".": "./dist/index.js", "./esm": "./dist/esm.mjs"}
    (root / "package.json").write_text(json.dumps(manifest))
    project = analyse(root, Config(), cache=False)
    assert _build(root, node26, engines_node_modules).returncode == 0
    assert not list((root / "dist").rglob("*.cjs"))
    run = subprocess.run([str(node26), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]
    assert project.modules[root / "src/index.ts"].is_async


def test_unbuild_configuration(node26, engines_node_modules, tmp_path):
    """build.config.ts: its `entries` and `rollup.emitCJS` (package.json names no CommonJS
    output); its `externals` keep dev-lib external too."""
    root = _project(tmp_path, "unbuild")
    manifest = json.loads((root / "package.json").read_text())
    manifest["exports"] = {".": "./dist/index.mjs"}
    (root / "package.json").write_text(json.dumps(manifest))
    (root / "src/dev.ts").write_text('import { d } from "dev-lib";\nexport const dd = d;\n')
    (root / "build.config.ts").write_text(
        'import { defineBuildConfig } from "unbuild";\n\nexport default defineBuildConfig({\n'
        '  entries: ["src/index", { input: "src/dev" }],\n  rollup: { emitCJS: true },\n'
        '  externals: ["dev-lib"],\n});\n')
    (root / "node_modules/unbuild").symlink_to(engines_node_modules / "unbuild")  # (the configuration imports it)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = _require_each(root, node26)
    assert set(runs) == {"index", "dev"}, runs
    assert all("ERR_REQUIRE_ASYNC_MODULE" in out for out in runs.values()), runs
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    assert errors == {"index", "dev"}, [f.message for f in project.findings]
    (f,) = [f for f in project.findings if f.path.stem == "dev"]
    assert ", and no `rollup.emitCJS: true` in build.config.ts)" in f.message, f.message


@pytest.mark.parametrize("manifest,expected", [
    # (entries, formats, external) — pkgroll: the sources of its CommonJS outputs
    ({"scripts": {"build": "pkgroll --src lib"}, "main": "./dist/index.js", "dependencies": {"a": "1"},
      "optionalDependencies": {"b": "1"}, "devDependencies": {"c": "1"}},
     [("pkgroll", ("lib/index.ts",), ("cjs",), (("name", "a"), ("name", "b")))]),
    ({"scripts": {"build": "pkgroll"}, "type": "module", "main": "./dist/index.js",
      "exports": {"./x": {"types": "./dist/x.d.cts", "require": "./dist/x.js"}}},
     [("pkgroll", ("src/x.ts",), ("cjs",), ())]),
    # unbuild: an unconditioned `exports` target is an ES module; `main` by "type"
    ({"scripts": {"build": "unbuild"}, "exports": "./dist/index.js"}, []),
    ({"scripts": {"build": "unbuild", "dev": "unbuild --stub"}, "main": "./dist/index.js",
      "peerDependencies": {"p": "1"}}, [("unbuild", ("src/index.ts",), ("esm", "cjs"), (("name", "p"),))]),
    ({"scripts": {"dev": "unbuild --stub"}, "main": "./dist/index.cjs"}, []),
])
def test_outputs_read(manifest, expected, tmp_path):
    for rel in ("src/index.ts", "lib/index.ts", "src/x.ts"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("export {};\n")
    builds = package_cjs_builds(manifest, str(tmp_path), os.path.isfile, lambda p: None, every_format=True)
    assert [(b.tool, b.entries, b.formats, b.external) for b in builds] == expected


def test_unbuild_configuration_not_read(tmp_path):
    (tmp_path / "build.config.ts").write_text("export default defineBuildConfig(makeEntries());\n")
    manifest = {"scripts": {"build": "unbuild"}, "main": "./dist/index.cjs"}
    (b,) = package_cjs_builds(manifest, str(tmp_path), os.path.isfile,
                              lambda p: Path(p).read_text() if Path(p).is_file() else None, every_format=True)
    assert b.unread == "build.config.ts: its configuration is not one object literal (a list of builds, or computed)"
