"""Vite app builds and their target: Vite 7 and before transpile the app's chunks with esbuild
for `build.target`, so a target without top-level await (Vite 6's default "modules", or one
written as es2020) fails `vite build` on any await it bundles — a lazily loaded chunk's, a
package's; Vite 7's default has top-level await, and Vite 8 (Rolldown) only warns. The version
is the installed Vite's. Held to `vite build` of Vite 6, 7 and 8 building each app."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

MAIN = ('import { x } from "./a.js";\nconsole.log(x);\n'
        'document.body.onclick = async () => console.log((await import("./lazy.js")).y);\n')
CASES = {
    # (Vite, build.target (None: not set), where the await is, fails)
    "vite6-default-lazy": ("vite6", None, "lazy", True),
    "vite6-default-package": ("vite6", None, "package", True),
    "vite6-es2022": ("vite6", "es2022", "lazy", False),
    "vite7-default": ("vite7", None, "static", False),
    "vite7-es2020": ("vite7", ["es2020", "chrome100"], "static", True),
    "vite8-es2020": ("vite", "es2020", "static", False),
}


def app_root(tmp_path: Path, manifest: dict, tool: str, installed: Path) -> Path:
    """A project folder with ``manifest`` as its package.json, the build tool ``tool`` "installed"
    as the engine ``installed`` is (its package.json: the version tla-lens reads; the build runs
    the engine itself), and slow-dep, a package with a top-level await."""
    root = Path(os.path.realpath(tmp_path)) / "app"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps(manifest))
    (root / "node_modules" / tool).mkdir(parents=True)
    (root / "node_modules" / tool / "package.json").write_text((installed / "package.json").read_text())
    (root / "node_modules/slow-dep").mkdir()
    (root / "node_modules/slow-dep/package.json").write_text('{"name": "slow-dep", "type": "module", '
                                                             '"exports": "./i.js"}')
    (root / "node_modules/slow-dep/i.js").write_text("export const z = await Promise.resolve(3);\n")
    return root


def _app(tmp_path: Path, engines: Path, case: str) -> Path:
    vite, target, where, _ = CASES[case]
    root = app_root(tmp_path, {"name": "app", "private": True, "type": "module", "scripts": {"build": "vite build"}},
                    "vite", engines / vite)
    (root / "index.html").write_text('<!doctype html>\n<script type="module" src="/src/main.js"></script>\n')
    main = MAIN if where != "package" else 'import { z } from "slow-dep";\n' + MAIN.replace("(x)", "(x, z)")
    (root / "src/main.js").write_text(main)
    (root / "src/a.js").write_text("export const x = await Promise.resolve(1);\n" if where == "static"
                                   else "export const x = 1;\n")
    (root / "src/lazy.js").write_text("export const y = await Promise.resolve(2);\n" if where == "lazy"
                                      else "export const y = 2;\n")
    if target is not None:
        (root / "vite.config.js").write_text(f"export default {{ build: {{ target: {json.dumps(target)} }} }};\n")
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_vite_app_build_for_a_target_without_top_level_await(case, node26, engines_node_modules, tmp_path):
    vite, target, where, fails = CASES[case]
    root = _app(tmp_path, engines_node_modules, case)
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), str(engines_node_modules / vite / "bin/vite.js"), "build"], cwd=root,
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, NO_COLOR="1"))
    out = proc.stdout + proc.stderr
    assert (proc.returncode != 0) == fails, out
    said = [f for f in project.findings if "that build fails" in f.message]
    if not fails:
        assert not said, [f.message for f in said]
        return
    (f,) = said
    if where == "package":
        assert f.code == "async-import" and f.path == root / "src/main.js", f.message
        assert "Vite's build (script `build` of package.json) bundles `slow-dep` with its top-level await" \
            in f.message, f.message
    else:
        assert f.code == "top-level-await" and f.path == root / "src" / ("a.js" if where == "static" else "lazy.js")
        assert "Vite's build (script `build` of package.json) bundles this module, and esbuild refuses a " \
               "top-level await for its target" in f.message, f.message
    # esbuild's own words, its targets as Vite passes them
    quoted = "Top-level await" + f.message.split('("Top-level await', 1)[1].split('"): that build fails')[0]
    assert quoted in out, (quoted, out)
    if target is None:
        assert "(Vite 6's default `build.target` (\"modules\"))" in f.message
        assert f.message.endswith("or upgrade to Vite 7, whose default target has it"), f.message


@pytest.mark.parametrize("config,fails", [("vite.alt.js", True), ("vite.config.js", False)])
def test_options_before_the_command(config, fails, node26, engines_node_modules, tmp_path):
    """`vite --mode production --config vite.alt.js build`: the option values are not the command,
    and the configuration named is the one read (Vite 7; vite.alt.js sets es2020)."""
    root = _app(tmp_path, engines_node_modules, "vite7-default")
    (root / "vite.config.js").write_text('export default { build: { target: "esnext" } };\n')
    (root / "vite.alt.js").write_text('export default { build: { target: "es2020" } };\n')
    args = ["--mode", "production", "--config", config, "build"]
    (root / "package.json").write_text(json.dumps({"name": "app", "private": True, "type": "module",
                                                   "scripts": {"build": "vite " + " ".join(args)}}))
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), str(engines_node_modules / "vite7/bin/vite.js"), *args], cwd=root,
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, NO_COLOR="1"))
    assert (proc.returncode != 0) == fails, proc.stdout + proc.stderr
    said = [f for f in project.findings if "that build fails" in f.message]
    assert [f.path.name for f in said] == (["a.js"] if fails else []), [f.message for f in said]
    if fails:
        assert '`build.target: "es2020"` of vite.alt.js' in said[0].message, said[0].message


@pytest.mark.parametrize("vite,fails", [("vite6", True), ("vite7", False)])
def test_vite_library_build_takes_the_target_too(vite, fails, node26, engines_node_modules, tmp_path):
    """Library mode (`build.lib`, ES modules only): Vite 6's default target refuses the await."""
    root = _app(tmp_path, engines_node_modules, "vite6-default-lazy")
    (root / "vite.config.js").write_text('export default { build: { lib: { entry: "src/a.js", formats: ["es"] } } };\n')
    (root / "src/a.js").write_text("export const x = await Promise.resolve(1);\n")
    (root / "node_modules/vite/package.json").write_text((engines_node_modules / vite / "package.json").read_text())
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), str(engines_node_modules / vite / "bin/vite.js"), "build"], cwd=root,
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, NO_COLOR="1"))
    assert (proc.returncode != 0) == fails, proc.stdout + proc.stderr
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.path.name == "a.js"]
    assert ("Vite's build (script `build` of package.json) bundles this module, and esbuild refuses a top-level "
            "await for its target (Vite 6's default `build.target` (\"modules\"))" in f.message) == fails, f.message


DEV = {
    # (Vite, vite.config.js (None: none), fails)
    "vite6-default": ("vite6", None, True),
    "vite6-build-target": ("vite6", 'export default { build: { target: "esnext" } };\n', True),
    "vite6-optimizer-target": ("vite6", 'export default { optimizeDeps: { esbuildOptions: { target: "esnext" } } };\n',
                               False),
    "vite6-exclude": ("vite6", 'export default { optimizeDeps: { exclude: ["slow-dep"] } };\n', False),
    # only what `include` names is pre-bundled without discovery
    "vite6-no-discovery": ("vite6", 'export default { optimizeDeps: { noDiscovery: true } };\n', False),
    "vite6-no-discovery-include": ("vite6", 'export default { optimizeDeps: { noDiscovery: true, '
                                            'include: ["slow-dep"] } };\n', True),
    "vite6-include": ("vite6", 'export default { optimizeDeps: { include: ["slow-dep"] } };\n', True),
    "vite7-default": ("vite7", None, False),
}


def dev_server_log(root: Path, argv: list[str], env: dict | None = None) -> str:
    """Start the dev server ``argv`` (in ``root``; a free port and 127.0.0.1 added to it), load
    the page's module (the packages are pre-bundled then), stop it: what it printed."""
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = root / "dev.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([*argv, "--port", str(port), "--strictPort", "--host", "127.0.0.1"], cwd=root,
                                stdout=out, stderr=subprocess.STDOUT, env=env or dict(os.environ, NO_COLOR="1"),
                                start_new_session=True)
        try:
            deadline = time.time() + 90
            while "ready in" not in log.read_text() and time.time() < deadline and proc.poll() is None:
                time.sleep(0.1)
            for path in ("/", "/src/main.js"):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()
                except OSError:
                    pass
            deadline = time.time() + 6
            while time.time() < deadline and "Top-level await" not in log.read_text():
                time.sleep(0.1)
            # (a refusal: the server exits a moment later, when it does; under load, seconds)
            deadline = time.time() + 20
            while "Top-level await" in log.read_text() and proc.poll() is None and time.time() < deadline:
                time.sleep(0.1)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # (the server and what started it: Nx runs it in a child)
            except ProcessLookupError:
                pass  # (it exited, and every process of its group with it)
            proc.wait(timeout=30)
    return log.read_text()


@pytest.mark.parametrize("case", list(DEV))
def test_vite_dev_server_pre_bundles_packages_for_a_target(case, node26, engines_node_modules, tmp_path):
    """Vite 6's dev server pre-bundles the app's packages with esbuild for its own target
    ("modules" unless `optimizeDeps.esbuildOptions.target`; `build.target` does not count): a
    package with a top-level await fails it, unless `optimizeDeps.exclude` names it."""
    vite, config, fails = DEV[case]
    root = _app(tmp_path, engines_node_modules, "vite6-default-package")
    (root / "node_modules/vite/package.json").write_text((engines_node_modules / vite / "package.json").read_text())
    data = json.loads((root / "package.json").read_text())
    data["scripts"] = {"dev": "vite --open=false"}
    (root / "package.json").write_text(json.dumps(data))
    if config is not None:
        (root / "vite.config.js").write_text(config)
    project = analyse(root, Config(), cache=False)
    out = dev_server_log(root, [str(node26), str(engines_node_modules / vite / "bin/vite.js")])
    # (the server exits as it pre-bundles a package it refuses: before it says it is ready for a
    # package `include` names, right after for one its scan finds — Node's report of the error)
    exits = "error when starting dev server" in out or "Node.js v" in out
    assert exits is fails, out
    assert ("Top-level await is not available in the configured target environment" in out) == fails, out
    said = [f for f in project.findings if "the dev server exits as it starts" in f.message]
    if not fails:
        assert not said, [f.message for f in said]
        return
    (f,) = said
    assert f.code == "async-import" and f.path == root / "src/main.js"
    assert "Vite's dev server (script `dev` of package.json) pre-bundles `slow-dep` with its top-level await, and " \
           "esbuild refuses a top-level await for its target" in f.message, f.message
    assert f.message.endswith("set `optimizeDeps.esbuildOptions.target` to one with top-level await (\"esnext\"), "
                              "leave the package out of pre-bundling (`optimizeDeps.exclude`), or upgrade to Vite 7")
    quoted = "Top-level await" + f.message.split('("Top-level await', 1)[1].split('"): the dev server')[0]
    assert quoted in out, (quoted, out)
    # the project's own modules are served as they are: no claim about them
    assert not [g for g in project.findings if g.code == "top-level-await" and "dev server" in g.message]
    from tla_lens.report.explain import explain

    assert "Vite's dev server (script `dev` of package.json) pre-bundles node_modules/slow-dep/i.js, with its " \
           "top-level await" in explain(project, root / "src/main.js")


@pytest.mark.parametrize("vite,bundler", [("vite7", "Rollup"), ("vite", "Rolldown")])
def test_vite_library_in_commonjs_names_its_bundler(vite, bundler, node26, engines_node_modules, tmp_path):
    """A CommonJS library build refuses the await: Vite 7 with Rollup, Vite 8 with Rolldown."""
    root = _app(tmp_path, engines_node_modules, "vite7-default")
    (root / "vite.config.js").write_text('export default { build: { lib: { entry: "src/a.js", formats: ["cjs"] } } };\n')
    (root / "node_modules/vite/package.json").write_text((engines_node_modules / vite / "package.json").read_text())
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), str(engines_node_modules / vite / "bin/vite.js"), "build"], cwd=root,
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, NO_COLOR="1"))
    assert proc.returncode != 0 and 'Module format "cjs" does not support top-level await' in proc.stdout + proc.stderr
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.path.name == "a.js"]
    assert f"Vite ({bundler}) refuses a top-level await in CommonJS (\"Module format \"cjs\" does not support " \
           "top-level await\"): that build fails" in f.message, f.message
