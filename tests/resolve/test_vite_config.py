"""How Vite loads its own configuration: bundled as an ES module and loaded with import() (a
top-level await or an async package there only makes Vite wait), or bundled into CommonJS and
require()d (a top-level await fails the bundle, an async package throws
ERR_REQUIRE_ASYNC_MODULE). Held to Vite 8 (Rolldown) and Vite 7 (esbuild) loading each
configuration for `vite build`, and Vitest 4 (Vite's loader) for `vitest run`, under Node 26."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

ASYNC_IMPORT = "import { plugin } from 'asyncpkg';\nexport default { plugins: [plugin()] };\n"
TLA = "const x = await Promise.resolve('1');\nexport default { define: { X: x } };\n"
# case: (package.json "type", configuration file, its text, other files, the npm script's
# arguments, Vite's package folder in the engines)
CASES = {
    "esm-by-type": ("module", "vite.config.ts", ASYNC_IMPORT + TLA.replace("export default", "export const y ="),
                    {}, "build", "vite"),
    # (a project file only the configuration imports: nothing else waits for it either)
    "esm-through-a-local-file": ("module", "vite.config.ts",
                                 "import { plugin } from './tools/plugins';\nexport default { plugins: [plugin()] };\n",
                                 {"tools/plugins.ts": "export { plugin } from 'asyncpkg';\n"}, "build", "vite"),
    "esm-by-extension": (None, "vite.config.mts", "const x = await Promise.resolve(1);\n" + ASYNC_IMPORT, {},
                         "build", "vite"),
    "cjs-async-package": (None, "vite.config.ts", ASYNC_IMPORT, {}, "build", "vite"),
    "cjs-top-level-await": (None, "vite.config.js", TLA, {}, "build", "vite"),
    "cjs-by-extension": ("module", "vite.config.cts", ASYNC_IMPORT, {}, "build", "vite"),
    "cjs-dynamic-import": (None, "vite.config.ts",
                           "export default async () => {\n  const { plugin } = await import('asyncpkg');\n"
                           "  return { plugins: [plugin()] };\n};\n", {}, "build", "vite"),
    "cjs-through-a-local-file": (None, "vite.config.ts",
                                 "import { plugin } from './tools/plugins';\nexport default { plugins: [plugin()] };\n",
                                 {"tools/plugins.ts": "export { plugin } from 'asyncpkg';\n"}, "build", "vite"),
    "cjs-local-top-level-await": (None, "vite.config.ts",
                                  "import { v } from './tools/value';\nexport default { define: { V: v } };\n",
                                  {"tools/value.ts": "export const v = await Promise.resolve('2');\n"},
                                  "build", "vite"),
    "cjs-sync-package": (None, "vite.config.ts", "import { s } from 'syncpkg';\nexport default { define: { S: s } };\n",
                         {}, "build", "vite"),
    "native-loader": (None, "vite.config.js", ASYNC_IMPORT + TLA.replace("export default", "export const y ="), {},
                      "build --configLoader native", "vite"),
    "vite7-cjs-top-level-await": (None, "vite.config.ts", TLA, {}, "build", "vite7"),
    "vite7-cjs-async-package": (None, "vite.config.ts", ASYNC_IMPORT, {}, "build", "vite7"),
    # a configuration an npm script names (`-c`), and the folder's own, which it then does not load
    "named-by-the-script": (None, "vite.lib.config.ts", ASYNC_IMPORT,
                            {"vite.config.ts": "export default {};\n"}, "build -c vite.lib.config.ts", "vite"),
    "named-by-the-script-esm": (None, "configs/vite.lib.config.mts", ASYNC_IMPORT,
                                {"vite.config.ts": TLA}, "build --config=./configs/vite.lib.config.mts", "vite"),
    # Vitest: its own configuration first, with Vite's loader
    "vitest-cjs-top-level-await": (None, "vitest.config.ts", TLA, {}, "run", "vitest"),
    "vitest-cjs-async-package": (None, "vitest.config.js", ASYNC_IMPORT, {}, "run", "vitest"),
    "vitest-esm-by-type": ("module", "vitest.config.ts", ASYNC_IMPORT + TLA.replace("export default", "export const y ="),
                           {}, "run", "vitest"),
    "vitest-esm-by-extension": (None, "vitest.config.mts", ASYNC_IMPORT, {}, "run", "vitest"),
    "vitest-reads-vite-config": (None, "vite.config.ts", TLA, {}, "run", "vitest"),
}


def _project(tmp_path: Path, engines: Path, case: str, vitest: Path = None) -> tuple[Path, list[str]]:
    kind, name, text, files, args, vite = CASES[case]
    root = tmp_path / "app"
    tool = "vitest" if vite == "vitest" else "vite"
    manifest = {"name": "app", "private": True, "scripts": {"build": f"{tool} {args}"}}
    if kind:
        manifest["type"] = kind
    files = {"package.json": json.dumps(manifest), name: text, "index.html":
             '<script type="module" src="/src/main.js"></script>\n', "src/main.js": "console.log(1);\n",
             "node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
             "node_modules/asyncpkg/index.js":
                 "await new Promise((r) => setTimeout(r, 1));\nexport function plugin() { return { name: 'p' }; }\n",
             "node_modules/syncpkg/package.json": '{"name": "syncpkg", "type": "module", "exports": "./index.js"}',
             "node_modules/syncpkg/index.js": "export const s = '1';\n",
             # (the version installed decides whose words refuse the await: Vite 7's esbuild, Vite 8's Rolldown)
             "node_modules/vite/package.json": ((vitest if tool == "vitest" else engines) /
                                                ("vite" if tool == "vitest" else vite) / "package.json").read_text(),
             **files}
    if tool == "vitest":
        files["src/a.test.js"] = "import { test } from 'vitest';\ntest('a', () => {});\n"
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    if tool == "vitest":
        (root / "node_modules" / "vitest").symlink_to(vitest / "vitest")
        return root, [str(vitest / "vitest" / "vitest.mjs"), *args.split()]
    return root, [str(engines / vite / "bin" / "vite.js"), *args.split()]


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_as_vite_loads_it(case, node26, engines_node_modules, vitest_engine, tmp_path):
    root, command = _project(tmp_path, engines_node_modules, case, vitest_engine)
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), *command], cwd=root, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, NO_COLOR="1"))
    out = proc.stdout + proc.stderr
    loaded = proc.returncode == 0
    assert loaded or "failed to load config" in out, out
    errors = [f for f in project.findings if f.severity == "error"]
    assert bool(errors) is not loaded, (out, [(f.path.name, f.code, f.message) for f in project.findings])
    name = CASES[case][1]
    if loaded:
        # (nothing waits for the configuration but Vite: no async-import in it, nor in what only it imports)
        assert not [f for f in project.findings if f.code == "async-import"], project.findings
        return
    (f,) = errors
    assert f.path.name in (Path(name).name, "plugins.ts", "value.ts"), f
    tool = "Vitest" if name.startswith("vitest.") else "Vite"
    if "ERR_REQUIRE_ASYNC_MODULE" in out:
        assert f.code == "require-async", f.message
        assert "Node throws ERR_REQUIRE_ASYNC_MODULE" in f.message
    else:
        refusal = ('Top-level await is currently not supported with the "cjs" output format' if "vite7" in case
                   else 'Module format "cjs" does not support top-level await')
        assert refusal in out, out
        assert f"(\"{refusal}\"): {tool} fails to load its configuration" in f.message, f.message
    assert f"{tool}'s CommonJS bundle of its configuration ({name}, " in f.message, f.message
    ext = ".mts" if name.endswith((".ts", ".cts")) else ".mjs"
    assert f"name the file `{name.rsplit('.', 1)[0]}{ext}`" in f.message, f.message
    # (a .cts file is CommonJS by its name, whatever the package says: only the new name helps)
    assert ('"type": "module"' in f.message) is not name.endswith(".cts"), f.message


def test_renamed_configuration_loads(node26, engines_node_modules, tmp_path):
    """The message's way out: the same file named vite.config.mts loads (an ES module)."""
    root, command = _project(tmp_path, engines_node_modules, "cjs-async-package")
    (root / "vite.config.ts").rename(root / "vite.config.mts")
    (root / "vite.config.mts").write_text(TLA.replace("export default", "export const y =") + ASYNC_IMPORT)
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.severity in ("error", "warning")], project.findings
    proc = subprocess.run([str(node26), *command], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (info,) = [f for f in project.findings if f.code == "top-level-await"]
    assert info.message.endswith("Vite bundles vite.config.mts as an ES module (by its extension) and loads it "
                                 "with import(), so nothing else waits for it"), info.message


def test_print_config_says_how_vite_loads_it(engines_node_modules, tmp_path):
    import sys
    for case, loaded_with in (("cjs-async-package", "require()"), ("esm-by-type", "import()")):
        root, _ = _project(tmp_path / case, engines_node_modules, case)
        r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                           capture_output=True, text=True, timeout=120)
        (shown,) = json.loads(r.stdout)["viteConfigs"]
        assert shown["file"] == "vite.config.ts" and shown["loadedWith"] == loaded_with, shown


def test_a_file_the_app_imports_too_is_still_reported(engines_node_modules, vitest_engine, tmp_path):
    """tools/plugins.ts, imported by the configuration and by the app's own module: the app
    waits for it, so its import of the async package is reported (not the configuration's)."""
    root, _ = _project(tmp_path, engines_node_modules, "esm-through-a-local-file", vitest_engine)
    (root / "src/main.js").write_text("import { plugin } from '../tools/plugins';\nconsole.log(plugin);\n")
    project = analyse(root, Config(), cache=False)
    reported = {(f.path.relative_to(root).as_posix(), f.code) for f in project.findings if f.severity == "warning"}
    assert ("tools/plugins.ts", "async-import") in reported and ("src/main.js", "async-import") in reported
    assert not [c for p, c in reported if p == "vite.config.ts"], reported
