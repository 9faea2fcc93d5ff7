"""Nx's NxAppWebpackPlugin (the webpack.config.js Nx writes for a Node app, a NestJS one say): with
`target: "node"` it keeps every package external by default (`externalDependencies: "all"`:
webpack-node-externals over the workspace's node_modules) in a CommonJS bundle, so an import of an
ES module package with top-level await is a require() that throws ERR_REQUIRE_ASYNC_MODULE when
the app runs; a list of names keeps only those external (the others are bundled: webpack runs their
await); "none" keeps none. Held to `nx build` (@nx/webpack 23, webpack 5) and Node 26 running the
bundle."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_nx_vite import nx_run

CONFIG = """const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/api'),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',%s
    }),
  ],
};
"""
CASES = {
    # (externalDependencies as written (None: not set), the app throws)
    "all-by-default": (None, True),
    "listed": ("['slow-pkg']", True),
    "others-listed": ("['calm-pkg']", False),
    "none": ("'none'", False),
}
PACKAGES = {"slow-pkg": "export const x = await Promise.resolve('A');\n", "calm-pkg": "export const c = 'C';\n"}


def _workspace(tmp_path: Path, engines: Path, deps) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "ws"
    app = root / "apps/api"
    (app / "src").mkdir(parents=True)
    nm = root / "node_modules"
    nm.mkdir()
    for entry in engines.iterdir():
        if entry.name != ".bin" and entry.name not in PACKAGES:
            (nm / entry.name).symlink_to(entry)
    for name, text in PACKAGES.items():
        (nm / name).mkdir()
        (nm / name / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0", "type": "module",
                                                            "exports": "./i.js"}))
        (nm / name / "i.js").write_text(text)
    (root / "nx.json").write_text("{}")
    (root / "package.json").write_text(json.dumps({"name": "ws", "private": True,
                                                   "dependencies": {n: "1.0.0" for n in PACKAGES}}))
    (app / "project.json").write_text(json.dumps({
        "name": "api", "sourceRoot": "apps/api/src", "projectType": "application",
        "targets": {"build": {"executor": "@nx/webpack:webpack",
                              "options": {"webpackConfig": "apps/api/webpack.config.js",
                                          "outputPath": "dist/apps/api"}}}}))
    (app / "webpack.config.js").write_text(CONFIG % (f"\n      externalDependencies: {deps}," if deps else ""))
    (app / "tsconfig.app.json").write_text(json.dumps({"compilerOptions": {
        "module": "esnext", "target": "es2022", "moduleResolution": "bundler", "types": []},
        "include": ["src/**/*.ts"]}))
    (app / "src/main.ts").write_text('import { x } from "slow-pkg";\nimport { c } from "calm-pkg";\n'
                                     'console.log(x, c);\n')
    return root


def _built_and_run(root: Path, throws: bool, node26: Path, engines: Path):
    """Analyse the workspace, `nx build api`, run the bundle with Node 26: whether it throws
    ERR_REQUIRE_ASYNC_MODULE is ``throws``, and so are the require-async findings (at main.ts's
    first import). Returns (the project, those findings)."""
    project = analyse(root, Config(), cache=False)
    build = nx_run(root, node26, engines, "build", "api")
    assert build.returncode == 0, build.stdout + build.stderr
    run = subprocess.run([str(node26), "dist/apps/api/main.js"], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert ("ERR_REQUIRE_ASYNC_MODULE" in run.stderr) == throws, run.stdout + run.stderr
    if not throws:
        assert run.returncode == 0 and run.stdout.split() == ["A", "C"], run.stdout + run.stderr
    said = [f for f in project.findings if f.code == "require-async"]
    assert [(f.path.name, f.span.start) for f in said] == ([("main.ts", 0)] if throws else []), \
        [f.message for f in said]
    return project, said


@pytest.mark.parametrize("case", list(CASES))
def test_nx_node_app_bundle_as_node_runs_it(case, node26, engines_node_modules, tmp_path):
    deps, throws = CASES[case]
    root = _workspace(tmp_path, engines_node_modules, deps)
    project, said = _built_and_run(root, throws, node26, engines_node_modules)
    if case == "all-by-default":
        assert said[0].message.startswith("`slow-pkg` is a webpack external of type `commonjs` "
                                          "(apps/api/webpack.config.js, line 9, by NxAppWebpackPlugin): the bundle "
                                          "loads it with `require(\"slow-pkg\")`"), said[0].message
        assert said[0].message.endswith("list the packages to keep external, without `slow-pkg`, in "
                                        "NxAppWebpackPlugin's `externalDependencies` (it keeps every package "
                                        "external by default), so that webpack bundles it (the importer becomes "
                                        "an async module)"), said[0].message
        # no configuration edit: the plugin's default is no list to edit
        from tla_lens.fixes.edits import Refusal

        from .test_webpack_require_externals import _fix_one

        _, fix = _fix_one(project, root)
        assert isinstance(fix, Refusal) and "list the ones to keep in its `externalDependencies`" in fix.reason, fix
    if not throws:  # (bundled: the importer is an async module)
        assert project.modules[root / "apps/api/src/main.ts"].is_async


def test_print_config_lists_the_plugins_rule(engines_node_modules, tmp_path):
    import sys

    root = _workspace(tmp_path, engines_node_modules, None)
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert {"file": "apps/api/webpack.config.js", "line": 9, "rule": "NxAppWebpackPlugin", "type": "commonjs"} \
        in json.loads(r.stdout)["bundlerExternals"], r.stdout


COMPOSE = """const { composePlugins, withNx } = require('@nx/webpack');

module.exports = composePlugins(withNx(%s), (config) => {
  return config;
});
"""


def _compose_workspace(tmp_path: Path, engines: Path, deps, target: str = "node") -> Path:
    """The same app with Nx's older webpack configuration: `composePlugins(withNx())`, whose
    options are the Nx target's (project.json)."""
    root = _workspace(tmp_path, engines, None)
    app = root / "apps/api"
    (app / "webpack.config.js").write_text(COMPOSE % "")
    options = {"webpackConfig": "apps/api/webpack.config.js", "outputPath": "dist/apps/api",
               "main": "apps/api/src/main.ts", "tsConfig": "apps/api/tsconfig.app.json", "compiler": "tsc",
               "optimization": False, "outputHashing": "none",
               **({"target": target} if target else {}), **({"externalDependencies": deps} if deps else {})}
    (app / "project.json").write_text(json.dumps({
        "name": "api", "sourceRoot": "apps/api/src", "projectType": "application",
        "targets": {"build": {"executor": "@nx/webpack:webpack", "options": options}}}))
    return root


@pytest.mark.parametrize("case", ["all-by-default", "listed", "others-listed", "none"])
def test_with_nx_node_app_as_node_runs_it(case, node26, engines_node_modules, tmp_path):
    deps = {"all-by-default": None, "listed": ["slow-pkg"], "others-listed": ["calm-pkg"], "none": "none"}[case]
    throws = CASES[case][1]
    root = _compose_workspace(tmp_path, engines_node_modules, deps)
    project, said = _built_and_run(root, throws, node26, engines_node_modules)
    if case == "all-by-default":
        assert said[0].message.startswith("`slow-pkg` is a webpack external of type `commonjs` "
                                          "(apps/api/webpack.config.js, line 3, by withNx): the bundle "
                                          "loads it with `require(\"slow-pkg\")`"), said[0].message
        assert said[0].message.endswith("in the `externalDependencies` option of the Nx target that builds with "
                                        "this configuration (withNx keeps every package external by default), so "
                                        "that webpack bundles it (the importer becomes an async module)"), \
            said[0].message
        from tla_lens.fixes.edits import Refusal

        from .test_webpack_require_externals import _fix_one

        _, fix = _fix_one(project, root)
        assert isinstance(fix, Refusal) and "list the ones to keep in the Nx target's `externalDependencies`" \
            in fix.reason, fix
        # the target's options changed on disk: the configuration is read again with them
        data = json.loads((root / "apps/api/project.json").read_text())
        data["targets"]["build"]["options"]["externalDependencies"] = "none"
        (root / "apps/api/project.json").write_text(json.dumps(data))
        project.files_changed([root / "apps/api/project.json"])
        assert not [f for f in project.findings if f.code == "require-async"]
        assert project.modules[root / "apps/api/src/main.ts"].is_async
    if not throws:
        assert project.modules[root / "apps/api/src/main.ts"].is_async


def test_with_nx_web_target_keeps_nothing_external(engines_node_modules, tmp_path):
    """withNx's target is the Nx target's, "web" when unset: no packages external then."""
    root = _compose_workspace(tmp_path, engines_node_modules, None, target="")
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.code == "require-async"]
    assert project.modules[root / "apps/api/src/main.ts"].is_async
