"""Prettier's configuration: a JavaScript or TypeScript one is loaded with import() (whatever the
package's "type"), so a top-level await in it, or an import of an async package or project
file, only makes Prettier wait (no async-import); the first configuration file of the folder
in Prettier's order is the one; a .cjs one's own require() of an async package throws. Held to
Prettier 3.10 (formatting a file with the configuration's `semi: false`) under Node 26."""
from __future__ import annotations

import json
import subprocess

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_eslint_config import ASYNC_PACKAGE

ESM = ("import { plugin } from 'asyncpkg';\nimport { shared } from './shared.mjs';\n"
       "const semi = await Promise.resolve(typeof plugin + shared === 'functions' ? false : true);\n"
       "export default { semi };\n")
TS = ESM.replace("const semi =", "const semi: boolean =")
# case: (package.json "type", configuration files (the first in Prettier's order is loaded), the one loaded)
CASES = {
    "js-commonjs-package": (None, {"prettier.config.js": ESM}, "prettier.config.js"),
    "js-module-package": ("module", {".prettierrc.js": ESM}, ".prettierrc.js"),
    "mjs": (None, {"prettier.config.mjs": ESM}, "prettier.config.mjs"),
    "ts": (None, {"prettier.config.ts": TS}, "prettier.config.ts"),
    "mts": ("module", {".prettierrc.mts": TS}, ".prettierrc.mts"),
    # (.prettierrc.json comes first: the .mjs one is nobody's configuration)
    "json-first": (None, {".prettierrc.json": '{"semi": false}', "prettier.config.mjs": ESM}, ".prettierrc.json"),
    "cjs-require": (None, {"prettier.config.cjs": "const { plugin } = require('asyncpkg');\n"
                                                  "module.exports = { semi: typeof plugin !== 'function' };\n"},
                    "prettier.config.cjs"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_as_prettier_loads_it(case, node26, engines_node_modules, workspace, tmp_path):
    kind, configs, loaded = CASES[case]
    manifest = {"name": "app", "private": True, "scripts": {"format": "prettier --write ."},
                **({"type": kind} if kind else {})}
    root = workspace({"package.json": json.dumps(manifest), "a.js": "const a = 1;\n",
                      "shared.mjs": "await Promise.resolve();\nexport const shared = 's';\n", **configs,
                      **ASYNC_PACKAGE}, tmp_path / "app")
    proc = subprocess.run([str(node26), str(engines_node_modules / "prettier/bin/prettier.cjs"), "a.js"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    if case == "cjs-require":
        assert proc.returncode != 0 and "require() cannot be used on an ESM graph with top-level await" in out, out
        (f,) = [f for f in project.findings if f.severity == "error"]
        assert f.code == "require-async" and f.path.name == loaded, shown
        return
    assert proc.returncode == 0 and proc.stdout == "const a = 1\n", out  # (`semi: false`: its awaits ran)
    if case == "json-first":
        # the .mjs file, not loaded, is an ordinary module
        assert project.config_loading(root / "prettier.config.mjs") is None
        assert [f.code for f in project.findings if f.path.name == "prettier.config.mjs"
                and f.severity == "warning"] == ["async-import", "async-import"], shown
        return
    assert not [f for f in project.findings if f.severity in ("error", "warning")], shown
    assert project.modules[root / loaded].is_async  # (async it is: only Prettier waits for it)
    assert project.config_loading(root / loaded)[0] == "import()"
    assert project.config_loading(root / "shared.mjs") == ("import()", "")


# case: (files of the sub-folder, whether Prettier takes its .prettierrc.mjs)
SUB_FOLDER_CASES = {
    "config-in-a-sub-folder": ({"legacy/.prettierrc.mjs": ESM, "legacy/a.js": "const a = 1;\n"}, True),
    # (.prettierrc.json comes first there: the .mjs file is nobody's configuration)
    "json-first-in-the-sub-folder": ({"legacy/.prettierrc.json": '{"semi": false}', "legacy/.prettierrc.mjs": ESM,
                                      "legacy/a.js": "const a = 1;\n"}, False),
}


@pytest.mark.parametrize("case", list(SUB_FOLDER_CASES))
def test_configuration_of_a_sub_folder(case, node26, engines_node_modules, workspace, tmp_path):
    """Prettier takes, for a file, the configuration nearest to it: one in a sub-folder of the
    package (no package.json of its own) is loaded with import() too, for the files below it."""
    files, taken = SUB_FOLDER_CASES[case]
    manifest = {"name": "app", "private": True, "scripts": {"format": "prettier --write ."}}
    root = workspace({"package.json": json.dumps(manifest), ".prettierrc.json": '{"semi": true}',
                      "shared.mjs": "await Promise.resolve();\nexport const shared = 's';\n",
                      **{k: v.replace("'./shared.mjs'", "'../shared.mjs'") for k, v in files.items()}, **ASYNC_PACKAGE},
                     tmp_path / "app")
    proc = subprocess.run([str(node26), str(engines_node_modules / "prettier/bin/prettier.cjs"), "legacy/a.js"],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout == "const a = 1\n", proc.stdout + proc.stderr  # (the sub-folder's)
    project = analyse(root, Config(), cache=False)
    warned = [f.code for f in project.findings if f.path.name == ".prettierrc.mjs" and f.severity == "warning"]
    if not taken:
        assert project.config_loading(root / "legacy/.prettierrc.mjs") is None
        assert warned == ["async-import", "async-import"]
        return
    assert project.config_loading(root / "legacy/.prettierrc.mjs")[0] == "import()"
    assert warned == []
    assert project.modules[root / "legacy/.prettierrc.mjs"].is_async
