"""swc's command line (`swc src -d dist` in an npm script) with `module.type: "commonjs"` (the
.swcrc, or `-C module.type=commonjs`): each file becomes a CommonJS module whose imports are
require() calls — an ES module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE when
the output runs; import() becomes a require() too unless `module.ignoreDynamic`; a top-level
await is left in a CommonJS output Node cannot load; without `module` swc keeps ES modules. A
.swcrc list: each file by the first configuration whose `test` matches and `exclude` does not.
Held to swc (@swc/core 1.16, @swc/cli 0.8) compiling each package (its npm script run as npm runs
it) and Node 26 running every output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_babel_cli import SOURCES
from .test_tsup_cjs import PACKAGES, errors_where_it_throws, run_outputs
from .test_vite_lib import _build as _compile

CASES = {
    # (script, .swcrc (None: none), the outputs that throw)
    "swcrc": ("swc src -d dist --strip-leading-paths --ignore 'src/**/*.test.ts'", {"module": {"type": "commonjs"}},
              {"index", "via", "helper", "devlib", "lazy"}),
    "ignore-dynamic": ("swc src -d dist --strip-leading-paths --ignore 'src/**/*.test.ts'",
                       '{\n  // import() kept\n  "module": {"type": "commonjs", "ignoreDynamic": true}\n}\n',
                       {"index", "via", "helper", "devlib"}),
    # a list: each file by the first configuration whose `test` matches and `exclude` does not
    "list": ("swc src -d dist --strip-leading-paths --ignore 'src/**/*.test.ts'",
             [{"test": "(index|lazy|helper)\\.ts$", "module": {"type": "commonjs"}}, {"module": {"type": "es6"}}],
             {"index", "via", "helper", "lazy"}),
    "list-exclude": ("swc src -d dist --strip-leading-paths --ignore 'src/**/*.test.ts'",
                     [{"test": [".*\\.ts$"], "exclude": ["devlib\\.ts$", "^lib/"], "module": {"type": "commonjs"}},
                      {"test": "devlib", "module": {"type": "es6"}}],
                     {"index", "via", "helper", "lazy"}),
    "command-line": ("swc src --out-dir dist --strip-leading-paths -C module.type=commonjs --ignore 'src/**/*.test.ts'",
                     None, {"index", "via", "helper", "devlib", "lazy"}),
}


def _swc_project(tmp_path: Path, script: str, swcrc, extra=None) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "lib"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "src").mkdir(parents=True)
    for name, text in {**SOURCES, **(extra or {})}.items():
        (root / "src" / f"{name}.ts").write_text(text)
    (root / "package.json").write_text(json.dumps({
        "name": "lib", "version": "1.0.0", "scripts": {"build": script},
        "dependencies": {"slow-dep": "1.0.0", "sync-dep": "1.0.0", "dual-dep": "1.0.0"},
        "devDependencies": {"dev-lib": "1.0.0"}}, indent=2))
    if swcrc is not None:
        (root / ".swcrc").write_text(swcrc if isinstance(swcrc, str) else json.dumps(swcrc))
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_swc_commonjs_outputs_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    script, swcrc, expected = CASES[case]
    root = _swc_project(tmp_path, script, swcrc)
    project = analyse(root, Config(), cache=False)
    proc = _compile(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = run_outputs(root, "dist/*.js", node26)
    assert set(runs) == set(SOURCES) - {"own.test"}
    errors = errors_where_it_throws(project, runs, expected)
    assert "own.test" not in errors  # (not compiled: --ignore)
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "require-async"]
    assert f.message.startswith("swc compiles this import to `require(\"slow-dep\")` (script `build` of "
                                "package.json compiles it alone into CommonJS, with "), f.message
    if case.startswith("list"):
        assert "with `module.type: \"commonjs\"` in the first configuration of .swcrc)" in f.message, f.message
    if "lazy" in expected:
        (f,) = [f for f in project.findings if f.path.stem == "lazy" and f.code == "require-async"]
        assert f.message.startswith("swc compiles this import() to `require(\"slow-dep\")`"), f.message
        assert "keep import() as it is (`\"ignoreDynamic\": true` in the `module` of " in f.message, f.message
    else:
        assert "(swc keeps import() as it is here), or compile ES modules (no `module.type: \"commonjs\"`)" \
            in f.message, f.message


def test_es_modules_kept(node26, engines_node_modules, tmp_path):
    """No `module` setting: swc keeps the ES modules, nothing is a require()."""
    root = _swc_project(tmp_path, "swc src -d dist --strip-leading-paths", {"jsc": {"target": "es2022"}})
    project = analyse(root, Config(), cache=False)
    proc = _compile(root, node26, engines_node_modules)
    assert proc.returncode == 0 and "require(" not in (root / "dist/index.js").read_text()
    assert not [f for f in project.findings if f.code == "require-async"]
    assert project.modules[root / "src/index.ts"].is_async


def test_top_level_await_left_in_commonjs(node26, engines_node_modules, tmp_path):
    root = _swc_project(tmp_path, "swc src -d dist --strip-leading-paths", {"module": {"type": "commonjs"}},
                        {"tla": "export const v = await Promise.resolve(1);\n"})
    project = analyse(root, Config(), cache=False)
    proc = _compile(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stderr  # (swc compiles it)
    run = subprocess.run([str(node26), "dist/tla.js"], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "ERR_AMBIGUOUS_MODULE_SYNTAX" in run.stderr, run.stderr
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.path.stem == "tla"]
    assert f.message.startswith("top-level await in a file swc compiles into CommonJS (script `build` of "
                                "package.json compiles it alone into CommonJS, with `module.type: \"commonjs\"` in "
                                ".swcrc): swc leaves the await in the CommonJS output, which Node cannot load"), \
        f.message


def test_print_config_lists_the_compilation(tmp_path):
    root = _swc_project(tmp_path, "swc src -d dist", [{"test": ".*\\.ts$", "module": {"type": "commonjs"}}])
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["tool"] == "swc" and build["compiles"] == [{"matches": {"allOf": [[".*\\.ts$"]]}}] and \
        "notRead" not in build, build
    (root / ".swcrc").write_text('[{"test": "(", "module": {"type": "commonjs"}}]')
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["notRead"] == ".swcrc: a `test`/`exclude` is not a regular expression or a list of them that " \
                                "Python's `re` reads", build
    (root / ".swcrc").write_text('{"module": {"type": "commonjs"}}')
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["tool"] == "swc" and build["entries"] == ["src/**/*.{js,jsx,es6,es,mjs,ts,tsx,cts,mts}"] \
        and build["bundle"] is False and build["config"] == ".swcrc"
