"""tsdown's builds (tsup's successor, on Rolldown): ES modules by default, CommonJS with `--format
cjs` (or `format` in tsdown.config.*), keeping the `dependencies` and `peerDependencies` external —
in CommonJS an import of one is a `require()`, which throws ERR_REQUIRE_ASYNC_MODULE for an ES
module with top-level await — and refusing a top-level await it bundles into CommonJS. Held to
tsdown 0.21 building each package (its npm script run as npm runs it) and Node 26 running every
bundle it made."""
from __future__ import annotations

import subprocess
import sys
import json

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_tsup_cjs import ENTRIES, _build_and_run, _project, errors_where_it_throws

CASES = {
    "cli": ("tsdown " + " ".join(f"src/{n}.ts" for n in ENTRIES) + " --format cjs", None,
            {"index", "via", "devlib"}),
    # the entries from tsdown.config.ts (a glob: helper.ts is one too), both formats; sync-dep bundled
    "config": ("tsdown", 'export default {\n  entry: ["src/*.ts"],\n  format: ["cjs", "esm"],\n'
                         '  noExternal: ["sync-dep"],\n};\n', {"index", "via", "devlib", "helper"}),
    # its `deps` options: dev-lib kept external (`neverBundle`), sync-dep bundled
    "deps": ("tsdown", 'export default {\n  entry: ["src/*.ts"],\n  format: "cjs",\n  deps: {\n'
                       '    neverBundle: ["dev-lib"],\n    alwaysBundle: [/^sync-/],\n    onlyBundle: false,\n  },\n};\n',
             {"index", "via", "devlib", "helper"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tsdown_cjs_bundles_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    script, config, expected = CASES[case]
    root = _project(tmp_path, script, None)
    if config is not None:
        (root / "tsdown.config.ts").write_text(config)
    project = analyse(root, Config(), cache=False)
    runs = _build_and_run(root, tmp_path, node26, engines_node_modules)
    assert set(runs) == set(ENTRIES) | ({"helper"} if case in ("config", "deps") else set())
    errors_where_it_throws(project, runs, expected)
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "require-async"]
    assert f.message.startswith("`slow-dep` is a package that tsdown's CommonJS build (script `build` of "
                                "package.json) keeps external: the bundle loads it with `require(\"slow-dep\")`"), \
        f.message
    assert "(tsdown keeps import() as it is)" in f.message, f.message
    if case == "deps":
        (f,) = [f for f in project.findings if f.path.stem == "devlib" and f.code == "require-async"]
        assert f.message.startswith("`dev-lib` is a package that tsdown's CommonJS build (script `build` of "
                                    "package.json) keeps external"), f.message


def test_es_modules_by_default(node26, engines_node_modules, tmp_path):
    """Without a format tsdown builds ES modules from src/index.ts: no require() anywhere."""
    root = _project(tmp_path, "tsdown", None)
    project = analyse(root, Config(), cache=False)
    assert _build_and_run(root, tmp_path, node26, engines_node_modules) == {}
    assert sorted(p.name for p in (root / "dist").iterdir() if p.suffix in (".js", ".mjs")) == ["index.mjs"]
    run = subprocess.run([str(node26), str(root / "dist/index.mjs")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "A", run.stderr
    assert not [f for f in project.findings if f.code == "require-async"]
    assert project.modules[root / "src/index.ts"].is_async


def test_top_level_await_in_a_cjs_build_fails_it(node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, "tsdown src/index.ts --format cjs", None)
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config.js";\nconsole.log(config);\n')
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await"]
    assert f.path == root / "src/config.ts" and f.severity == "error"
    assert "tsdown's CommonJS build (script `build` of package.json) bundles this module, and Rolldown refuses a " \
           "top-level await in CommonJS (\"Top-level await is currently not supported with the 'cjs' output " \
           "format\"): that build fails" in f.message, f.message
    with pytest.raises(AssertionError, match="Top-level await is currently not supported with the 'cjs' output format"):
        _build_and_run(root, tmp_path, node26, engines_node_modules)


def test_deps_option_not_written_as_literals_is_listed_unread(tmp_path):
    root = _project(tmp_path, "tsdown", None)
    (root / "tsdown.config.ts").write_text('export default { format: ["cjs"], deps: { alwaysBundle: (id) => true } };\n')
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["tool"] == "tsdown" and build["notRead"] == "tsdown.config.ts: `alwaysBundle` (`(id) => true`) " \
                                                             "is not strings or regular expressions", build
