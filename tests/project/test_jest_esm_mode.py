"""Jest's ES module mode (`--experimental-vm-modules`): Jest loads a file as an ES module by its
own rule (`.mjs`; `.js` under `"type": "module"`; an extension `extensionsToTreatAsEsm` lists)
and every other one as CommonJS. A test file fails to run where a module Jest loads as CommonJS
has a top-level await (it does not compile), or require()s an ES module whose graph waits
(ERR_REQUIRE_ASYNC_MODULE); ES modules all the way to the await load as in Node. Held to Jest 30
running the suites (its npm script run as npm runs it, Node 26, babel-jest with preset-env)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_jest_commonjs import jest_results

WAIT = "export const db = await Promise.resolve({ ok: true });\n"


def _suite(name: str, spec: str, check: str = "true") -> str:
    return f'import {{ {name} }} from "{spec}";\ntest("t", () => {{ expect({check}).toBe(true); }});\n'


SOURCES = {
    # CommonJS for Jest (a .js file, no "type"): its await does not compile
    "src/db.js": WAIT,
    "src/plain.js": "export const plain = true;\n",
    # CommonJS with no await of its own, importing an ES module that waits
    "src/mid.js": 'import { db } from "../esm/db.js";\nexport const mid = db;\n',
    # ES modules for Jest ("type": "module")
    "esm/package.json": '{"type": "module"}\n',
    "esm/db.js": WAIT,
    "esm/repo.js": 'import { db } from "./db.js";\nexport const repo = db;\n',
    "esm/uses-cjs.js": 'import { db } from "../src/db.js";\nexport const uses = db;\n',
    # the test files
    "src/a.test.js": _suite("repo", "../esm/repo.js", "repo.ok"),      # CJS require()s a waiting ES graph
    "src/b.test.js": _suite("db", "./db.js", "db.ok"),                 # CJS loads a CJS module with an await
    "esm/c.test.js": _suite("repo", "./repo.js", "repo.ok"),           # ES modules all the way: passes
    "esm/d.test.js": _suite("uses", "./uses-cjs.js", "uses.ok"),       # ES, but the await is in a CJS module
    "src/e.test.mjs": _suite("db", "./db.js", "db.ok"),                # .mjs: ES; db.js: CJS
    "src/f.test.jsx": _suite("repo", "../esm/repo.js", "repo.ok"),     # extensionsToTreatAsEsm: passes
    "src/g.test.js": _suite("plain", "./plain.js", "plain"),           # nothing waits: passes
    "esm/h.test.js": _suite("mid", "../src/mid.js", "mid.ok"),         # CJS mid.js require()s esm/db.js
    "esm/own.test.js": 'const v = await Promise.resolve(2);\ntest("own", () => { expect(v).toBe(2); });\n',
    "src/own.test.js": 'const v = await Promise.resolve(2);\ntest("own", () => { expect(v).toBe(2); });\n',
}
FAILING = {"src/a.test.js", "src/b.test.js", "esm/d.test.js", "src/e.test.mjs", "esm/h.test.js", "src/own.test.js"}


def _project(tmp_path: Path, engines: Path) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "app"
    for rel, text in SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "package.json").write_text(json.dumps({
        "name": "app", "version": "1.0.0",
        "scripts": {"test": "NODE_OPTIONS=--experimental-vm-modules jest"},
        "jest": {"extensionsToTreatAsEsm": [".jsx"]}}, indent=2))
    # babel-jest compiles what Jest loads as CommonJS (preset-env follows Jest's caller: ES modules
    # stay ES modules)
    (root / "babel.config.json").write_text('{"presets": [["@babel/preset-env", {"targets": {"node": "current"}}]]}\n')
    (root / "node_modules/@babel").mkdir(parents=True)
    (root / "node_modules/@babel/preset-env").symlink_to(engines / "@babel/preset-env")
    return root


def test_es_module_mode_as_jest_runs_it(node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, engines_node_modules)
    status = jest_results(root, node26, engines_node_modules)
    tests = {rel for rel in SOURCES if ".test." in rel}
    assert set(status) == tests, status
    failed = {rel for rel, (s, _) in status.items() if s == "failed"}
    assert failed == FAILING, status
    # the two ways Jest fails, as the messages say
    assert "ERR_REQUIRE_ASYNC_MODULE" in status["src/a.test.js"][1] or \
        "require() cannot be used to load ES Module" in status["src/a.test.js"][1]
    assert "await is only valid" in status["src/b.test.js"][1]

    project = analyse(root, Config(), cache=False)
    errors = {str(f.path.relative_to(root)) for f in project.findings if f.code == "require-async"}
    noted = {str(f.path.relative_to(root)) for f in project.findings
             if f.code == "top-level-await" and "Jest (script `test` of package.json)" in f.message}
    # every suite that fails has an error at its import, or its own top-level await says so
    assert errors | (noted & tests) == failed
    assert errors == failed - {"src/own.test.js"}
    # a module Jest loads as CommonJS has its await noted; an ES module's is not
    assert "src/db.js" in noted and "esm/db.js" not in noted and "esm/own.test.js" not in noted

    by_file = {str(f.path.relative_to(root)): f for f in project.findings if f.code == "require-async"}
    a = by_file["src/a.test.js"].message
    assert a.startswith("Jest (script `test` of package.json) runs this test file as CommonJS (in its ES module "
                        "mode, a `.js` file is an ES module only under a package.json with `\"type\": \"module\"`): "
                        "this import becomes `require(\"../esm/repo.js\")`"), a
    assert "its require() of `esm/repo.js`, an ES module with a top-level await in its graph, throws " \
           "ERR_REQUIRE_ASYNC_MODULE" in a, a
    b = by_file["src/b.test.js"].message
    assert "a top-level await does not compile as CommonJS" in b, b
    d = by_file["esm/d.test.js"].message
    assert "runs this test file in its ES module mode" in d and "Jest loads `src/db.js` of its graph as CommonJS" \
        in d and "does not compile" in d, d
    h = by_file["esm/h.test.js"].message
    assert "Jest loads `src/mid.js` of its graph as CommonJS" in h and \
        "its require() of `esm/db.js`, an ES module with a top-level await in its graph" in h, h
    # the ES module view is as in Node: the passing suites import async modules, as warned
    assert [f.code for f in project.findings if str(f.path.relative_to(root)) == "esm/c.test.js"] == ["async-import"]

    from tla_lens.report.explain import explain

    assert "loads it as CommonJS from test files such as" in explain(project, root / "src/db.js")
    assert "Jest" not in explain(project, root / "esm/db.js")
    assert "runs this test file in its ES module mode, but loads src/mid.js of its graph (through '../src/mid.js') " \
           "as CommonJS: its require() of esm/db.js, an ES module whose graph waits, throws ERR_REQUIRE_ASYNC_MODULE" \
        in explain(project, root / "esm/h.test.js")
    assert "Jest" not in explain(project, root / "esm/c.test.js")


def test_print_config_and_presets(tmp_path):
    root = tmp_path / "p"
    (root / "unit").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {
        "test": "NODE_OPTIONS=--experimental-vm-modules jest",
        "test:ts": "NODE_OPTIONS=--experimental-vm-modules jest -c unit/jest.config.json",
        "test:cjs": "jest -c unit/jest.config.json",
        "test:other": "NODE_OPTIONS=--experimental-vm-modules jest -c unit/other.json"}}))
    (root / "unit/other.json").write_text('{"preset": "jest-preset-nowhere"}')
    (root / "jest.config.js").write_text('export default { extensionsToTreatAsEsm: [".ts"], preset: "ts-jest" };\n')
    (root / "unit/jest.config.json").write_text('{"preset": "ts-jest/presets/default-esm"}')
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["jestRuns"] == [
        {"file": "package.json", "script": "test", "esModules": True, "extensionsToTreatAsEsm": [".ts"],
         "config": "jest.config.js"},
        # (ts-jest's ES module preset: what it sets)
        {"file": "package.json", "script": "test:ts", "esModules": True,
         "extensionsToTreatAsEsm": [".ts", ".tsx", ".mts"], "config": "unit/jest.config.json"},
        {"file": "package.json", "script": "test:cjs", "esModules": False,
         "extensionsToTreatAsEsm": [".ts", ".tsx", ".mts"], "config": "unit/jest.config.json"},
        # (a preset not found, or not written as literals: in ES module mode the run is not modelled)
        {"file": "package.json", "script": "test:other", "esModules": True, "config": "unit/other.json",
         "notRead": "unit/other.json: its `preset` may set `extensionsToTreatAsEsm` (the preset "
                    "`jest-preset-nowhere` is not found)"}]


def test_lazy_import_fix_where_jest_loads_es_modules(node26, engines_node_modules, tmp_path):
    """In Jest's ES module mode an import() loads an ES module graph as Node does, even from a
    test file it runs as CommonJS: the lazy import() fix is offered where that graph has no
    module Jest loads as CommonJS, and the fixed suite passes; not where the await is in one."""
    from tla_lens.fixes import lazy_import
    from tla_lens.fixes.edits import apply_edits

    root = _project(tmp_path, engines_node_modules)
    project = analyse(root, Config(), cache=False)
    helps = {}
    for rel in ("src/a.test.js", "src/b.test.js", "esm/h.test.js"):
        mod = project.modules[root / rel]
        (edge,) = mod.edges
        helps[rel] = project.lazy_import_helps(edge)
    # a.test.js: CommonJS, its graph ES modules; b.test.js: the await is in db.js (CommonJS for
    # Jest); h.test.js: mid.js is CommonJS for Jest
    assert helps == {"src/a.test.js": True, "src/b.test.js": False, "esm/h.test.js": False}
    said = {str(f.path.relative_to(root)) for f in project.findings
            if f.code == "require-async" and "or load it with `await import(" in f.message}
    assert said == {"src/a.test.js"}
    mod = project.modules[root / "src/a.test.js"]
    (root / "src/a.test.js").write_bytes(apply_edits(mod.source, lazy_import(mod.source, mod.facts.dialect, 0).edits))
    assert "await import(" in (root / "src/a.test.js").read_text()
    assert not [f for f in analyse(root, Config(), cache=False).findings
                if f.code == "require-async" and f.path.name == "a.test.js"]
    assert jest_results(root, node26, engines_node_modules)["src/a.test.js"][0] == "passed"


def test_ts_jest_presets_are_what_ts_jest_sets(node26, engines_node_modules):
    """The presets' `extensionsToTreatAsEsm` as tla-lens takes them, against ts-jest's own preset
    modules (loaded by Node)."""
    from tla_lens.resolve.jest import _TS_JEST_PRESETS

    script = ("const r = {}; for (const n of JSON.parse(process.argv[1])) r[n] = require(require.resolve("
              "n === 'ts-jest' ? 'ts-jest/jest-preset' : n + '/jest-preset')).extensionsToTreatAsEsm ?? []; "
              "console.log(JSON.stringify(r));")
    proc = subprocess.run([str(node26), "-e", script, json.dumps(list(_TS_JEST_PRESETS))], cwd=engines_node_modules,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert {k: tuple(v) for k, v in json.loads(proc.stdout).items()} == _TS_JEST_PRESETS


PRESET_CASES = {
    # (the configuration's preset, a preset file of the project's (None: none), the suite passes)
    "ts-jest-esm": ("ts-jest/presets/default-esm", None, True),
    "ts-jest": ("ts-jest", None, False),
    "ts-jest-js-with-ts-esm": ("ts-jest/presets/js-with-ts-esm", None, True),
    "own-json": ("./tools/esm-preset.json", {"extensionsToTreatAsEsm": [".ts"], "transform": {
        "^.+\\.tsx?$": ["ts-jest", {"useESM": True}]}}, True),
    "own-json-commonjs": ("./tools/esm-preset.json", {"transform": {"^.+\\.tsx?$": ["ts-jest", {}]}}, False),
}


@pytest.mark.parametrize("case", list(PRESET_CASES))
def test_a_preset_decides_what_jest_loads_as_es_modules(case, node26, engines_node_modules, tmp_path):
    """In Jest's ES module mode a TypeScript test file is an ES module only where
    `extensionsToTreatAsEsm` lists `.ts`, which a preset may set: ts-jest's ES module presets do,
    as may a preset file of the project's. Held to Jest 30 with ts-jest 29.4."""
    preset, own, passes = PRESET_CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "app"
    (root / "src").mkdir(parents=True)
    (root / "node_modules/@jest").mkdir(parents=True)
    for name in ("ts-jest", "typescript", "@jest/globals"):
        (root / "node_modules" / name).symlink_to(engines_node_modules / name)
    (root / "package.json").write_text(json.dumps({
        "name": "app", "version": "1.0.0", "type": "module",
        "scripts": {"test": "NODE_OPTIONS=--experimental-vm-modules jest"}, "jest": {"preset": preset}}))
    if own is not None:
        (root / "tools").mkdir()
        (root / "tools/esm-preset.json").write_text(json.dumps(own))
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "module": "ESNext", "target": "ES2022", "moduleResolution": "bundler", "strict": True, "types": []}}))
    (root / "src/config.ts").write_text("export const port: number = await Promise.resolve(1);\n")
    (root / "src/a.test.ts").write_text('import { test, expect } from "@jest/globals";\n'
                                        'import { port } from "./config";\n'
                                        'test("t", () => { expect(port).toBe(1); });\n')
    status = jest_results(root, node26, engines_node_modules)
    assert status["src/a.test.ts"][0] == ("passed" if passes else "failed"), status
    project = analyse(root, Config(), cache=False)
    errors = [f for f in project.findings if f.severity == "error"]
    if passes:
        assert not errors, [f.message for f in errors]
        return
    assert {(f.path.name, f.code) for f in errors} == {("a.test.ts", "require-async"), ("config.ts", "top-level-await")}
    said = next(f for f in errors if f.code == "require-async").message
    assert said.startswith("Jest (script `test` of package.json) runs this test file as CommonJS (in its ES module "
                           "mode, `.ts` is not in `extensionsToTreatAsEsm`)"), said
