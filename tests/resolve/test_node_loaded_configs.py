"""Configurations Node loads itself for their tool (Prettier's, Jest's, webpack-cli's, ESLint's
JavaScript ones, Next.js's next.config.js/.mjs/.mts, Svelte's, Vite's under `--configLoader
native`): Node resolves their relative imports, and those of the ES modules and TypeScript they
load, as written — no extension added, no index file, no `.js` mapped to `.ts` — so an
extensionless `./shared` fails the tool with ERR_MODULE_NOT_FOUND, and tla-lens says so (an
unresolved-import naming the file to import). Where a bundler or compiler loads the
configuration (ESLint's TypeScript through jiti, next.config.ts through SWC, Vite's default
loader, a CommonJS one's require()), the same import works and nothing is said. Each case held
to the tool itself under Node 26."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_svelte_config import _loaders_say

REPO = Path(__file__).resolve().parents[2]
PROBE = REPO / "tests" / "resolve" / "next_config_probe.mjs"

JS = "import { v } from './shared';\nexport default VALUE;\n"
CJS = "const { v } = require('./shared');\nmodule.exports = VALUE;\n"
# the configuration each tool takes (its value uses the import, so that the tool would fail on it)
VALUES = {
    "prettier": "{ semi: v !== 1 }",
    "jest": "{ testMatch: ['**/*.check' + v + '.js'] }",
    "webpack": "{ mode: 'none', entry: './a.js', name: 'app' + v }",
    "eslint": "[{ name: 'app' + v, rules: {} }]",
    "next": "{ env: { V: 'v' + v } }",
    "svelte": "{ kit: { appDir: 'app' + v } }",
    "vite": "{ define: { V: JSON.stringify('v' + v) } }",
}
# case: (tool, package.json "type", configuration, its text (JS: an ES module, CJS), how the npm
# scripts run the tool, does Node load it itself (None: a loader the tool picks))
CASES = {
    "prettier-mjs": ("prettier", None, "prettier.config.mjs", JS, None, True),
    "prettier-js-detected": ("prettier", None, "prettier.config.js", JS, None, True),  # (module syntax)
    "prettier-ts": ("prettier", None, "prettier.config.ts", JS, None, True),
    "jest-js": ("jest", "module", "jest.config.js", JS, None, True),
    "jest-mjs": ("jest", None, "jest.config.mjs", JS, None, True),
    "jest-ts": ("jest", None, "jest.config.ts", JS, None, True),
    "jest-mts": ("jest", None, "jest.config.mts", JS, None, True),
    # (Node takes its import syntax for CommonJS's SyntaxError: Jest falls back to ts-node, not Node's resolution)
    "jest-ts-commonjs-package": ("jest", "commonjs", "jest.config.ts", JS, None, None),
    "webpack-mjs": ("webpack", None, "webpack.config.mjs", JS, None, True),
    "webpack-js": ("webpack", "module", "webpack.config.js", JS, None, True),
    "webpack-mts": ("webpack", None, "webpack.config.mts", JS, None, True),
    "webpack-cjs-require": ("webpack", None, "webpack.config.js", CJS, None, False),
    "eslint-mjs": ("eslint", None, "eslint.config.mjs", JS, None, True),
    "eslint-js": ("eslint", "module", "eslint.config.js", JS, None, True),
    "eslint-ts-jiti": ("eslint", "module", "eslint.config.ts", JS, None, False),
    "next-mjs": ("next", None, "next.config.mjs", JS, None, True),
    "next-mts": ("next", None, "next.config.mts", JS, None, True),
    "next-js": ("next", "module", "next.config.js", JS, None, True),
    "next-ts-swc": ("next", None, "next.config.ts", JS, None, False),
    "svelte-js": ("svelte", "module", "svelte.config.js", JS, None, True),
    "svelte-ts": ("svelte", "module", "svelte.config.ts", JS, None, True),
    "vite-native": ("vite", "module", "vite.config.js", JS, "vite build --configLoader native", True),
    "vite-bundled": ("vite", "module", "vite.config.js", JS, "vite build", False),
}
SCRIPTS = {"prettier": "prettier --check a.js", "jest": "jest", "webpack": "webpack", "eslint": "eslint .",
           "next": "next build", "svelte": "vite build", "vite": "vite build"}
DEPENDENCIES = {"svelte": {"@sveltejs/kit": "^2.70.0"}}


def _load(tool: str, node26: Path, engines: Path, root: Path, script: str) -> tuple[bool, str]:
    """Does the tool load the configuration of ``root`` (and what it said)?"""
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(node26), *args], cwd=root, capture_output=True, text=True, timeout=180)
    if tool == "svelte":
        said = _loaders_say(node26, engines, root)
        return "ok" in said["kit"], json.dumps(said)
    if tool == "next":
        proc = run(str(PROBE), str(REPO / "tests/engines/next/node_modules"), str(root))
        return json.loads(proc.stdout.strip().splitlines()[-1])["loaded"], proc.stdout
    command = {
        "prettier": [str(engines / "prettier/bin/prettier.cjs"), "a.js"],
        "jest": [str(engines / "jest/bin/jest.js"), "--showConfig"],
        "webpack": [str(engines / "webpack-cli/bin/cli.js"), "configtest"],
        "eslint": [str(REPO / "tests/engines/eslint/node_modules/eslint/bin/eslint.js"), "--print-config", "a.js"],
        "vite": [str(engines / "vite/bin/vite.js"), *script.split()[1:], "--logLevel", "error"],
    }[tool]
    proc = run(*command)
    return proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_relative_import_as_node_resolves_it(case, node26, engines_node_modules, eslint_engine, next_engine,
                                             workspace, tmp_path):
    tool, kind, name, text, script, by_node = CASES[case]
    ts = name.endswith("ts")
    manifest = {"name": "app", "private": True, "scripts": {"go": script or SCRIPTS[tool]},
                "devDependencies": {tool: "*", **DEPENDENCIES.get(tool, {})}, **({"type": kind} if kind else {})}
    shared = "shared.ts" if ts else "shared.js"
    root = workspace({"package.json": json.dumps(manifest), name: text.replace("VALUE", VALUES[tool]),
                      shared: "export const v = 1;\n" if kind == "module" or ts or text is JS
                      else "exports.v = 1;\n", "a.js": "export const a = 1;\n",
                      "index.html": '<script type="module" src="/a.js"></script>\n'}, tmp_path / "app")
    loaded, out = _load(tool, node26, engines_node_modules, root, script or SCRIPTS[tool])
    project = analyse(root, Config(), cache=False)
    unresolved = [f for f in project.findings if f.code == "unresolved-import"]
    assert project.config_loading(root / name) is not None  # (read as its tool's configuration)
    if by_node is None:  # (a loader of the tool's: here ts-node, not installed)
        assert not loaded and "'ts-node' is required" in out, out
        assert not unresolved, [f.message for f in unresolved]
        return
    if not by_node:
        assert loaded, out
        assert not unresolved, [f.message for f in unresolved]
        return
    assert not loaded, out
    # (Jest words a .mts one's failure its own way; Node's ERR_MODULE_NOT_FOUND is its cause)
    assert "Cannot find module" in out or "ERR_MODULE_NOT_FOUND" in out or case == "jest-mts" and "requires native TypeScript support" in out, out
    (f,) = unresolved
    assert f.path.name == name, f.message
    assert "finds no `./shared`" in f.message and "ERR_MODULE_NOT_FOUND" in f.message, f.message
    assert f"{shared} is what" in f.message, f.message
    # respelled as tla-lens would, the tool loads it
    (edge,) = [e for e in project.modules[root / name].edges if e.specifier == "./shared"]
    spelled = project.node_spelling(edge)
    assert spelled == f"./{shared}"
    (root / name).write_text(text.replace("VALUE", VALUES[tool]).replace("'./shared'", f"'{spelled}'"))
    loaded, out = _load(tool, node26, engines_node_modules, root, script or SCRIPTS[tool])
    assert loaded, out
    again = analyse(root, Config(), cache=False)
    assert not [f for f in again.findings if f.code == "unresolved-import"]


def test_a_file_the_configuration_loads(node26, engines_node_modules, workspace, tmp_path):
    """Node resolves the imports of the ES modules the configuration loads the same way: the
    extensionless import one level down is the one reported; the file stays one only the
    configuration loads (no async-import on its import of an async module)."""
    manifest = {"name": "app", "private": True, "scripts": {"fmt": "prettier --check ."}}
    root = workspace({"package.json": json.dumps(manifest),
                      "prettier.config.mjs": "import { semi } from './config/base.mjs';\nexport default { semi };\n",
                      "config/base.mjs": "import { off } from './flags';\nexport const semi = !off;\n",
                      "config/flags.mjs": "export const off = await Promise.resolve(true);\n",
                      "a.js": "export const a = 1;\n"}, tmp_path / "app")
    proc = subprocess.run([str(node26), str(engines_node_modules / "prettier/bin/prettier.cjs"), "a.js"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "Cannot find module" in proc.stderr and "config/flags" in proc.stderr, proc.stderr
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "unresolved-import"]
    assert f.path == root / "config/base.mjs" and "Prettier loads prettier.config.mjs" in f.message, f.message
    assert project.config_loading(root / "config/base.mjs") == ("import()", "")
    (root / "config/base.mjs").write_text("import { off } from './flags.mjs';\nexport const semi = !off;\n")
    proc = subprocess.run([str(node26), str(engines_node_modules / "prettier/bin/prettier.cjs"), "a.js"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout == "export const a = 1\n", proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.severity in ("error", "warning") or f.code == "unresolved-import"]
    assert project.modules[root / "prettier.config.mjs"].is_async


def test_a_file_the_configuration_shares_with_the_app(workspace, tmp_path):
    """A TypeScript file both a configuration Node loads (prettier.config.ts) and the app's
    bundler load keeps the app's elision: its import used only as a type loads nothing in the
    bundle (the elision is held to the compilers in tests/project/), so the app is not async
    through it; its relative imports are still resolved as Node resolves them."""
    manifest = {"name": "app", "private": True, "type": "module", "scripts": {"fmt": "prettier --check .",
                                                                             "build": "vite build"}}
    root = workspace({"package.json": json.dumps(manifest),
                      "prettier.config.ts": "import { width } from './src/shared.ts';\n"
                                            "export default { printWidth: width };\n",
                      "index.html": '<script type="module" src="/src/main.ts"></script>\n',
                      "src/main.ts": "import { width } from './shared';\nconsole.log(width);\n",
                      "src/shared.ts": "import { Schema } from './schema.ts';\nexport const width: number = 80;\n"
                                       "export type S = Schema;\n",
                      "src/schema.ts": "export interface Schema { a: string }\n"
                                       "export const loaded = await Promise.resolve(true);\n"}, tmp_path / "app")
    project = analyse(root, Config(), cache=False)
    assert not project.modules[root / "src/main.ts"].is_async
    assert not [f for f in project.findings if f.severity in ("error", "warning")], \
        [(f.path.name, f.code, f.message) for f in project.findings]
    assert root / "src/shared.ts" in project.node_strict and root / "src/shared.ts" not in project.node_run
