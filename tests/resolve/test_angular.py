"""Angular apps (angular.json, the application builder): with Zone.js among the polyfills (or a
polyfills file: Angular's own test), esbuild compiles async/await down for Zone.js and refuses
any top-level await the app's bundles hold — the project's, a lazily loaded route's, a
package's — so `ng build` fails; a zoneless app builds, and so does one that keeps the package
external. Held to `ng build` (Angular 21) building each app."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.report.explain import explain

MAIN = """import { bootstrapApplication } from '@angular/platform-browser';
import { Component } from '@angular/core';
import { settings } from './settings';

@Component({ selector: 'app-root', template: '<h1>{{ title }}</h1>' })
class App {
  title = settings.name;
  async more() {
    const { extra } = await import('./lazy');
    this.title += extra;
  }
}

bootstrapApplication(App);
"""
SYNC = "export const settings = { name: 'hi' };\n"
WAITS = "export const settings = await Promise.resolve({ name: 'hi' });\n"
CASES = {
    # (polyfills, externalDependencies, settings.ts, lazy.ts, package import, fails)
    "zone-static": (["zone.js"], [], WAITS, "export const extra = '!';\n", False, True),
    "zone-lazy": (["zone.js"], [], SYNC, "export const extra = await Promise.resolve('!');\n", False, True),
    "zone-package": (["zone.js"], [], SYNC, "export const extra = '!';\n", True, True),
    "zone-external": (["zone.js"], ["slow-dep"], SYNC, "export const extra = '!';\n", True, False),
    "polyfills-file": (["src/polyfills.ts"], [], WAITS, "export const extra = '!';\n", False, True),
    "zoneless": ([], [], WAITS, "export const extra = '!';\n", False, False),
}
LINKED = ["@angular", "rxjs", "zone.js", "tslib", "typescript"]


def _workspace(tmp_path: Path, engines: Path, case: str) -> Path:
    polyfills, external, settings, lazy, package, _ = CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "web"
    (root / "src").mkdir(parents=True)
    nm = root / "node_modules"
    nm.mkdir()
    for name in LINKED:
        (nm / name).symlink_to(engines / name)
    (nm / "slow-dep").mkdir()
    (nm / "slow-dep/package.json").write_text('{"name": "slow-dep", "version": "1.0.0", "type": "module", '
                                              '"exports": {"types": "./i.d.ts", "default": "./i.js"}}')
    (nm / "slow-dep/i.d.ts").write_text("export declare const flag: string;\n")
    (nm / "slow-dep/i.js").write_text("export const flag = await Promise.resolve('!');\n")
    options = {"browser": "src/main.ts", "polyfills": polyfills, "tsConfig": "tsconfig.json",
               "externalDependencies": external}
    (root / "angular.json").write_text(json.dumps({
        "version": 1, "cli": {"analytics": False},
        "projects": {"web": {"projectType": "application", "root": "", "sourceRoot": "src", "architect": {
            "build": {"builder": "@angular/build:application", "options": options,
                      "configurations": {"production": {"outputHashing": "none"}},
                      "defaultConfiguration": "production"},
            "serve": {"builder": "@angular/build:dev-server", "options": {"buildTarget": "web:build"}}}}}},
        indent=2))
    (root / "package.json").write_text(json.dumps({
        "name": "web", "version": "0.0.0", "private": True, "type": "module", "scripts": {"build": "ng build"},
        "dependencies": {"@angular/core": "21", "zone.js": "0.16", "slow-dep": "1.0.0"}}, indent=2))
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "target": "ES2022", "module": "preserve", "moduleResolution": "bundler", "strict": True,
        "skipLibCheck": True, "experimentalDecorators": True}, "files": ["src/main.ts"]}))
    main = MAIN.replace("import { settings } from './settings';\n",
                        "import { settings } from './settings';\nimport { flag } from 'slow-dep';\n") \
        .replace("title = settings.name;", "title = settings.name + flag;") if package else MAIN
    (root / "src/main.ts").write_text(main)
    (root / "src/settings.ts").write_text(settings)
    (root / "src/lazy.ts").write_text(lazy)
    (root / "src/polyfills.ts").write_text("export {};\n")
    (root / "src/index.html").write_text("<!doctype html><html><body><app-root></app-root></body></html>\n")
    return root


def _ng_build(root: Path, node26: Path, engines: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NG_CLI_ANALYTICS="false", NO_COLOR="1", CI="1")
    return subprocess.run([str(node26), str(engines / "@angular/cli/bin/ng.js"), "build"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("case", list(CASES))
def test_zone_js_apps_refuse_top_level_await(case, node26, engines_node_modules, tmp_path):
    fails = CASES[case][-1]
    root = _workspace(tmp_path, engines_node_modules, case)
    project = analyse(root, Config(), cache=False)
    proc = _ng_build(root, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    refused = "Top-level await is not available in the configured target environment" in out
    assert refused == fails and (proc.returncode != 0) == fails, out
    said = [f for f in project.findings if "that build fails" in f.message or "`ng build` fails" in f.message]
    if not fails:
        assert not said, [f.message for f in said]
        return
    build = "Angular's build (target `build` of project `web` in angular.json)"
    if case == "zone-package":
        (f,) = [f for f in said if f.code == "async-import"]
        assert f.path == root / "src/main.ts"
        assert f"{build} bundles `slow-dep` with its top-level await, and with Zone.js among its polyfills" \
            in f.message, f.message
    else:
        awaits = root / "src" / ("lazy.ts" if case == "zone-lazy" else "settings.ts")
        (f,) = [f for f in said if f.code == "top-level-await"]
        assert f.path == awaits and f"{build} bundles this module, and with Zone.js among its polyfills" in f.message
        assert f.message.endswith("or make the app zoneless (no \"zone.js\" in `polyfills`, "
                                  "`provideZonelessChangeDetection()`)"), f.message
        assert "that build fails." in explain(project, awaits)
    if case != "zone-lazy":
        # the app's entry waits for it: an async entry, whose build fails
        (e,) = [f for f in said if f.code == "async-entry"]
        assert e.severity == "error" and all(f.severity == "error" for f in said)
        assert e.path == root / "src/main.ts" and e.message.startswith(
            "this entry of the Angular app `web` (angular.json) is an async module"), e.message
    else:
        assert not project.modules[root / "src/main.ts"].is_async


def test_webpack_builder_is_listed_unread(tmp_path):
    root = tmp_path / "old"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text('{"name": "old", "scripts": {"build": "ng build"}}')
    (root / "angular.json").write_text(json.dumps({"version": 1, "projects": {"old": {"root": "", "architect": {
        "build": {"builder": "@angular-devkit/build-angular:browser",
                  "options": {"main": "src/main.ts", "polyfills": ["zone.js"]}}}}}}))
    (root / "src/main.ts").write_text("export const v = await Promise.resolve(1);\n")
    proc = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                          capture_output=True, text=True, timeout=120)
    assert "its builder `@angular-devkit/build-angular:browser` (webpack) is not modelled" in proc.stdout, \
        proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if "that build fails" in f.message]


@pytest.mark.parametrize("case", ["zone-static", "zoneless"])
def test_nx_runs_the_same_builder(case, node26, engines_node_modules, tmp_path):
    """An Nx workspace whose project.json runs Angular's application builder (as Nx's Angular
    generators write it): read from the target's options as from angular.json; held to `nx
    build` running the builder."""
    root = _workspace(tmp_path, engines_node_modules, case)
    build = json.loads((root / "angular.json").read_text())["projects"]["web"]["architect"]["build"]
    (root / "angular.json").unlink()
    (root / "nx.json").write_text("{}")
    (root / "project.json").write_text(json.dumps({
        "name": "web", "sourceRoot": "src", "projectType": "application",
        "targets": {"build": {"executor": build["builder"], "options": build["options"],
                              "configurations": build["configurations"],
                              "defaultConfiguration": build["defaultConfiguration"]}}}, indent=2))
    for name in ("nx", "@nx"):
        (root / "node_modules" / name).symlink_to(engines_node_modules / name)
    project = analyse(root, Config(), cache=False)
    env = dict(os.environ, PATH=f"{node26.parent}:{os.environ['PATH']}", NX_DAEMON="false", NX_NO_CLOUD="true",
               NX_SKIP_NX_CACHE="true", NX_TUI="false", NG_CLI_ANALYTICS="false", NO_COLOR="1")
    proc = subprocess.run([str(node26), str(engines_node_modules / "nx/dist/bin/nx.js"), "build", "web"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    fails = CASES[case][-1]
    assert ("Top-level await is not available in the configured target environment" in out) == fails, out
    assert (proc.returncode != 0) == fails, out
    said = [f for f in project.findings if "that build fails" in f.message]
    assert [f.path.name for f in said] == (["settings.ts"] if fails else []), [f.message for f in said]
    if fails:
        assert "Angular's build (target `build` of project `web` in project.json) bundles this module" \
            in said[0].message, said[0].message


def test_ng_serve_refuses_it_too(node26, engines_node_modules, tmp_path):
    """`ng serve` builds the app the same way (the async entry's message says both fail)."""
    import socket
    import time

    root = _workspace(tmp_path, engines_node_modules, "zone-static")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = root / "serve.log"
    env = dict(os.environ, NG_CLI_ANALYTICS="false", NO_COLOR="1", CI="1")
    with open(log, "w") as out:
        proc = subprocess.Popen([str(node26), str(engines_node_modules / "@angular/cli/bin/ng.js"), "serve",
                                 "--port", str(port)], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 120
            while time.time() < deadline and "Top-level await" not in log.read_text() and \
                    proc.poll() is None:
                time.sleep(0.2)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert "Top-level await is not available in the configured target environment" in log.read_text(), \
        log.read_text()
    project = analyse(root, Config(), cache=False)
    (e,) = [f for f in project.findings if f.code == "async-entry"]
    assert e.message.endswith("`ng build` fails, and so does `ng serve`"), e.message
