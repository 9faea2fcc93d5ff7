"""Nx's Vite builds: the targets @nx/vite/plugin infers from a project's vite.config.* (`vite
build`, `vite` run in the project's folder) and the @nx/vite:build / dev-server executors (the
project's configuration, or `configFile`; the executor's `target` over `build.target`). Vite 7 and
before transpile an app's chunks for their target, so Vite 6's default fails on a top-level await
it bundles. Held to `nx build` / `nx dev` (Nx 23, @nx/vite 23) running Vite 6 and 7."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_vite_target import dev_server_log

PLUGIN = {"plugins": ["@nx/vite/plugin"]}
EXECUTOR = {"executor": "@nx/vite:build", "options": {"outputPath": "dist/web", "skipTypeCheck": True}}
CASES = {
    # (Vite, nx.json, project.json's targets, outcome of `nx build web` (`nx bundle web` where
    # renamed): "fails", "builds", "none")
    "inferred-vite6": ("vite6", PLUGIN, {}, "fails"),
    "inferred-vite7": ("vite7", PLUGIN, {}, "builds"),
    "inferred-excluded": ("vite6", {"plugins": [{"plugin": "@nx/vite/plugin", "exclude": ["apps/web/**"]}]}, {},
                          "none"),
    "inferred-renamed": ("vite6", {"plugins": [{"plugin": "@nx/vite/plugin",
                                                "options": {"buildTargetName": "bundle"}}]}, {}, "fails"),
    "executor-vite6": ("vite6", {}, {"build": EXECUTOR}, "fails"),
    "executor-es2022": ("vite6", {}, {"build": {**EXECUTOR, "options": {**EXECUTOR["options"], "target": "es2022"}}},
                        "builds"),
    "executor-vite7-es2020": ("vite7", {}, {"build": {**EXECUTOR, "options": {**EXECUTOR["options"],
                                                                              "target": ["es2020", "chrome90"]}}},
                              "fails"),
}
ENV = dict(os.environ, NX_DAEMON="false", NX_NO_CLOUD="true", NX_SKIP_NX_CACHE="true", NX_TUI="false",
           NO_COLOR="1", NX_ADD_PLUGINS="false")


def _workspace(tmp_path: Path, engines: Path, vite: str, nx_json: dict, targets: dict) -> Path:
    """An Nx workspace with the app apps/web (index.html, src/main.js importing ./a.js, which has
    a top-level await), the engines' packages linked into its node_modules, @nx/vite copied in
    (so that its executor loads the workspace's Vite) and Vite "installed" as ``vite`` is: its
    package.json (tla-lens reads the version; :func:`_install` links the engine before Nx runs)."""
    root = Path(os.path.realpath(tmp_path)) / "ws"
    app = root / "apps/web"
    (app / "src").mkdir(parents=True)
    nm = root / "node_modules"
    (nm / "@nx").mkdir(parents=True)
    for entry in engines.iterdir():
        if entry.name not in ("vite", "@nx", ".bin"):
            (nm / entry.name).symlink_to(entry)
    for entry in (engines / "@nx").iterdir():
        if entry.name == "vite":
            shutil.copytree(entry, nm / "@nx/vite", symlinks=True)
        else:
            (nm / "@nx" / entry.name).symlink_to(entry)
    (nm / "vite").mkdir()
    (nm / "vite/package.json").write_text((engines / vite / "package.json").read_text())
    version = json.loads((engines / vite / "package.json").read_text())["version"]
    (root / "package.json").write_text(json.dumps({"name": "ws", "private": True, "type": "module",
                                                   "devDependencies": {"vite": version}}))
    # (the inferred target's inputs name `vite` as an external dependency: Nx finds it in the lock file)
    (root / "package-lock.json").write_text(json.dumps({
        "name": "ws", "lockfileVersion": 3, "requires": True, "packages": {
            "": {"name": "ws", "devDependencies": {"vite": version}},
            "node_modules/vite": {"version": version, "dev": True,
                                  "resolved": f"https://registry.npmjs.org/vite/-/vite-{version}.tgz"}}}))
    (root / "nx.json").write_text(json.dumps(nx_json))
    (app / "project.json").write_text(json.dumps({"name": "web", "projectType": "application",
                                                  "sourceRoot": "apps/web/src", "targets": targets}))
    (app / "vite.config.js").write_text("export default { root: import.meta.dirname };\n")
    (app / "index.html").write_text('<!doctype html>\n<script type="module" src="/src/main.js"></script>\n')
    (app / "src/main.js").write_text('import { x } from "./a.js";\nconsole.log(x);\n')
    (app / "src/a.js").write_text("export const x = await Promise.resolve(1);\n")
    return root


def _install(root: Path, engines: Path, vite: str) -> None:
    """Link the engine ``vite`` in as the workspace's Vite (and its command)."""
    nm = root / "node_modules"
    shutil.rmtree(nm / "vite")
    (nm / "vite").symlink_to(engines / vite)
    (nm / ".bin").mkdir()
    (nm / ".bin/vite").symlink_to("../vite/bin/vite.js")


def nx_run(root: Path, node26: Path, engines: Path, *args: str) -> subprocess.CompletedProcess:
    """`nx ARGS` in the workspace ``root`` as a user runs it (Node 26, the workspace's commands
    first on the PATH), without Nx's daemon, cloud, cache or terminal UI."""
    env = dict(ENV, PATH=f"{root / 'node_modules/.bin'}:{node26.parent}:{os.environ['PATH']}")
    return subprocess.run([str(node26), str(engines / "nx/dist/bin/nx.js"), *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("case", list(CASES))
def test_nx_vite_builds_as_nx_runs_them(case, node26, engines_node_modules, tmp_path):
    vite, nx_json, targets, outcome = CASES[case]
    root = _workspace(tmp_path, engines_node_modules, vite, nx_json, targets)
    project = analyse(root, Config(), cache=False)
    _install(root, engines_node_modules, vite)
    name = "bundle" if case == "inferred-renamed" else "build"
    proc = nx_run(root, node26, engines_node_modules, name, "web")
    out = proc.stdout + proc.stderr
    assert (proc.returncode == 0) == (outcome == "builds"), out
    refused = "Top-level await is not available in the configured target environment"
    assert (refused in out) == (outcome == "fails"), out
    if outcome == "none":
        assert "Cannot find configuration for task web:build" in out, out
    said = [f for f in project.findings if "that build fails" in f.message]
    if outcome != "fails":
        assert not said, [f.message for f in said]
        return
    (f,) = said
    assert f.code == "top-level-await" and f.path == root / "apps/web/src/a.js" and f.severity == "error"
    quoted = "Top-level await" + f.message.split('("Top-level await', 1)[1].split('"): that build fails')[0]
    assert quoted in out, (quoted, out)
    if case.startswith("inferred"):
        assert f"Vite's build (target `{name}` of project `web`, which @nx/vite/plugin in nx.json infers from " \
               "apps/web/vite.config.js) bundles this module" in f.message, f.message
        assert "set `build.target` to one with top-level await" in f.message, f.message
    else:
        assert "Vite's build (target `build` of project `web` in apps/web/project.json) bundles this module" \
            in f.message, f.message
        assert "set the Nx target's `target` option (over `build.target`)" in f.message, f.message
    if case == "executor-vite7-es2020":
        assert 'of the target\'s options in apps/web/project.json' in f.message, f.message


def test_nx_dev_server_of_vite6_pre_bundles_packages(node26, engines_node_modules, tmp_path):
    """`nx dev web` (inferred: `vite` in the project's folder) with Vite 6: the dev server pre-bundles
    the app's packages for its default target (not `build.target`, which lets `nx build` through),
    and a package with a top-level await fails it."""
    root = _workspace(tmp_path, engines_node_modules, "vite6", PLUGIN, {})
    app = root / "apps/web"
    (root / "node_modules/slow-dep").mkdir()
    (root / "node_modules/slow-dep/package.json").write_text('{"name": "slow-dep", "type": "module", '
                                                             '"exports": "./i.js"}')
    (root / "node_modules/slow-dep/i.js").write_text("export const z = await Promise.resolve(3);\n")
    (app / "src/a.js").write_text("export const x = 1;\n")
    (app / "vite.config.js").write_text('export default { root: import.meta.dirname, build: { target: "esnext" } };\n')
    (app / "src/main.js").write_text('import { x } from "./a.js";\nimport { z } from "slow-dep";\n'
                                     'console.log(x, z);\n')
    project = analyse(root, Config(), cache=False)
    _install(root, engines_node_modules, "vite6")
    env = dict(ENV, PATH=f"{root / 'node_modules/.bin'}:{node26.parent}:{os.environ['PATH']}")
    text = dev_server_log(root, [str(node26), str(engines_node_modules / "nx/dist/bin/nx.js"), "dev", "web"], env)
    assert "ready in" in text, text
    assert "Top-level await is not available in the configured target environment" in text, text
    said = [f for f in project.findings if "the dev server exits as it starts" in f.message]
    (f,) = said
    assert f.code == "async-import" and f.path == app / "src/main.js", f.message
    assert "Vite's dev server (target `dev` of project `web`, which @nx/vite/plugin in nx.json infers from " \
           "apps/web/vite.config.js) pre-bundles `slow-dep` with its top-level await" in f.message, f.message


def test_print_config_lists_the_targets(engines_node_modules, tmp_path):
    """`check --print-config` lists the Vite builds Nx makes: where each is declared (nx.json for
    the plugin's), its target, its dev server."""
    import sys

    root = _workspace(tmp_path, engines_node_modules, "vite6", PLUGIN, {"preview": {"command": "echo"}})
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    builds = {b["target"]: b for b in json.loads(r.stdout)["tsupBuilds"]}
    assert set(builds) == {"web:build", "web:dev"}, builds
    assert builds["web:build"]["declaredIn"] == "nx.json" and builds["web:build"]["inferredBy"] == "@nx/vite/plugin"
    assert builds["web:build"]["file"] == "apps/web/vite.config.js" and "devServer" not in builds["web:build"]
    assert builds["web:dev"]["devServer"] is True
    assert builds["web:build"]["esbuildTarget"] == ["es2020", "edge88", "firefox78", "chrome87", "safari14"]
