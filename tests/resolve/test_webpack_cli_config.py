"""webpack-cli's loading of the webpack configuration: .mjs and .mts with import(), .js with
require() and again with import() where a top-level await in its graph makes require() throw —
so a top-level await in it, or an import of an async package or project file, only makes
webpack-cli wait (no async-import) — while a webpack.config.cjs's own require() of an async
package throws (require-async). Held to webpack-cli 6.0.1 (`webpack configtest`, which loads
the configuration) under Node 26."""
from __future__ import annotations

import json
import subprocess

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_eslint_config import ASYNC_PACKAGE

ESM = ("import { plugin } from 'asyncpkg';\nimport { shared } from './shared.mjs';\n"
       "const mode = await Promise.resolve('production');\n"
       "export default { mode, entry: './src/a.js', name: mode + typeof plugin + shared };\n")
TS = ESM.replace("const mode =", "const mode: 'production' =")
# case: (package.json "type", the configuration, its text, the npm script's command)
CASES = {
    "js-module-package": ("module", "webpack.config.js", ESM, "webpack build"),
    "js-package-without-type": (None, "webpack.config.js", ESM, "webpack"),
    "mjs": (None, "webpack.config.mjs", ESM, "webpack serve"),
    "mts": (None, "webpack.config.mts", TS, "webpack"),
    "config-option": (None, "config/webpack.prod.mjs", ESM.replace("./shared", "../shared"),
                      "webpack --config config/webpack.prod.mjs"),
    "dot-webpack-folder": ("module", ".webpack/webpack.config.js", ESM.replace("./shared", "../shared"),
                           "webpack-cli build"),
    "cjs-require": (None, "webpack.config.cjs",
                    "const { plugin } = require('asyncpkg');\n"
                    "module.exports = { mode: 'production', entry: './src/a.js', name: typeof plugin };\n",
                    "webpack"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_as_webpack_cli_loads_it(case, node26, engines_node_modules, workspace, tmp_path):
    kind, name, text, script = CASES[case]
    manifest = {"name": "app", "private": True, "scripts": {"build": script}, **({"type": kind} if kind else {})}
    root = workspace({"package.json": json.dumps(manifest), name: text, "src/a.js": "console.log(1);\n",
                      "shared.mjs": "await Promise.resolve();\nexport const shared = 's';\n", **ASYNC_PACKAGE},
                     tmp_path / "app")
    named = [w for w in script.split() if "/" in w]
    proc = subprocess.run([str(node26), str(engines_node_modules / "webpack-cli/bin/cli.js"), "configtest", *named],
                          cwd=root, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    if case != "cjs-require":
        assert proc.returncode == 0 and "There are no validation errors" in out, out
        assert f"Validate '{root / name}'" in out, out  # (the file we read is the one it loads)
        assert not [f for f in project.findings if f.severity in ("error", "warning")], shown
        assert project.modules[root / name].is_async  # (async it is: only webpack-cli waits for it)
        assert project.config_loading(root / name)[0] == "import()"
        assert project.config_loading(root / "shared.mjs") == ("import()", "")
        return
    assert proc.returncode != 0 and "ERR_REQUIRE_ASYNC_MODULE" in out, out
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.code == "require-async" and f.path.name == name, shown


def test_without_webpack_cli_the_file_is_an_ordinary_module(workspace, tmp_path):
    root = workspace({"package.json": json.dumps({"name": "app", "private": True, "scripts": {"build": "vite build"}}),
                      "webpack.config.mjs": ESM, "shared.mjs": "await Promise.resolve();\nexport const shared = 1;\n",
                      **ASYNC_PACKAGE}, tmp_path / "app")
    project = analyse(root, Config(), cache=False)
    assert project.config_loading(root / "webpack.config.mjs") is None
    assert [f.code for f in project.findings if f.path.name == "webpack.config.mjs" and f.severity == "warning"] == \
        ["async-import", "async-import"]
