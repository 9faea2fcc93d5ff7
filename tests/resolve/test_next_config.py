"""How Next.js loads its configuration: next.config.ts compiled into CommonJS by SWC and run with
require() (a top-level await, an async package it imports, an import() of one: Node throws
ERR_REQUIRE_ASYNC_MODULE and Next.js fails to load it), next.config.js, .mjs and .mts loaded
with import() (nothing but Next.js waits). Held to Next.js 16.5's own loader (`loadConfig`, run
by next_config_probe.mjs) under Node 26."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

PROBE = Path(__file__).with_name("next_config_probe.mjs")
ASYNC_IMPORT = "import { plugin } from 'asyncpkg';\nexport default { env: { X: typeof plugin } };\n"
TLA = "const x = await Promise.resolve('1');\nexport default { env: { X: x } };\n"
# case: (package.json "type", configuration file, its text, other files)
CASES = {
    "ts-top-level-await": (None, "next.config.ts", TLA, {}),
    "ts-async-package": (None, "next.config.ts", ASYNC_IMPORT, {}),
    "ts-async-package-in-module-package": ("module", "next.config.ts", ASYNC_IMPORT, {}),
    "ts-dynamic-import": (None, "next.config.ts",
                          "export default async () => {\n  const { plugin } = await import('asyncpkg');\n"
                          "  return { env: { X: typeof plugin } };\n};\n", {}),
    "ts-through-a-local-file": (None, "next.config.ts",
                                "import { v } from './lib/value';\nexport default { env: { X: v } };\n",
                                {"lib/value.ts": "export const v = await Promise.resolve('2');\n"}),
    "ts-await-in-the-function": (None, "next.config.ts",
                                 "export default async () => ({ env: { X: await Promise.resolve('3') } });\n", {}),
    # (SWC drops an import whose bindings are not used, as TypeScript does: nothing loads it)
    "ts-unused-import": (None, "next.config.ts", "import { plugin } from 'asyncpkg';\nexport default {};\n", {}),
    "ts-sync": (None, "next.config.ts", "import { s } from 'syncpkg';\nexport default { env: { X: s } };\n", {}),
    "mts": (None, "next.config.mts", ASYNC_IMPORT.replace("export default", "const y =") + TLA, {}),
    "mjs": (None, "next.config.mjs", ASYNC_IMPORT.replace("export default", "const y =") + TLA, {}),
    "js-in-module-package": ("module", "next.config.js", ASYNC_IMPORT + TLA.replace("export default", "export const y ="),
                             {}),
    "js-commonjs-require": (None, "next.config.js",
                            "const { plugin } = require('asyncpkg');\nmodule.exports = { env: { X: typeof plugin } };\n",
                            {}),
}


def _project(tmp_path: Path, case: str) -> Path:
    kind, name, text, files = CASES[case]
    root = tmp_path / "app"
    manifest = {"name": "app", "private": True, "scripts": {"build": "next build"}, "dependencies": {"next": "16.5.0"}}
    if kind:
        manifest["type"] = kind
    files = {"package.json": json.dumps(manifest), name: text,
             "node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
             "node_modules/asyncpkg/index.js":
                 "await new Promise((r) => setTimeout(r, 1));\nexport function plugin() { return 'p'; }\n",
             "node_modules/syncpkg/package.json": '{"name": "syncpkg", "type": "module", "exports": "./index.js"}',
             "node_modules/syncpkg/index.js": "export const s = '1';\n", **files}
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_as_next_loads_it(case, node26, next_engine, tmp_path):
    root = _project(tmp_path, case)
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), str(PROBE), str(next_engine), str(root)], cwd=root, capture_output=True,
                          text=True, timeout=180)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    name = CASES[case][1]
    config = root / name
    errors = [f for f in project.findings if f.severity == "error"]
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    if out["loaded"]:
        assert not errors, shown
        assert not [f for f in project.findings if f.path == config and f.code == "async-import"], shown
        return
    assert out["code"] == "ERR_REQUIRE_ASYNC_MODULE", out
    (f,) = errors
    assert f.path == config, shown
    assert "Node throws ERR_REQUIRE_ASYNC_MODULE" in f.message, f.message
    if name == "next.config.ts":
        assert "Next.js compiles next.config.ts into CommonJS with SWC and loads it with require()" in f.message
        assert "name it next.config.mts" in f.message or "name the file next.config.mts" in f.message
        assert not [g for g in project.findings if g.path == config and g.code == "async-import"], shown


FLAG = "--experimental-next-config-strip-types"
# case: (npm scripts, next.config.ts, other files); the flag makes `next` set
# __NEXT_NODE_NATIVE_TS_LOADER_ENABLED, and Next.js import()s next.config.ts (Node strips its
# types), falling back to SWC's CommonJS where that throws
FLAG_CASES = {
    "flag-top-level-await": ({"dev": f"next dev {FLAG}", "build": f"next build {FLAG}"}, TLA, {}),
    "flag-async-package": ({"build": f"next build --turbopack {FLAG}", "start": f"next start {FLAG}",
                            "lint": "eslint ."}, ASYNC_IMPORT, {}),
    "flag-through-a-local-file": ({"build": f"next build {FLAG}"},
                                  "import { v } from './lib/value.ts';\nexport default { env: { X: v } };\n",
                                  {"lib/value.ts": "export const v = await Promise.resolve('2');\n"}),
    # Node fails on these: Next.js falls back to SWC's CommonJS, which fails on the await
    "flag-extension-left-out": ({"build": f"next build {FLAG}"},
                                "import { v } from './lib/value';\nexport default { env: { X: v } };\n",
                                {"lib/value.ts": "export const v = await Promise.resolve('2');\n"}),
    "flag-enum": ({"build": f"next build {FLAG}"}, "enum Mode { On }\n" + TLA.replace("'1'", "String(Mode.On)"), {}),
    # not on every command that loads the configuration: `next dev` compiles it with SWC
    "flag-on-build-only": ({"dev": "next dev", "build": f"next build {FLAG}"}, TLA, {}),
}


@pytest.mark.parametrize("case", list(FLAG_CASES))
def test_native_typescript_flag(case, node26, next_engine, workspace, tmp_path):
    scripts, text, files = FLAG_CASES[case]
    root = _project(tmp_path, "ts-top-level-await")
    manifest = json.loads((root / "package.json").read_text())
    manifest["scripts"] = scripts
    workspace({"package.json": json.dumps(manifest), "next.config.ts": text, **files}, root)
    native = all(FLAG in s for s in scripts.values() if s.startswith("next"))
    env = {**os.environ, **({"__NEXT_NODE_NATIVE_TS_LOADER_ENABLED": "true"} if native else {})}
    proc = subprocess.run([str(node26), str(PROBE), str(next_engine), str(root)], cwd=root, capture_output=True,
                          text=True, timeout=180, env=env)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    config = root / "next.config.ts"
    project = analyse(root, Config(), cache=False)
    errors = [f for f in project.findings if f.severity in ("error", "warning")]
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    assert out["loaded"] is (case in ("flag-top-level-await", "flag-async-package", "flag-through-a-local-file")), out
    if out["loaded"]:
        assert not errors, shown
        assert project.config_loading(config) == ("import()", "Next.js loads next.config.ts with import(), Node "
                                                              f"stripping its types ({FLAG})")
        return
    assert out["code"] == "ERR_REQUIRE_ASYNC_MODULE", out
    (f,) = errors
    assert f.path == config and f.code == "async-entry" and f.severity == "error", shown
    if native:  # (why Node could not load it itself, said first)
        assert f"Next.js would load next.config.ts with import() ({FLAG}), but Node could not: " in f.message, \
            f.message
        assert "falls back to compiling it into CommonJS with SWC" in f.message, f.message
    else:
        assert "Next.js compiles next.config.ts into CommonJS with SWC and loads it with require()" in f.message


LOAD = "export async function load() {\n  const { plugin } = await import('asyncpkg');\n  return typeof plugin;\n}\n"
# case: (the file next.config.ts imports, its name): Next.js's require hook compiles it with SWC
# into CommonJS — its import() a require() — unless it is a .js file, which Node loads itself
LOADED_CASES = {"ts": "lib/load.ts", "mjs": "lib/load.mjs", "js": "lib/load.js"}


@pytest.mark.parametrize("case", list(LOADED_CASES))
def test_import_in_a_file_the_configuration_loads(case, node26, next_engine, workspace, tmp_path):
    name = LOADED_CASES[case]
    root = _project(tmp_path, "ts-top-level-await")
    spec = "./" + name[:-3] if case == "ts" else "./" + name
    workspace({"next.config.ts": f"import {{ load }} from '{spec}';\n"
                                 "export default async () => ({ env: { X: await load() } });\n",
               name: LOAD}, root)
    proc = subprocess.run([str(node26), str(PROBE), str(next_engine), str(root)], cwd=root, capture_output=True,
                          text=True, timeout=180)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    project = analyse(root, Config(), cache=False)
    errors = [f for f in project.findings if f.severity in ("error", "warning")]
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    if case == "js":
        assert out == {"loaded": True, "env": {"X": "function"}}, out
        assert not errors, shown
        return
    assert out["loaded"] is False and out["code"] == "ERR_REQUIRE_ASYNC_MODULE", out
    (f,) = errors
    assert f.path == root / name and f.code == "require-async" and f.severity == "error", shown
    assert f.message.startswith("next.config.ts loads this file, and Next.js compiles both into CommonJS with SWC "
                                "(this one through its require hook), this import() into `require(\"asyncpkg\")` "
                                "there; `asyncpkg` is an async module"), f.message


@pytest.mark.parametrize("imported", ["asyncpkg", "./value.ts"])
def test_static_import_in_a_file_the_configuration_loads(imported, node26, next_engine, workspace, tmp_path):
    """A static import of an async module in a project file next.config.ts loads: Next.js's
    require hook compiles it into a require(), which throws — said at the import (with the
    rename fix's advice) and at the configuration, whose require() fails."""
    root = _project(tmp_path, "ts-top-level-await")
    workspace({"next.config.ts": "import { x } from './lib/plugins.ts';\nexport default { env: { X: x } };\n",
               "lib/plugins.ts": f"import {{ plugin }} from '{imported}';\nexport const x: string = typeof plugin;\n",
               "lib/value.ts": "export const plugin = await Promise.resolve(() => 1);\n"}, root)
    proc = subprocess.run([str(node26), str(PROBE), str(next_engine), str(root)], cwd=root, capture_output=True,
                          text=True, timeout=180)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["loaded"] is False and out["code"] == "ERR_REQUIRE_ASYNC_MODULE", out
    project = analyse(root, Config(), cache=False)
    shown = [(f.path.name, f.code, f.severity) for f in project.findings if f.severity in ("error", "warning")]
    assert sorted(shown) == [("next.config.ts", "async-entry", "error"), ("plugins.ts", "require-async", "error")]
    (f,) = [f for f in project.findings if f.code == "require-async"]
    assert f.message.startswith("next.config.ts loads this file, and Next.js compiles both into CommonJS with SWC "
                                f"(this one through its require hook), this import into `require(\"{imported}\")` "
                                "there;"), f.message
