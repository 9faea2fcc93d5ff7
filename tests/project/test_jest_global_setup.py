"""Jest's `globalSetup` / `globalTeardown`: loaded once, in Jest's own process, with `require()`
and its transform (babel-jest) compiling the file and the project's files it loads into CommonJS.
A top-level await among them does not compile: the run fails before any test runs. An ES module
Node loads itself (.mjs) is loaded as Node loads it, and so is a package (Jest retries its
require() as an import()). Held to Jest 30 running each project (Node 26)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

DB = "export const db = await Promise.resolve(1);\n"
SETUP = 'import {{ db }} from "{spec}";\nexport default async function () {{ globalThis.__db = db; }}\n'
# (case: setup file name, its import, package.json extras, whether the run fails)
CASES = {
    "workspace-await": ("global-setup.js", "./src/db.js", {}, True),
    "through-a-module": ("global-setup.js", "./src/repo.js", {}, True),
    # import(): kept by the modules plugin, compiled into a require() by preset-env
    "lazily": ("global-setup-lazy.js", "./src/db.js", {}, False),
    "lazily-preset-env": ("global-setup-lazy.js", "./src/db.js", {"babel": "preset-env"}, True),
    "preset-env": ("global-setup.js", "./src/db.js", {"babel": "preset-env"}, True),
    "preset-env-modules-false": ("global-setup.js", "./src/db.js", {"babel": "modules-false"}, False),
    "no-babel-config": ("global-setup.js", "./src/db.js", {"babel": None}, False),
    "package-await": ("global-setup.js", "esm-pkg", {}, False),
    "mjs-module": ("global-setup.js", "./src/db.mjs", {}, False),
    "setup-is-mjs": ("global-setup.mjs", "./src/db.mjs", {}, False),
    "sync": ("global-setup.js", "./src/plain.js", {}, False),
    "type-module": ("global-setup.js", "./src/db.js", {"type": "module"}, True),
    "no-transform": ("global-setup.js", "./src/db.js", {"type": "module", "jest.transform": {}}, False),
    "teardown": ("global-teardown.js", "./src/db.js", {}, True),
    # ts-jest's preset: TypeScript compiled into CommonJS (TS1378 on the await), JavaScript as Node loads it
    "ts-jest": ("global-setup.ts", "./src/tsdb", {"jest.preset": "ts-jest"}, True),
    "ts-jest-type-module": ("global-setup.ts", "./src/tsdb", {"jest.preset": "ts-jest", "type": "module"}, True),
    "ts-jest-js-module": ("global-setup.ts", "./src/db.js", {"jest.preset": "ts-jest"}, False),
    "ts-jest-sync": ("global-setup.ts", "./src/tsplain", {"jest.preset": "ts-jest"}, False),
    # the same transforms written out
    "transform-babel-jest": ("global-setup.js", "./src/db.js",
                             {"jest.transform": {"^.+\\.[jt]sx?$": "babel-jest"}, "babel": "preset-env"}, True),
    "transform-ts-jest": ("global-setup.ts", "./src/tsdb", {"jest.transform": {"^.+\\.tsx?$": "ts-jest"}}, True),
    "transform-ts-jest-js-module": ("global-setup.ts", "./src/db.js",
                                    {"jest.transform": {"^.+\\.tsx?$": ["ts-jest", {}]}}, False),
    # Jest's ES module mode (test files as ES modules): the global setup is loaded the same way
    "esm-mode": ("global-setup.js", "./src/db.js", {"type": "module", "esm": True, "babel": "preset-env"}, True),
    "esm-mode-no-babel": ("global-setup.js", "./src/db.js", {"type": "module", "esm": True, "babel": None}, False),
}


def _project(tmp_path: Path, engines: Path, case: str) -> Path:
    name, spec, extra, _ = CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "app"
    files = {
        "src/db.js": DB, "src/db.mjs": DB, "src/plain.js": "export const db = 1;\n",
        "src/tsdb.ts": "export const db: number = await Promise.resolve(1);\n",
        "src/tsplain.ts": "export const db: number = 1;\n",
        "tsconfig.json": '{"compilerOptions": {"target": "es2022", "module": "esnext", "skipLibCheck": true}}\n',
        "src/repo.js": 'import { db } from "./db.js";\nexport { db };\n',
        "src/a.test.js": 'test("a", () => { expect(1).toBe(1); });\n',
        "node_modules/esm-pkg/package.json": '{"name": "esm-pkg", "type": "module", "exports": "./i.js"}',
        "node_modules/esm-pkg/i.js": DB,
    }
    if name == "global-setup-lazy.js":
        files[name] = f'export default async function () {{ globalThis.__db = (await import("{spec}")).db; }}\n'
    else:
        files[name] = SETUP.format(spec=spec)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    option = "globalTeardown" if "teardown" in name else "globalSetup"
    jest: dict = {option: f"<rootDir>/{name}", "testMatch": ["**/*.test.js"]}
    for key in ("transform", "preset"):
        if f"jest.{key}" in extra:
            jest[key] = extra[f"jest.{key}"]
    script = "NODE_OPTIONS=--experimental-vm-modules jest" if extra.get("esm") else "jest"
    manifest = {"name": "app", "scripts": {"test": script}, "jest": jest,
                **{k: v for k, v in extra.items() if not k.startswith("jest.") and k not in ("babel", "esm")}}
    (root / "package.json").write_text(json.dumps(manifest, indent=2))
    babel = extra.get("babel", "plugin")
    env = {"targets": {"node": "current"}, **({"modules": False} if babel == "modules-false" else {})}
    if babel is not None:
        (root / "babel.config.json").write_text(json.dumps(
            {"plugins": ["@babel/plugin-transform-modules-commonjs"]} if babel == "plugin" else
            {"presets": [["@babel/preset-env", env]]}) + "\n")
    (root / "node_modules/@babel").mkdir(parents=True)
    for package in ("plugin-transform-modules-commonjs", "preset-env"):
        (root / "node_modules/@babel" / package).symlink_to(engines / "@babel" / package)
    for package in ("ts-jest", "typescript"):
        (root / "node_modules" / package).symlink_to(engines / package)
    return root


def _run_fails(root: Path, node26: Path, engines: Path) -> tuple[bool, str]:
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    script = json.loads((root / "package.json").read_text())["scripts"]["test"]
    proc = subprocess.run(["sh", "-c", f"{script} --ci"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        assert "Tests:       1 passed" in out, out
    return proc.returncode != 0, out


@pytest.mark.parametrize("case", list(CASES))
def test_global_setup_as_jest_loads_it(case, node26, engines_node_modules, tmp_path):
    name, spec, _, fails = CASES[case]
    root = _project(tmp_path, engines_node_modules, case)
    project = analyse(root, Config(), cache=False)
    failed, out = _run_fails(root, node26, engines_node_modules)
    assert failed is fails, out
    said = [f for f in project.findings if f.path.name == name and f.code == "require-async"]
    assert bool(said) is fails, [(f.code, f.message) for f in project.findings]
    if fails:
        (f,) = said
        option = "globalTeardown" if "teardown" in name else "globalSetup"
        assert f.severity == "error" and f.message.startswith(
            f"Jest (script `test` of package.json) loads this file (`{option}`) in its own process, its transform "
            f"compiling it and the project's files it loads into CommonJS: `{spec}` is an async module"), f.message
        assert ("so the run fails when its tests are done" if option == "globalTeardown" else
                "so the run fails before any test runs") in f.message
        assert ("Tests:       1 passed" in out) is (option == "globalTeardown"), out
        if name.endswith(".ts"):
            assert "TS1378: " in out, out  # (ts-jest: tsc's error on the await in CommonJS)
        # no other finding at that import; `explain` says it too
        assert not [g for g in project.findings if g.path.name == name and g.code == "async-import"]
        from tla_lens.report.explain import explain

        outcome = "fails when its tests are done" if option == "globalTeardown" else "fails before any test runs"
        tool = "ts-jest" if name.endswith(".ts") else "babel-jest"
        assert (f"Jest (script `test` of package.json) loads it (`{option}`) in its own process, {tool} "
                f"compiling it and the project's files it loads into CommonJS: the top-level await it loads "
                f"({'src/tsdb.ts' if 'tsdb' in spec else 'src/db.js'}, line 1) does not compile there, so the run "
                f"{outcome}.") \
            in explain(project, root / name)


def test_the_remedy_an_mjs_setup_file(node26, engines_node_modules, tmp_path):
    """What the message advises: the same setup as an .mjs file importing the .js module with
    the await runs (Node loads both as ES modules)."""
    root = _project(tmp_path, engines_node_modules, "workspace-await")
    (root / "global-setup.js").rename(root / "global-setup.mjs")
    manifest = json.loads((root / "package.json").read_text())
    manifest["jest"]["globalSetup"] = "<rootDir>/global-setup.mjs"
    (root / "package.json").write_text(json.dumps(manifest))
    project = analyse(root, Config(), cache=False)
    failed, out = _run_fails(root, node26, engines_node_modules)
    assert not failed, out
    assert not [f for f in project.findings if f.code == "require-async"]


def test_own_await_and_print_config(node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, engines_node_modules, "sync")
    (root / "global-setup.js").write_text("const v = await Promise.resolve(1);\nexport default async () => v;\n")
    project = analyse(root, Config(), cache=False)
    failed, out = _run_fails(root, node26, engines_node_modules)
    assert failed, out
    (f,) = [f for f in project.findings if f.path.name == "global-setup.js" and f.code == "top-level-await"]
    assert f.severity == "error" and "loads this file (`globalSetup`) in its own process" in f.message
    assert f.message.endswith("the run fails before any test runs"), f.message
    config = subprocess.run([str(Path(os.sys.executable).parent / "tla-lens"), "check", "--print-config", str(root)],
                            capture_output=True, text=True)
    assert json.loads(config.stdout)["jestRuns"][0]["globalSetup"] == "global-setup.js", config.stdout


@pytest.mark.parametrize("babel,helps", [("plugin", True), ("preset-env", False)])
def test_the_lazy_fix_where_the_transform_keeps_import(babel, helps, node26, engines_node_modules, tmp_path):
    """The lazy `import()` quick fix is offered on the global setup's import only where the
    transform keeps import() (Babel's modules plugin; preset-env compiles it into a require()),
    and there the fixed file runs."""
    from tla_lens.fixes.edits import apply_edits
    from tla_lens.fixes.lazy import lazy_import

    root = _project(tmp_path, engines_node_modules, "workspace-await")
    if babel == "preset-env":
        (root / "babel.config.json").write_text(json.dumps(
            {"presets": [["@babel/preset-env", {"targets": {"node": "current"}}]]}))
    project = analyse(root, Config(), cache=False)
    mod = project.modules[root / "global-setup.js"]
    (edge,) = [e for e in mod.edges if e.specifier == "./src/db.js"]
    assert project.lazy_import_helps(edge) is helps
    if helps:
        (root / "global-setup.js").write_bytes(apply_edits(mod.source, lazy_import(mod.source, mod.facts.dialect,
                                                                                   0).edits))
        failed, out = _run_fails(root, node26, engines_node_modules)
        assert not failed, ((root / "global-setup.js").read_text(), out)
        assert not [f for f in analyse(root, Config(), cache=False).findings if f.code == "require-async"]
