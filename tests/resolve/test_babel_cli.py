"""Babel's command line (`babel src -d lib` in an npm script) with @babel/preset-env (modules
"auto": CommonJS from the command line) or @babel/plugin-transform-modules-commonjs: each file
becomes a CommonJS module whose imports are require() calls — an ES module with top-level await
there throws ERR_REQUIRE_ASYNC_MODULE when the output runs; preset-env makes import() a
require() too unless its `exclude` names the dynamic-import transform; a top-level await is
left in a CommonJS output Node cannot load. Held to Babel 7.29 compiling each package (its npm
script run as npm runs it) and Node 26 running every output."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_rollup_cjs import SOURCES as ROLLUP_SOURCES
from .test_tsup_cjs import PACKAGES, errors_where_it_throws, run_outputs
from .test_vite_lib import _build as _compile

# (the project's modules, as Rollup's tests have them, and a test file `--ignore` leaves out)
SOURCES = {**ROLLUP_SOURCES, "own.test": 'import { x } from "slow-dep";\nconsole.log(x);\n'}
CASES = {
    # package.json's "babel": preset-env, import() compiled to require() too
    "package-json": ("babel src -d lib --ignore 'src/**/*.test.js'", ("package.json", {"presets": ["@babel/preset-env"]}),
                     {"index", "via", "helper", "devlib", "lazy"}),
    # babel.config.js, a function: preset-env keeping import() (its dynamic-import transform excluded)
    "config-function": ("babel src --out-dir lib --ignore 'src/**/*.test.js'", ("babel.config.js", (
        "module.exports = function (api) {\n  api.cache(true);\n  return {\n    presets: [[\"@babel/preset-env\", "
        "{ targets: { node: \"22\" }, exclude: [\"@babel/plugin-transform-dynamic-import\"] }]],\n  };\n};\n")),
        {"index", "via", "helper", "devlib"}),
    # .babelrc (JSON5) with the plugin alone: import() kept
    "babelrc-plugin": ("babel src -d lib --ignore 'src/**/*.test.js'", (".babelrc", (
        '{\n  // CommonJS output\n  plugins: ["@babel/plugin-transform-modules-commonjs"],\n}\n')),
        {"index", "via", "helper", "devlib"}),
    # overrides that leave modules as they are (a regular expression `test`) change nothing
    "overrides": ("babel src -d lib --ignore 'src/**/*.test.js'", ("babel.config.cjs", (
        "module.exports = {\n  presets: [\"@babel/preset-env\"],\n  overrides: [{ test: /\\.test\\.js$/, "
        "comments: false }],\n};\n")), {"index", "via", "helper", "devlib", "lazy"}),
    # the production environment's block (NODE_ENV before the command)
    "env-block": ("NODE_ENV=production babel src -d lib --ignore 'src/**/*.test.js'", ("babel.config.json", {
        "env": {"production": {"presets": [["@babel/preset-env", {"modules": "commonjs"}]]}}}),
        {"index", "via", "helper", "devlib", "lazy"}),
}


def _babel_project(tmp_path: Path, engines: Path, script: str, config, extra=None) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "lib"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "node_modules/@babel").symlink_to(engines / "@babel")  # (the presets the configuration names)
    (root / "src").mkdir(parents=True)
    for name, text in {**SOURCES, **(extra or {})}.items():
        (root / "src" / f"{name}.js").write_text(text)
    manifest = {"name": "lib", "version": "1.0.0", "scripts": {"build": script},
                "dependencies": {"slow-dep": "1.0.0", "sync-dep": "1.0.0", "dual-dep": "1.0.0"},
                "devDependencies": {"dev-lib": "1.0.0"}}
    name, value = config
    if name == "package.json":
        manifest["babel"] = value
    else:
        (root / name).write_text(value if isinstance(value, str) else json.dumps(value))
    (root / "package.json").write_text(json.dumps(manifest, indent=2))
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_babel_commonjs_outputs_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    script, config, expected = CASES[case]
    root = _babel_project(tmp_path, engines_node_modules, script, config)
    project = analyse(root, Config(), cache=False)
    proc = _compile(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = run_outputs(root, "lib/*.js", node26)
    assert set(runs) == set(SOURCES) - {"own.test"}
    errors = errors_where_it_throws(project, runs, expected)
    assert "own.test" not in errors  # (not compiled: --ignore)
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "require-async"]
    assert f.message.startswith("Babel compiles this import to `require(\"slow-dep\")` (script `build` of "
                                "package.json compiles it alone into CommonJS, with "), f.message
    if "lazy" in expected:
        (f,) = [f for f in project.findings if f.path.stem == "lazy" and f.code == "require-async"]
        assert f.message.startswith("Babel compiles this import() to `require(\"slow-dep\")`"), f.message
        assert "keep import() as it is (`exclude: [\"@babel/plugin-transform-dynamic-import\"]` in " \
               "@babel/preset-env's options" in f.message
    else:
        assert "(Babel keeps import() as it is here), or compile ES modules (`modules: false`)" in f.message


def test_es_modules_kept(node26, engines_node_modules, tmp_path):
    """preset-env with `modules: false` keeps the ES modules: nothing is a require()."""
    root = _babel_project(tmp_path, engines_node_modules, "babel src -d lib",
                          ("babel.config.json", {"presets": [["@babel/preset-env", {"modules": False}]]}))
    project = analyse(root, Config(), cache=False)
    proc = _compile(root, node26, engines_node_modules)
    assert proc.returncode == 0 and "require(" not in (root / "lib/index.js").read_text()
    assert not [f for f in project.findings if f.code == "require-async"]
    assert project.modules[root / "src/index.js"].is_async


def test_top_level_await_left_in_commonjs(node26, engines_node_modules, tmp_path):
    root = _babel_project(tmp_path, engines_node_modules, "babel src -d lib", ("package.json", {"presets": [
                          "@babel/preset-env"]}), {"tla": "export const v = await Promise.resolve(1);\n"})
    project = analyse(root, Config(), cache=False)
    proc = _compile(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stderr  # (Babel compiles it)
    run = subprocess.run([str(node26), "lib/tla.js"], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "ERR_AMBIGUOUS_MODULE_SYNTAX" in run.stderr, run.stderr
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.path.stem == "tla"]
    assert f.message.startswith("top-level await in a file Babel compiles into CommonJS (script `build` of "
                                "package.json compiles it alone into CommonJS, with @babel/preset-env's `modules` "
                                "(\"auto\")): Babel leaves the await in the CommonJS output, which Node cannot "
                                "load"), f.message
    assert "ERR_AMBIGUOUS_MODULE_SYNTAX" in f.message


def test_print_config_lists_the_compilation(engines_node_modules, tmp_path):
    root = _babel_project(tmp_path, engines_node_modules, "babel src lib/extra.js -d lib -x .js,.jsx --no-babelrc",
                          ("babel.config.json", {"presets": ["@babel/preset-env"], "overrides": [
                              {"test": "./src/legacy", "presets": [["@babel/preset-env", {"modules": False}]]}]}))
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    # (the files the override keeps ES modules are not the build's)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    legacy = re.escape(str(root / "src/legacy"))
    assert build["tool"] == "Babel" and build["compiles"] == [
        {"doesNotMatch": {"allOf": [[f"^{legacy}(?:/|$)"]]}}], build
    (root / "babel.config.json").write_text(json.dumps({"presets": ["@babel/preset-env"], "overrides": [
        {"test": "./src/legacy", "exclude": "./src/skip", "plugins": ["x"]},
        {"test": "./src/legacy", "presets": [["@babel/preset-env", {"modules": False}]]}]}))
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert len(json.loads(r.stdout)["tsupBuilds"]) == 1  # (an override naming no module transform: nothing)
    (root / "babel.config.js").write_text('module.exports = { presets: ["@babel/preset-env"], overrides: [\n'
                                          '  { test: (f) => f.endsWith("x.js"), presets: ["@babel/preset-env"] }] };\n')
    (root / "babel.config.json").unlink()
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["notRead"].startswith("babel.config.js: "), build
    (root / "babel.config.js").unlink()
    (root / "babel.config.json").write_text('{"presets": ["@babel/preset-env"]}')
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build == {"file": "package.json", "script": "build", "tool": "Babel", "formats": ["cjs"],
                     "entries": ["src/**/*.{js,jsx}", "lib/extra.js/**/*.{js,jsx}"], "external": [], "bundle": False,
                     "config": "babel.config.json"}


@pytest.mark.parametrize("case", ["babelrc-plugin", "package-json"])
def test_lazy_import_fix_where_babel_keeps_import(case, node26, engines_node_modules, tmp_path):
    """The plugin alone keeps import(): the lazy import() fix is offered, and the compiled
    fixed file runs; preset-env compiles import() to require() too: not offered."""
    from tla_lens.fixes import lazy_import
    from tla_lens.fixes.edits import apply_edits

    script, config, _ = CASES[case]
    extra = {"show": 'import { x } from "slow-dep";\n\nexport async function show() {\n  console.log(x);\n}\nshow();\n'}
    root = _babel_project(tmp_path, engines_node_modules, script, config, extra)
    project = analyse(root, Config(), cache=False)
    mod = project.modules[root / "src/show.js"]
    (edge,) = mod.edges
    helps = case == "babelrc-plugin"
    assert project.lazy_import_helps(edge) is helps
    if not helps:
        return
    (root / "src/show.js").write_bytes(apply_edits(mod.source, lazy_import(mod.source, mod.facts.dialect, 0).edits))
    assert not [f for f in analyse(root, Config(), cache=False).findings
                if f.code == "require-async" and f.path.stem == "show"]
    assert _compile(root, node26, engines_node_modules).returncode == 0
    run = subprocess.run([str(node26), "lib/show.js"], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "A", run.stdout + run.stderr


OVERRIDES = {
    # (the configuration, the outputs that throw, the sources that stay ES modules)
    # an override keeping ES modules for some files (path patterns, relative to the configuration)
    "es-for-some": (("babel.config.json", {
        "presets": [["@babel/preset-env", {"targets": {"node": "22"}}]],
        "overrides": [{"test": ["./src/index.js", "./src/lazy.js"],
                       "presets": [["@babel/preset-env", {"modules": False}]]}]}),
        {"via", "helper", "devlib"}, {"index", "lazy"}),
    # CommonJS only for the files a regular expression picks (a JavaScript configuration)
    "commonjs-for-some": (("babel.config.cjs", (
        "module.exports = {\n  presets: [[\"@babel/preset-env\", { modules: false }]],\n  overrides: [\n"
        "    { test: /(helper|devlib)\\.js$/, plugins: [\"@babel/plugin-transform-modules-commonjs\"] },\n"
        "    { include: \"./src\", exclude: [\"./src/d*.js\"], comments: false },\n  ],\n};\n")),
        {"via", "helper", "devlib"}, {"index", "lazy", "sync", "dual", "via"}),
    # `exclude` taking a folder's file back out of an override
    "exclude": ((".babelrc", json.dumps({
        "overrides": [{"include": ["./src"], "exclude": ["./src/helper.js", "./src/**/devlib.js"],
                       "presets": ["@babel/preset-env"]}]})),
        {"index", "lazy", "via"}, {"helper", "devlib"}),
}


@pytest.mark.parametrize("case", list(OVERRIDES))
def test_overrides_decide_which_files_become_commonjs(case, node26, engines_node_modules, tmp_path):
    """`overrides` (`test`, `include`, `exclude`: path patterns or regular expressions) that name
    preset-env or the modules plugin: each file compiled with the overrides that match it, as
    Babel merges them (a preset named again takes the override's options)."""
    config, expected, es = OVERRIDES[case]
    root = _babel_project(tmp_path, engines_node_modules, "babel src -d lib --ignore 'src/**/*.test.js'", config)
    project = analyse(root, Config(), cache=False)
    proc = _compile(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in es:
        assert "require(" not in (root / "lib" / f"{name}.js").read_text(), name
    runs = run_outputs(root, "lib/*.js", node26)
    errors_where_it_throws(project, runs, expected)
    # the files that stay ES modules are no CommonJS entries of the build
    cjs = {p.stem for p, b in project.cjs_entries.items() if b.is_cjs}
    assert cjs and not cjs & es, (cjs, es)
