"""Jest runs test files as CommonJS unless Node runs it with `--experimental-vm-modules`: a test
file whose imports reach a top-level await of the project fails to run (the module with the
await does not compile as CommonJS). Held to Jest 30 running the suites (its npm script run as
npm runs it, Node 26) with a Babel configuration that compiles modules, and in its ES module
mode, where every suite passes."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

SOURCES = {
    "src/db.js": "export const db = await Promise.resolve({ ok: true });\n",
    "src/repo.js": 'import { db } from "./db.js";\nexport const get = () => db;\n',
    "src/plain.js": "export const x = 1;\n",
    "src/repo.test.js": 'import { get } from "./repo.js";\ntest("repo", () => { expect(get().ok).toBe(true); });\n',
    "src/db.test.js": 'import { db } from "./db.js";\ntest("db", () => { expect(db.ok).toBe(true); });\n',
    "src/plain.test.js": 'import { x } from "./plain.js";\ntest("plain", () => { expect(x).toBe(1); });\n',
    "src/__tests__/deep.js": 'import { get } from "../repo.js";\ntest("deep", () => { expect(get().ok).toBe(true); });\n',
    "src/own.test.js": 'const v = await Promise.resolve(2);\ntest("own", () => { expect(v).toBe(2); });\n',
    # a module the test replaces (a factory): Jest never loads the real one
    "src/mocked.test.js": ('jest.mock("./db.js", () => ({ db: { ok: true } }));\nimport { get } from "./repo.js";\n'
                           'test("mocked", () => { expect(get().ok).toBe(true); });\n'),
    # not a test file by Jest's patterns
    "src/helper.js": 'import { db } from "./db.js";\nexport const h = db;\n',
}


def _project(tmp_path: Path, engines: Path, esm: bool) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "app"
    files = dict(SOURCES)
    if esm:
        del files["src/mocked.test.js"]  # (`jest` is not a global in ES module mode)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    manifest = {"name": "app", "version": "1.0.0", "scripts": {"test": "jest"}}
    if esm:
        manifest.update({"type": "module", "scripts": {"test": "NODE_OPTIONS=--experimental-vm-modules jest"},
                         "jest": {"transform": {}}})
    else:
        (root / "babel.config.json").write_text('{"plugins": ["@babel/plugin-transform-modules-commonjs"]}\n')
        (root / "node_modules/@babel").mkdir(parents=True)
        (root / "node_modules/@babel/plugin-transform-modules-commonjs").symlink_to(
            engines / "@babel/plugin-transform-modules-commonjs")
    (root / "package.json").write_text(json.dumps(manifest, indent=2))
    return root


def _jest(root: Path, node26: Path, engines: Path) -> dict[str, str]:
    """npm's way: the script run by a shell in the package folder, jest on the PATH; each test
    file's status."""
    return {rel: status for rel, (status, _) in jest_results(root, node26, engines).items()}


def jest_results(root: Path, node26: Path, engines: Path) -> dict[str, tuple[str, str]]:
    """Each test file's (status, message) when the npm script `test` runs Jest."""
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    script = json.loads((root / "package.json").read_text())["scripts"]["test"]
    out = root.parent / "jest.json"
    proc = subprocess.run(["sh", "-c", f"{script} --ci --json --outputFile={out}"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert out.exists(), proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    return {os.path.relpath(r["name"], root): (r["status"], r.get("message", "")) for r in report["testResults"]}


@pytest.mark.parametrize("mode", ["commonjs", "esm"])
def test_jest_suites_as_jest_runs_them(mode, node26, engines_node_modules, tmp_path):
    esm = mode == "esm"
    root = _project(tmp_path, engines_node_modules, esm)
    project = analyse(root, Config(), cache=False)
    status = _jest(root, node26, engines_node_modules)
    tests = {rel for rel in SOURCES if ".test." in rel or "__tests__" in rel} - ({"src/mocked.test.js"} if esm else set())
    assert set(status) == tests, status
    failed = {rel for rel, s in status.items() if s == "failed"}
    if esm:
        assert failed == set()
    else:
        assert failed == {"src/repo.test.js", "src/db.test.js", "src/__tests__/deep.js", "src/own.test.js"}
    errors = {str(f.path.relative_to(root)) for f in project.findings if f.code == "require-async"}
    noted = {str(f.path.relative_to(root)) for f in project.findings
             if f.code == "top-level-await" and "Jest (script `test` of package.json)" in f.message}
    # every suite that fails has an error at its import, or its own top-level await says so
    assert errors | (noted & tests) == failed
    assert ("src/db.js" in noted) is (not esm)
    if not esm:
        (f,) = [f for f in project.findings if f.code == "require-async" and f.path.name == "repo.test.js"]
        assert f.message.startswith("Jest (script `test` of package.json) runs this test file as CommonJS (no "
                                    "`--experimental-vm-modules`): this import becomes `require(\"./repo.js\")`")
        # (the ES module view of the project is as before: repo.js waits for db.js)
        assert [f.code for f in project.findings if f.path.name == "repo.js"] == ["async-import"]
        from tla_lens.report.explain import explain

        text = explain(project, root / "src/repo.test.js")
        assert "Jest (script `test` of package.json) runs this test file as CommonJS (no " \
               "--experimental-vm-modules): the top-level await it loads (src/db.js, line 1) does not " \
               "compile there, so it fails to run" in text, text
        assert "Jest (script `test` of package.json) loads it as CommonJS from test files such as" in \
            explain(project, root / "src/repo.js")
        assert "Jest" not in explain(project, root / "src/plain.test.js")


def test_print_config_lists_the_runs(tmp_path):
    import sys

    root = tmp_path / "p"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {
        "test": "npx jest -c jest.unit.json", "test:esm": "cross-env NODE_OPTIONS=--experimental-vm-modules jest",
        "test:ci": "node node_modules/jest/bin/jest.js --ci", "lint": "eslint ."}}))
    (root / "jest.unit.json").write_text('{"testMatch": ["<rootDir>/test/**/*.spec.js"]}')
    (root / "jest.config.js").write_text("module.exports = { testRegex: /\\.unit\\.js$/, projects: makeProjects() };\n")
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["jestRuns"] == [
        {"file": "package.json", "script": "test", "esModules": False, "testMatch": ["<rootDir>/test/**/*.spec.js"],
         "config": "jest.unit.json"},
        {"file": "package.json", "script": "test:esm", "esModules": True, "config": "jest.config.js",
         "notRead": "jest.config.js: `projects` is not an array literal"},
        {"file": "package.json", "script": "test:ci", "esModules": False, "config": "jest.config.js",
         "notRead": "jest.config.js: `projects` is not an array literal"}]


def test_test_patterns_from_the_configuration(node26, engines_node_modules, tmp_path):
    """`testRegex` (a string: Jest refuses a regular expression literal), `testMatch` (`<rootDir>` globs) or Jest's
    defaults decide which files are test files: the ones `jest --listTests` lists."""
    root = Path(os.path.realpath(tmp_path)) / "p"
    for rel in ("src/a.unit.js", "src/b.test.js", "test/c.spec.js", "src/d.js", "src/__tests__/e.mjs",
                "src/f.test.tsx", "src/g.tests.js"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("export const v = 1;\n")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {"test": "jest"}}))
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    for config in ('module.exports = { testRegex: "\\\\.unit\\\\.js$" };\n',
                   'export default { testMatch: ["<rootDir>/test/**/*.spec.js"] };\n', None):
        if config is None:
            (root / "jest.config.js").unlink()
        else:
            (root / "jest.config.js").write_text(config)
        project = analyse(root, Config(), cache=False)
        ours = {str(p.relative_to(root)) for p in project.runner_tests}
        listed = subprocess.run(["sh", "-c", "jest --listTests --json"], cwd=root, env=env, capture_output=True,
                                text=True, timeout=120)
        assert listed.returncode == 0, listed.stderr
        assert ours == {os.path.relpath(p, root) for p in json.loads(listed.stdout)}, config
        assert ours


WHERE = {
    # (the configuration, the npm script)
    "roots": ('module.exports = { roots: ["<rootDir>/src"] };\n', "jest"),
    "ignore": ('export default { testPathIgnorePatterns: ["/__tests__/", "<rootDir>/test/"] };\n', "jest"),
    "rootDir": ('module.exports = { rootDir: "src", testMatch: ["<rootDir>/**/*.test.*"] };\n', "jest"),
    "module-ignore": ('module.exports = { modulePathIgnorePatterns: ["<rootDir>/src/f"] };\n', "jest"),
    "json": ('{"roots": ["test", "<rootDir>/src/__tests__"]}', "jest --config jest.config.json"),
    "path-pattern": (None, "jest src/B --ci"),
    "cli-ignore": (None, "jest --testPathIgnorePatterns __tests__ spec -w 2"),
    "cli-roots": ('module.exports = { testPathIgnorePatterns: ["unit"] };\n', "jest --roots=src --coverage"),
}


@pytest.mark.parametrize("case", list(WHERE))
def test_where_jest_looks(case, node26, engines_node_modules, tmp_path):
    """`roots`, `rootDir`, `testPathIgnorePatterns`, `modulePathIgnorePatterns` (configuration or
    command line) and the command line's test path patterns narrow the test files: the ones
    `jest --listTests` lists for the npm script's command."""
    config, script = WHERE[case]
    root = Path(os.path.realpath(tmp_path)) / "p"
    for rel in ("src/a.unit.test.js", "src/b.test.js", "test/c.spec.js", "src/d.js", "src/__tests__/e.mjs",
                "src/f.test.tsx", "src/g.tests.js", "lib/h.test.js"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("export const v = 1;\n")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {"test": script}}))
    if config is not None:
        (root / ("jest.config.json" if config.startswith("{") else "jest.config.js")).write_text(config)
    project = analyse(root, Config(), cache=False)
    ours = {str(p.relative_to(root)) for p in project.runner_tests}
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    listed = subprocess.run(["sh", "-c", script + " --listTests --json"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    theirs = {os.path.relpath(p, root) for p in json.loads(listed.stdout)}
    assert ours == theirs
    assert theirs and len(theirs) < 6  # (each narrows Jest's defaults)


PROJECTS = {
    # folders by a glob (a configuration file, package.json's "jest", package.json alone), an inline project
    "globs": 'module.exports = {\n  projects: ["<rootDir>/packages/*", { displayName: "tools", testMatch: '
             '["<rootDir>/tools/**/*.test.js"] }],\n  testPathIgnorePatterns: ["/tools/"],\n};\n',
    # a configuration file, a folder written relative; the root's own options do not apply to them
    "paths": '{"projects": ["<rootDir>/packages/a/jest.config.js", "packages/c/"], "testMatch": ["**/*.js"]}',
    # inline projects only, one with its own rootDir
    "inline": 'export default { projects: [{ testMatch: ["**/*.unit.js"] }, { rootDir: "packages/c" }] };\n',
}


@pytest.mark.parametrize("case", list(PROJECTS))
def test_projects(case, node26, engines_node_modules, tmp_path):
    """`projects`: each project's configuration decides its test files — the ones `jest
    --listTests` lists."""
    root = Path(os.path.realpath(tmp_path)) / "p"
    for rel in ("packages/a/src/x.test.js", "packages/a/src/y.spec.js", "packages/b/src/z.test.js",
                "packages/b/src/w.unit.js", "packages/c/src/v.test.js", "tools/t.test.js", "root.test.js",
                "packages/README.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("export const v = 1;\n")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {"test": "jest"}}))
    config = PROJECTS[case]
    (root / ("jest.config.json" if config.startswith("{") else "jest.config.js")).write_text(config)
    (root / "packages/a/jest.config.js").write_text('module.exports = { testMatch: ["**/*.spec.js"] };\n')
    (root / "packages/b/package.json").write_text('{"name": "b", "jest": {"testRegex": "\\\\.unit\\\\.js$"}}')
    (root / "packages/c/package.json").write_text('{"name": "c"}')
    project = analyse(root, Config(), cache=False)
    ours = {str(p.relative_to(root)) for p in project.runner_tests}
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    listed = subprocess.run(["sh", "-c", "jest --listTests --json"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    theirs = {os.path.relpath(p, root) for p in json.loads(listed.stdout)}
    assert ours == theirs
    assert "root.test.js" not in theirs and len(theirs) >= 2


def test_project_globs_skip_node_modules(tmp_path):
    """A `**` among `projects` does not walk node_modules (no project lives there)."""
    from tla_lens.resolve.jest import package_jest_runs

    for rel in ("packages/a/jest.config.js", "node_modules/x/jest.config.js",
                "packages/b/node_modules/y/jest.config.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("module.exports = {};\n")
    (tmp_path / "jest.config.js").write_text('module.exports = { projects: ["<rootDir>/**/jest.config.js"] };\n')
    runs = package_jest_runs({"scripts": {"test": "jest"}}, str(tmp_path), lambda p: Path(p).is_file(),
                             lambda p: Path(p).read_text() if Path(p).is_file() else None)
    configs = [r.config for r in runs]
    assert str(tmp_path / "packages/a/jest.config.js") in configs
    assert not [c for c in configs if "node_modules" in c], configs


MAPPED = {
    "src/db.js": "export const db = await Promise.resolve({ ok: true });\n",
    "src/repo.js": 'import { db } from "./db.js";\nexport const get = () => db;\n',
    "src/other.js": 'import { db2 } from "./db2.js";\nexport const other = db2;\n',
    "src/db2.js": "export const db2 = await Promise.resolve({ ok: true });\n",
    # what the mapper puts in place of db.js: no await
    "test/fake-db.js": "export const db = { ok: true };\n",
    # db.js is mapped to the fake one, wherever it is imported from: this suite passes
    "src/repo.test.js": 'import { get } from "./repo.js";\ntest("repo", () => { expect(get().ok).toBe(true); });\n',
    # an alias only Jest knows (no tsconfig paths): it fails, through other.js's await
    "src/alias.test.js": 'import { other } from "@app/other.js";\ntest("o", () => { expect(other.ok).toBe(true); });\n',
    # a name mapped to a list: the first that resolves (the second) is db2.js: it fails
    "src/list.test.js": 'import { db2 } from "store";\ntest("l", () => { expect(db2.ok).toBe(true); });\n',
}


def test_module_name_mapper_as_jest_maps(node26, engines_node_modules, tmp_path):
    """`moduleNameMapper` decides what a test loads: a module mapped to a fake one is not loaded
    (no error where it would have been), and an import only the mapper resolves is followed."""
    root = Path(os.path.realpath(tmp_path)) / "app"
    for rel, text in MAPPED.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "jest.config.js").write_text(
        "module.exports = {\n  moduleNameMapper: {\n"
        "    '^\\\\./db\\\\.js$': '<rootDir>/test/fake-db.js',\n"
        "    '^@app/(.*)$': '<rootDir>/src/$1',\n"
        "    '^store$': ['<rootDir>/src/nowhere.js', '<rootDir>/src/db2.js'],\n  },\n};\n")
    (root / "babel.config.json").write_text('{"plugins": ["@babel/plugin-transform-modules-commonjs"]}\n')
    (root / "node_modules/@babel").mkdir(parents=True)
    (root / "node_modules/@babel/plugin-transform-modules-commonjs").symlink_to(
        engines_node_modules / "@babel/plugin-transform-modules-commonjs")
    (root / "package.json").write_text(json.dumps({"name": "app", "scripts": {"test": "jest"}}))
    status = _jest(root, node26, engines_node_modules)
    assert status == {"src/repo.test.js": "passed", "src/alias.test.js": "failed", "src/list.test.js": "failed"}

    project = analyse(root, Config(), cache=False)
    errors = {str(f.path.relative_to(root)): f for f in project.findings if f.code == "require-async"}
    assert set(errors) == {"src/alias.test.js", "src/list.test.js"}
    assert "`@app/other.js` is an async module (`moduleNameMapper` maps it to `src/other.js`) because of" in \
        errors["src/alias.test.js"].message
    # where Jest runs the test, the alias is no unresolved import
    assert not [f for f in project.findings if f.code == "unresolved-import" and "test" in f.path.name]
    # the ES module view is as before: repo.js waits for db.js, and the test file imports it
    assert [f.code for f in project.findings if f.path.name == "repo.test.js"] == ["async-import"]
    # db.js's await is loaded by no test file, db2.js's is
    noted = {f.path.name for f in project.findings if f.code == "top-level-await" and "Jest" in f.message}
    assert noted == {"db2.js"}

    import sys

    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (run,) = json.loads(r.stdout)["jestRuns"]
    assert run["moduleNameMapper"] == {"^\\./db\\.js$": ["test/fake-db.js"], "^@app/(.*)$": ["src/$1"],
                                       "^store$": ["src/nowhere.js", "src/db2.js"]}


def test_a_computed_module_name_mapper_is_not_read(tmp_path):
    """ts-jest's `pathsToModuleNameMapper(compilerOptions.paths)`: the run is read, its mapping
    is not (tsconfig's paths, which tla-lens reads itself, give the same modules) and says so."""
    from tla_lens.resolve.jest import package_jest_runs

    (tmp_path / "jest.config.js").write_text(
        "const { pathsToModuleNameMapper } = require('ts-jest');\nconst { compilerOptions } = require('./tsconfig');\n"
        "module.exports = { testMatch: ['**/*.spec.ts'], moduleNameMapper: pathsToModuleNameMapper("
        "compilerOptions.paths, { prefix: '<rootDir>/' }) };\n")
    (run,) = package_jest_runs({"scripts": {"test": "jest"}}, str(tmp_path), os.path.isfile,
                               lambda p: Path(p).read_text() if os.path.isfile(p) else None)
    assert run.unread is None and run.test_match == ("**/*.spec.ts",) and run.mapper == ()
    assert run.mapper_unread and "pathsToModuleNameMapper" in run.mapper_unread


@pytest.mark.parametrize("option", ["setupFilesAfterEnv", "setupFiles"])
def test_a_setup_file_that_loads_an_await_fails_every_suite(option, node26, engines_node_modules, tmp_path):
    """Jest loads `setupFiles` and `setupFilesAfterEnv` before every test file, as it loads
    test files: a top-level await they reach fails every suite; the error is at the setup
    file's import. (Named without its extension, from `<rootDir>`, as Jest resolves it.)"""
    root = Path(os.path.realpath(tmp_path)) / "app"
    files = {"src/db.js": "export const db = await Promise.resolve(1);\n",
             "test/setup.js": 'import { db } from "../src/db.js";\nglobalThis.db = db;\n',
             "src/a.test.js": 'test("a", () => { expect(1).toBe(1); });\n',
             "src/b.test.js": 'test("b", () => { expect(2).toBe(2); });\n'}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "babel.config.json").write_text('{"plugins": ["@babel/plugin-transform-modules-commonjs"]}\n')
    (root / "node_modules/@babel").mkdir(parents=True)
    (root / "node_modules/@babel/plugin-transform-modules-commonjs").symlink_to(
        engines_node_modules / "@babel/plugin-transform-modules-commonjs")
    (root / "jest.config.js").write_text(f'module.exports = {{ {option}: ["<rootDir>/test/setup"] }};\n')
    (root / "package.json").write_text(json.dumps({"name": "app", "scripts": {"test": "jest"}}))
    assert _jest(root, node26, engines_node_modules) == {"src/a.test.js": "failed", "src/b.test.js": "failed"}
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "require-async"]
    assert f.path == root / "test/setup.js"
    assert f.message.startswith("Jest (script `test` of package.json) runs this setup file as CommonJS")
    assert "so every test file of the run fails to run (Jest loads this file before each)" in f.message
    # without the await, every suite passes, and nothing is said
    (root / "src/db.js").write_text("export const db = 1;\n")
    assert set(_jest(root, node26, engines_node_modules).values()) == {"passed"}
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.code == "require-async"]
