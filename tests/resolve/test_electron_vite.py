"""Electron apps built by electron-vite: the main process and preload scripts are bundles in
CommonJS (unless `"type": "module"`) that keep the `dependencies` external — a require() of an
ES module with top-level await throws ERR_REQUIRE_ASYNC_MODULE when the app starts — and a
top-level await they bundle fails the build. Held to electron-vite 6 (Vite 8) building each app
and Node 26 running the preload bundle (Electron's own binary is not installed: its version is
all electron-vite reads)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

CASES = {
    # (package type, electron.vite.config.mjs, main's own await, the build fails, the preload throws)
    "cjs": ("commonjs", "export default { main: {}, preload: {}, renderer: {} };\n", False, False, True),
    "cjs-await": ("commonjs", "export default { main: {}, preload: {}, renderer: {} };\n", True, True, True),
    "esm": ("module", "export default { main: {}, preload: {}, renderer: {} };\n", True, False, False),
    "bundled-deps": ("commonjs", "export default {\n  main: {},\n  preload: { build: { externalizeDeps: false } },\n"
                                 "  renderer: {},\n};\n", False, True, False),
    "entry-and-format": ("commonjs", 'export default {\n  main: { build: { rollupOptions: { input: "src/main/app.ts",'
                                     ' output: { format: "es" } } } },\n  preload: {},\n  renderer: {},\n};\n',
                         True, False, True),
}


def _app(tmp_path: Path, engines: Path, case: str) -> Path:
    kind, config, awaits, _, _ = CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "desk"
    for d in ("src/main", "src/preload", "src/renderer", "node_modules/slow-dep"):
        (root / d).mkdir(parents=True)
    (root / "node_modules/electron").symlink_to(engines / "electron")  # (electron-vite reads its version)
    (root / "node_modules/slow-dep/package.json").write_text('{"name": "slow-dep", "version": "1.0.0", '
                                                             '"type": "module", "exports": "./i.js"}')
    (root / "node_modules/slow-dep/i.js").write_text("export const x = await Promise.resolve('S');\n")
    main = "out/main/index.js" if kind == "commonjs" else "out/main/index.mjs"
    (root / "package.json").write_text(json.dumps({
        "name": "desk", "version": "1.0.0", "type": kind, "main": main,
        "scripts": {"dev": "electron-vite dev", "build": "electron-vite build"},
        "dependencies": {"slow-dep": "1.0.0"}}, indent=2))
    (root / "electron.vite.config.mjs").write_text(config)
    name = "app" if case == "entry-and-format" else "index"
    (root / f"src/main/{name}.ts").write_text('import { cfg } from "./cfg";\nconsole.log(cfg);\n')
    (root / "src/main/cfg.ts").write_text("export const cfg = await Promise.resolve(1);\n" if awaits
                                          else "export const cfg = 1;\n")
    (root / "src/preload/index.ts").write_text('import { x } from "slow-dep";\nconsole.log("preload", x);\n')
    (root / "src/renderer/index.html").write_text('<!doctype html>\n<script type="module" src="./main.ts"></script>\n')
    (root / "src/renderer/main.ts").write_text("console.log('renderer');\n")
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_electron_vite_builds_as_electron_vite_makes_them(case, node26, engines_node_modules, tmp_path):
    kind, _, awaits, fails, throws = CASES[case]
    root = _app(tmp_path, engines_node_modules, case)
    project = analyse(root, Config(), cache=False)
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}",
               NO_COLOR="1")
    proc = subprocess.run([str(node26), str(engines_node_modules / "electron-vite/bin/electron-vite.js"), "build"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert (proc.returncode != 0) == fails, out
    main_name = "app" if case == "entry-and-format" else "index"
    said = [f for f in project.findings if "that build fails" in f.message]
    if fails:
        assert 'Module format "cjs" does not support top-level await' in out, out
        (f,) = said
        assert f.severity == "error"
        if case == "bundled-deps":
            assert f.code == "async-import" and f.path == root / "src/preload/index.ts", f.message
            assert "electron-vite's CommonJS build (its preload scripts, script `build` of package.json) bundles " \
                   "`slow-dep` with its top-level await" in f.message, f.message
        else:
            assert f.code == "top-level-await" and f.path == root / "src/main/cfg.ts", f.message
            assert "electron-vite's CommonJS build (its main process, script `build` of package.json) bundles this " \
                   "module, and Vite (Rolldown) refuses a top-level await in CommonJS" in f.message, f.message
        return
    assert not said, [f.message for f in said]
    preload = next((root / "out/preload").glob("index.*"))
    run = subprocess.run([str(node26), str(preload)], cwd=root, capture_output=True, text=True, timeout=60)
    assert ("ERR_REQUIRE_ASYNC_MODULE" in run.stdout + run.stderr) == throws, run.stdout + run.stderr
    errors = [f for f in project.findings if f.code == "require-async"]
    if throws:
        (f,) = errors
        assert f.path == root / "src/preload/index.ts" and f.message.startswith(
            "`slow-dep` is a package that electron-vite's CommonJS build (its preload scripts, script `build` of "
            "package.json) keeps external: the bundle loads it with `require(\"slow-dep\")`"), f.message
    else:
        assert not errors, [f.message for f in errors]
    assert (root / "out/main").is_dir() and main_name


def test_print_config_lists_the_builds(engines_node_modules, tmp_path):
    root = _app(tmp_path, engines_node_modules, "entry-and-format")
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    builds = [b for b in json.loads(r.stdout)["tsupBuilds"] if b["tool"] == "electron-vite"]
    assert [(b["script"], b["formats"], b["external"]) for b in builds] == [
        ("build:main", ["es"], ["slow-dep"]), ("build:preload", ["cjs"], ["slow-dep"])]
    assert builds[0]["entries"] == [str(root / "src/main/app.ts")] and builds[1]["entries"] == ["src/preload/index.ts"]
