"""Vite's library mode (`build.lib`, built by `vite build` in an npm script): its UMD output (the
default beside ES modules for one entry) and CommonJS output (for several) require() the
packages the build keeps external — an ES module with top-level await there throws
ERR_REQUIRE_ASYNC_MODULE when the output runs — and a top-level await in a module it bundles
fails the build. Held to Vite 8 building each package (its npm script run as npm runs it) and
Node 26 running every CommonJS and UMD output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_tsup_cjs import _project, run_outputs

CONFIGS = {
    # one entry: ES modules and UMD; a string external is that import only
    "umd": ("""import { defineConfig } from "vite";

export default defineConfig({
  build: {
    lib: { entry: "src/index.ts", name: "Svc" },
    rollupOptions: { external: ["slow-dep"] },
  },
});
""", {"svc.umd": "index"}, {"svc.umd"}),
    # several entries: ES modules and CommonJS; a regular expression, exact strings
    "cjs": ("""import { defineConfig } from "vite";
import { resolve } from "node:path";

const external = [/^slow-dep/, "sync-dep", "dual-dep"];

export default defineConfig({
  build: {
    lib: {
      entry: { index: resolve(import.meta.dirname, "src/index.ts"), sync: "src/sync.ts", dual: "src/dual.ts",
               lazy: "src/lazy.ts", via: "src/via.ts", types: "src/types.ts", devlib: "src/devlib.ts" },
    },
    rolldownOptions: { external },
  },
});
""", None, {"index", "via", "devlib"}),
    # several entries; `external` a function over the manifest's dependencies (a named import
    # of the JSON file, as Vite's bundling of the configuration allows), their subpaths too
    "cjs-dependencies": ("""import { defineConfig } from "vite";
import { dependencies } from "./package.json";

export default defineConfig({
  build: {
    lib: {
      entry: { index: "src/index.ts", sync: "src/sync.ts", dual: "src/dual.ts", lazy: "src/lazy.ts",
               via: "src/via.ts", types: "src/types.ts", devlib: "src/devlib.ts" },
    },
    rolldownOptions: {
      external: (id) => Object.keys(dependencies).some((d) => id === d || id.startsWith(d + "/")),
    },
  },
});
""", None, {"index", "via", "devlib"}),
    # several entries; rollup-plugin-node-externals keeps the dependencies external
    "cjs-node-externals-plugin": ("""import { defineConfig } from "vite";
import { nodeExternals } from "rollup-plugin-node-externals";

export default defineConfig({
  plugins: [nodeExternals()],
  build: {
    lib: {
      entry: { index: "src/index.ts", sync: "src/sync.ts", dual: "src/dual.ts", lazy: "src/lazy.ts",
               via: "src/via.ts", types: "src/types.ts", devlib: "src/devlib.ts" },
    },
  },
});
""", None, {"index", "via", "devlib"}),
}


def _vite_project(tmp_path: Path, engines: Path, config: str, script: str = "vite build") -> Path:
    root = _project(tmp_path, script, None)
    (root / "vite.config.js").write_text(config)
    (root / "node_modules" / "vite").symlink_to(engines / "vite")  # (the configuration imports it)
    (root / "node_modules" / "rollup-plugin-node-externals").symlink_to(engines / "rollup-plugin-node-externals")
    return root


def _build(root: Path, node26: Path, engines: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    script = json.loads((root / "package.json").read_text())["scripts"]["build"]
    return subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("case", list(CONFIGS))
def test_library_outputs_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    config, names, expected = CONFIGS[case]
    root = _vite_project(tmp_path, engines_node_modules, config)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = run_outputs(root, "dist/*.cjs", node26)
    assert runs and all("ERR_" not in out or "ERR_REQUIRE_ASYNC_MODULE" in out for out in runs.values()), runs
    throws = {name for name, out in runs.items() if "ERR_REQUIRE_ASYNC_MODULE" in out}
    assert throws == expected, runs
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    closure = {"via": {"via", "helper"}}
    for name in runs:
        entry = (names or {}).get(name, name)
        assert bool(errors & closure.get(entry, {entry})) is (name in throws), (name, runs[name], errors)
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "require-async"]
    kind = "UMD" if case == "umd" else "CommonJS"
    assert f.message.startswith(f"`slow-dep` is a package that Vite's {kind} build (script `build` of "
                                "package.json) keeps external: the bundle loads it with `require(\"slow-dep\")`"), \
        f.message
    assert f.message.endswith('(Vite keeps import() as it is), or build ES modules only '
                              '(`build.lib.formats: ["es"]`)'), f.message


def test_es_only_library_keeps_imports(node26, engines_node_modules, tmp_path):
    """`formats: ["es"]`: no CommonJS output; the import stays an import and the module is
    async (the ES output waits for the package when it runs)."""
    config = CONFIGS["umd"][0].replace('name: "Svc"', 'formats: ["es"]')
    root = _vite_project(tmp_path, engines_node_modules, config)
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.code == "require-async"]
    assert project.modules[root / "src/index.ts"].is_async
    assert _build(root, node26, engines_node_modules).returncode == 0
    assert not list((root / "dist").glob("*.cjs"))
    run = subprocess.run([str(node26), str(root / "dist/svc.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "A", run.stderr


@pytest.mark.parametrize("fmt", ["umd", "cjs"])
def test_library_with_top_level_await_fails_to_build(fmt, node26, engines_node_modules, tmp_path):
    config = f"""export default {{ build: {{ lib: {{ entry: "src/tla.ts", name: "T", formats: ["es", "{fmt}"] }} }} }};\n"""
    root = _vite_project(tmp_path, engines_node_modules, config, "tsc --noEmit; vite build")
    (root / "src/tla.ts").write_text("export const v = await Promise.resolve(1);\n")
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.path.name == "tla.ts"]
    kind = "UMD" if fmt == "umd" else "CommonJS"
    assert f"Vite's {kind} build (script `build` of package.json) bundles this module" in f.message, f.message
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode != 0
    refusal = f'Module format "{fmt}" does not support top-level await'
    assert refusal in proc.stdout + proc.stderr
    assert refusal in f.message


def test_unread_library_is_said(tmp_path):
    root = tmp_path / "p"
    (root / "src").mkdir(parents=True)
    (root / "src/index.ts").write_text("export const a = 1;\n")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {"build": "npx vite build -c lib.config.ts"}}))
    (root / "lib.config.ts").write_text(
        'export default { build: { lib: { entry: "src/index.ts" }, rollupOptions: { external: (id) => isExternal(id) } } };\n')
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["tool"] == "Vite" and build["config"] == "lib.config.ts"
    assert build["notRead"] == ("lib.config.ts: `external` is a function: `isExternal(id)` is not a form tla-lens "
                                "reads without running the configuration")
