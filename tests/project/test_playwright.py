"""Playwright Test compiles a test file into CommonJS unless the file is an ES module by its kind
(`.mts`/`.mjs`, or `"type": "module"`), and with it everything that file loads: a top-level await
there does not compile, Playwright cannot load the test file, and the run stops before any test
runs. Held to @playwright/test 1.65 listing each test file (`playwright test FILE --list`: no
browser needed) under Node 26, and to the files it lists for a configuration's `testDir`,
`testMatch`, `testIgnore`, `projects` and a script's `--project` and filters."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

WAIT = "export const db = await Promise.resolve(1);\n"


def _spec(spec: str, name: str) -> str:
    return (f"import {{ test, expect }} from '@playwright/test';\nimport {{ {name} }} from '{spec}';\n"
            f"test('t', () => {{ expect({name}).toBe(1); }});\n")


SOURCES = {
    "db.ts": WAIT,                                            # CommonJS for Playwright (no "type")
    "repo.ts": 'import { db } from "./db";\nexport const repo = db;\n',
    "plain.ts": "export const plain = 1;\n",
    "s.mjs": "export const s = 1;\n",
    "mid.ts": 'import { db } from "./esm/db";\nexport const mid = db;\n',  # CommonJS, loads an ES module
    "esm/package.json": '{"type": "module"}\n',
    "esm/db.ts": WAIT,
    "esm/repo.ts": 'import { db } from "./db";\nexport const repo = db;\n',
    "tests/a.spec.ts": _spec("../repo", "repo"),       # compiled: the await in db.ts fails
    "tests/b.spec.ts": _spec("../plain", "plain"),     # nothing waits
    "tests/c.spec.mts": _spec("../esm/repo", "repo"),  # ES modules all the way: loads
    "tests/d.spec.mts": _spec("../db", "db"),          # an ES module, but db.ts is compiled
    "tests/e.spec.mts": _spec("../mid", "mid"),        # mid.ts is compiled, and esm/db.ts with it
    "tests/f.spec.ts": _spec("../s.mjs", "s"),         # compiled, loads a module without an await
    "esm/g.spec.ts": _spec("./repo", "repo"),          # an ES module ("type": "module")
}
FAILING = {"tests/a.spec.ts", "tests/d.spec.mts", "tests/e.spec.mts"}


def _env(node26: Path, engines: Path) -> dict:
    return dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}")


def _write(root: Path, files: dict, engines: Path) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "node_modules/@playwright").mkdir(parents=True)
    (root / "node_modules/@playwright/test").symlink_to(engines / "@playwright/test")


def _listed(root: Path, command: str, env: dict) -> dict:
    proc = subprocess.run(["sh", "-c", f"{command} --list --reporter=json"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.stdout.strip().startswith("{"), proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def test_test_files_load_as_playwright_loads_them(node26, engines_node_modules, tmp_path):
    root = Path(os.path.realpath(tmp_path)) / "app"
    _write(root, SOURCES, engines_node_modules)
    (root / "package.json").write_text(json.dumps({"name": "app", "scripts": {"e2e": "playwright test"}}))
    env = _env(node26, engines_node_modules)
    tests = {rel for rel in SOURCES if ".spec." in rel}
    # (one file at a time: a file Playwright cannot load stops the whole run)
    failing = {rel for rel in tests if _listed(root, f"playwright test {rel}", env)["errors"]}
    assert failing == FAILING
    assert "await is only valid" in _listed(root, "playwright test tests/a.spec.ts", env)["errors"][0]["message"]

    project = analyse(root, Config(), cache=False)
    assert {str(p.relative_to(root)) for p in project.runner_tests} == tests
    errors = {str(f.path.relative_to(root)): f.message for f in project.findings if f.code == "require-async"}
    assert set(errors) == FAILING
    assert errors["tests/a.spec.ts"].startswith(
        "Playwright Test (script `e2e` of package.json) compiles this test file into CommonJS (a `.ts` file under a "
        "package.json without `\"type\": \"module\"`), with everything it loads: this import becomes "
        "`require(\"../repo\")`")
    assert "the run stops before any test runs" in errors["tests/a.spec.ts"]
    assert "loads this test file as an ES module" in errors["tests/e.spec.mts"] and \
        "it compiles `mid.ts` of its graph into CommonJS" in errors["tests/e.spec.mts"]
    # the awaits a compiled file loads say so; the ES module view is as in Node
    noted = {str(f.path.relative_to(root)) for f in project.findings
             if f.code == "top-level-await" and "Playwright Test" in f.message}
    assert noted == {"db.ts", "esm/db.ts"}
    assert [f.code for f in project.findings if str(f.path.relative_to(root)) == "tests/c.spec.mts"] == \
        ["async-import"]
    # no lazy import() fix offered where the test file is compiled (Playwright compiles it too)
    from tla_lens.report.explain import explain

    assert "Playwright Test (script `e2e` of package.json) compiles this test file into CommonJS" in \
        explain(project, root / "tests/a.spec.ts")
    assert "loads this test file as an ES module, but compiles mid.ts of its graph (through '../mid') into " \
           "CommonJS, with everything it loads: the top-level await of esm/db.ts does not compile there" in \
        explain(project, root / "tests/e.spec.mts")
    assert "Playwright" not in explain(project, root / "tests/c.spec.mts")


CONFIG = """\
import { defineConfig, devices } from '@playwright/test';
import path from 'node:path';

export default defineConfig({
  testDir: path.join(__dirname, 'e2e'),
  testIgnore: ['**/skip/**', /legacy/],
  projects: [
    { name: 'setup', testMatch: /global\\.setup\\.ts/, teardown: 'cleanup' },
    { name: 'cleanup', testMatch: /global\\.teardown\\.ts/ },
    { name: 'chromium', use: { ...devices['Desktop Chrome'] }, dependencies: ['setup'] },
    { name: 'api', testDir: './api', testMatch: '**/*.check.ts' },
    { name: 'slow', default: false, testMatch: '**/*.slow.ts' },
  ],
});
"""
LAYOUT = ["e2e/a.spec.ts", "e2e/b.test.js", "e2e/global.setup.ts", "e2e/global.teardown.ts", "e2e/skip/c.spec.ts", "e2e/legacy-d.spec.ts",
          "e2e/deep/e.spec.mts", "e2e/f.slow.ts", "e2e/node_modules/x/g.spec.ts", "api/h.check.ts", "api/i.spec.ts",
          "src/j.spec.ts"]


@pytest.mark.parametrize("script", ["playwright test", "npx playwright test --project=chromium --reporter line",
                                    "playwright test --project api --project Slow", "playwright test deep api/",
                                    "playwright test -c pw.config.ts", "playwright test --project chromium --no-deps"])
def test_the_test_files_are_those_playwright_lists(script, node26, engines_node_modules, tmp_path):
    root = Path(os.path.realpath(tmp_path)) / "app"
    _write(root, {rel: "import { test } from '@playwright/test';\ntest('t', () => {});\n" for rel in LAYOUT},
           engines_node_modules)
    (root / "playwright.config.ts").write_text(CONFIG)
    (root / "pw.config.ts").write_text("export default { testMatch: /j\\.spec/ };\n")
    (root / "package.json").write_text(json.dumps({"name": "app", "scripts": {"e2e": script}}))
    env = _env(node26, engines_node_modules)
    report = _listed(root, script.replace("--reporter line", ""), env)
    assert not report["errors"], report["errors"]

    def files(suites):
        for s in suites:
            if s.get("specs"):
                yield s["file"]
            yield from files(s.get("suites", ()))

    theirs = {str(Path(report["config"]["rootDir"], f).resolve().relative_to(root)) for f in files(report["suites"])}
    assert theirs, report
    project = analyse(root, Config(), cache=False)
    # (beside the test files: the configuration, which Playwright loads as it loads them)
    assert {str(p.relative_to(root)) for p in project.runner_tests if p not in project.runner_config} == theirs
    assert {p.name for p in project.runner_config} == {"pw.config.ts" if "-c" in script else "playwright.config.ts"}


def test_print_config_lists_the_runs(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "scripts": {
        "e2e": "playwright test --project=chromium", "e2e:odd": "playwright test -c odd.config.js",
        "ct": "playwright test -c playwright-ct.config.ts"}}))
    (tmp_path / "playwright.config.ts").write_text(CONFIG)
    (tmp_path / "odd.config.js").write_text("module.exports = makeConfig();\n")
    # component testing: components are bundled by Vite for the browser, not loaded by Node
    (tmp_path / "playwright-ct.config.ts").write_text(
        "import { defineConfig } from '@playwright/experimental-ct-react';\nexport default defineConfig({});\n")
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["playwrightRuns"] == [
        {"file": "package.json", "script": "e2e", "config": "playwright.config.ts", "project": "setup",
         "testDir": "e2e", "testMatch": ["/global\\.setup\\.ts/"], "testIgnore": ["**/skip/**", "/legacy/"]},
        {"file": "package.json", "script": "e2e", "config": "playwright.config.ts", "project": "cleanup",
         "testDir": "e2e", "testMatch": ["/global\\.teardown\\.ts/"], "testIgnore": ["**/skip/**", "/legacy/"]},
        {"file": "package.json", "script": "e2e", "config": "playwright.config.ts", "project": "chromium",
         "testDir": "e2e", "testIgnore": ["**/skip/**", "/legacy/"]},
        {"file": "package.json", "script": "e2e:odd", "config": "odd.config.js",
         "notRead": "odd.config.js: its configuration is not an object literal"},
        {"file": "package.json", "script": "ct", "config": "playwright-ct.config.ts",
         "notRead": "playwright-ct.config.ts: component testing (@playwright/experimental-ct-…) is not modelled"}]


def test_lazy_import_fix_where_playwright_loads_es_modules(node26, engines_node_modules, tmp_path):
    """An import() in a test file Playwright compiles into CommonJS still loads an ES module
    graph as Node does: the lazy import() fix is offered where nothing of that graph is
    CommonJS for Playwright, and the fixed test file loads; not where the await is compiled."""
    from tla_lens.fixes import lazy_import
    from tla_lens.fixes.edits import apply_edits

    root = Path(os.path.realpath(tmp_path)) / "app"
    lazy = ("import { test, expect } from '@playwright/test';\nimport { repo } from '../esm/repo';\n\n"
            "test('t', async () => {\n  expect(repo).toBe(1);\n});\n")
    _write(root, {**SOURCES, "tests/h.spec.ts": lazy}, engines_node_modules)
    (root / "package.json").write_text(json.dumps({"name": "app", "scripts": {"e2e": "playwright test"}}))
    env = _env(node26, engines_node_modules)
    assert _listed(root, "playwright test tests/h.spec.ts", env)["errors"]  # (as written, it fails)
    project = analyse(root, Config(), cache=False)
    h, a = project.modules[root / "tests/h.spec.ts"], project.modules[root / "tests/a.spec.ts"]
    assert project.lazy_import_helps(h.edges[1]) and not project.lazy_import_helps(a.edges[1])
    (root / "tests/h.spec.ts").write_bytes(apply_edits(h.source, lazy_import(h.source, h.facts.dialect, 1).edits))
    assert "await import(" in (root / "tests/h.spec.ts").read_text()
    assert not _listed(root, "playwright test tests/h.spec.ts", env)["errors"]
    assert not [f for f in analyse(root, Config(), cache=False).findings
                if f.code == "require-async" and f.path.name == "h.spec.ts"]


def test_a_global_setup_that_loads_an_await_stops_the_run(node26, engines_node_modules, tmp_path):
    """`globalSetup` is loaded as test files are: compiled into CommonJS, it cannot load a
    top-level await, and no test runs."""
    root = Path(os.path.realpath(tmp_path)) / "app"
    files = {"db.ts": WAIT, "global-setup.ts": 'import { db } from "./db";\nexport default async () => { '
                                                  'console.log(db); };\n',
             "tests/b.spec.ts": _spec("../plain", "plain"), "plain.ts": "export const plain = 1;\n",
             "playwright.config.ts": "export default { testDir: 'tests', globalSetup: './global-setup' };\n"}
    _write(root, files, engines_node_modules)
    (root / "package.json").write_text(json.dumps({"name": "app", "scripts": {"e2e": "playwright test"}}))
    run = subprocess.run(["sh", "-c", "playwright test --reporter=line"], cwd=root,
                         env=_env(node26, engines_node_modules), capture_output=True, text=True, timeout=180)
    assert run.returncode != 0 and "await is only valid" in run.stdout + run.stderr, run.stdout + run.stderr
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "require-async"]
    assert f.path == root / "global-setup.ts"
    assert f.message.startswith("Playwright Test (script `e2e` of package.json) compiles this setup file into "
                                "CommonJS"), f.message


ASYNC_PACKAGE = {
    "node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
    "node_modules/asyncpkg/index.js": "await new Promise((r) => setTimeout(r, 1));\nexport const a = 1;\n",
}
PLAIN_CONFIG = "import { defineConfig } from '@playwright/test';\nexport default defineConfig({ testDir: 'tests' });\n"
PLAIN_TEST = "import { test } from '@playwright/test';\ntest('t', () => {});\n"
# case: (package.json "type", playwright.config.ts, tests/a.spec.ts)
PACKAGE_CASES = {
    "config-imports-an-async-package": (None, "import { a } from 'asyncpkg';\n" + PLAIN_CONFIG.replace(
        "testDir: 'tests'", "testDir: 'tests', metadata: { a }"), PLAIN_TEST),
    "config-awaits": (None, PLAIN_CONFIG.replace("export default", "const m = await Promise.resolve(1);\n"
                                                 "export default").replace("testDir: 'tests'",
                                                                           "testDir: 'tests', metadata: { m }"),
                      PLAIN_TEST),
    "config-as-an-es-module": ("module", "import { a } from 'asyncpkg';\nconst m = await Promise.resolve(a);\n" +
                               PLAIN_CONFIG.replace("testDir: 'tests'", "testDir: 'tests', metadata: { m }"),
                               PLAIN_TEST),
    "test-imports-an-async-package": (None, PLAIN_CONFIG,
                                      "import { test } from '@playwright/test';\nimport { a } from 'asyncpkg';\n"
                                      "test('t', () => { console.log(a); });\n"),
    "test-imports-an-async-package-through-a-file": (None, PLAIN_CONFIG,
                                                     "import { test } from '@playwright/test';\n"
                                                     "import { b } from '../lib/b';\n"
                                                     "test('t', () => { console.log(b); });\n"),
    "test-loads-an-async-package-lazily": (None, PLAIN_CONFIG,
                                           "import { test } from '@playwright/test';\n"
                                           "test('t', async () => { const { a } = await import('asyncpkg'); "
                                           "console.log(a); });\n"),
    "test-as-an-es-module": ("module", PLAIN_CONFIG,
                             "import { test } from '@playwright/test';\nimport { a } from 'asyncpkg';\n"
                             "test('t', () => { console.log(a); });\n"),
}


@pytest.mark.parametrize("case", list(PACKAGE_CASES))
def test_async_packages_and_the_configuration(case, node26, engines_node_modules, tmp_path):
    """Playwright leaves node_modules to Node: a file it compiles into CommonJS require()s an
    async package, and Node throws ERR_REQUIRE_ASYNC_MODULE; its configuration loads as the test
    files do (compiled unless an ES module by its kind)."""
    kind, config, spec = PACKAGE_CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "app"
    manifest = {"name": "app", "scripts": {"e2e": "playwright test"}, **({"type": kind} if kind else {})}
    _write(root, {"package.json": json.dumps(manifest), "playwright.config.ts": config, "tests/a.spec.ts": spec,
                  "lib/b.ts": "export { a as b } from 'asyncpkg';\n", **ASYNC_PACKAGE}, engines_node_modules)
    proc = subprocess.run(["sh", "-c", "playwright test --list"], cwd=root, env=_env(node26, engines_node_modules),
                          capture_output=True, text=True, timeout=180)
    out = proc.stdout + proc.stderr
    loads = proc.returncode == 0 and "Total: 1 test" in out
    project = analyse(root, Config(), cache=False)
    errors = [f for f in project.findings if f.severity == "error"]
    shown = [(str(f.path.relative_to(root)), f.code, f.message) for f in project.findings]
    assert bool(errors) is not loads, (out, shown)
    if loads:
        return
    (f,) = errors
    where = "playwright.config.ts" if case.startswith("config") else "tests/a.spec.ts"
    assert str(f.path.relative_to(root)) == where, shown
    if "require() cannot be used on an ESM graph with top-level await" in out:
        assert "throws ERR_REQUIRE_ASYNC_MODULE" in f.message, f.message
    else:
        assert "await is only valid in async functions" in out, out
        assert "top-level await does not compile" in f.message, f.message
    role = "this configuration" if where.startswith("playwright") else "this test file"
    assert role in f.message, f.message
