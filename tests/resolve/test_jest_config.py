"""Jest's own configuration (jest.config.js/.ts/.mjs/.mts, or the file `--config` names): Jest 30
loads it with Node's require() (a TypeScript one by Node's type stripping), and where that throws
ERR_REQUIRE_ASYNC_MODULE loads it again with import(); so a top-level await in it, or an import
of an async package or project file, only makes Jest wait (no async-import). A jest.config.cjs's
own require() of an async package throws on both tries: Jest stops (require-async). Held to
Jest 30.5 (`jest --showConfig`, which loads the configuration) under Node 26."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.jest import config_loading

from .test_eslint_config import ASYNC_PACKAGE

ESM = ("import { plugin } from 'asyncpkg';\nimport { shared } from './jest.shared.mjs';\n"
       "const n = await Promise.resolve('x');\nexport default { displayName: n + typeof plugin + shared };\n")
TS = ESM.replace("const n =", "const n: string =")
CASES = {
    "js-commonjs-package": (None, "jest.config.js", ESM, None),
    "js-module-package": ("module", "jest.config.js", ESM, None),
    "mjs": (None, "jest.config.mjs", ESM, None),
    "ts-commonjs-package": (None, "jest.config.ts", TS, None),
    "ts-module-package": ("module", "jest.config.ts", TS, None),
    "mts": (None, "jest.config.mts", TS, None),
    "config-option": (None, "config/jest.unit.mjs", ESM.replace("./jest.shared", "../jest.shared"),
                      "config/jest.unit.mjs"),
    "cjs-require": (None, "jest.config.cjs",
                    "const { plugin } = require('asyncpkg');\nmodule.exports = { displayName: typeof plugin };\n",
                    None),
}


def _project(write, root: Path, kind, name: str, text: str, option) -> None:
    script = "jest" + (f" -c {option}" if option else "")
    manifest = {"name": "app", "private": True, "scripts": {"test": script}, "devDependencies": {"jest": "30.5.2"},
                **({"type": kind} if kind else {})}
    files = {"package.json": json.dumps(manifest), name: text,
             "jest.shared.mjs": "await Promise.resolve();\nexport const shared = 's';\n",
             "src/a.test.js": "test('a', () => { expect(1).toBe(1); });\n", **ASYNC_PACKAGE}
    write(files, root)


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_as_jest_loads_it(case, node26, engines_node_modules, workspace, tmp_path):
    kind, name, text, option = CASES[case]
    root = (tmp_path / "app").resolve()
    _project(workspace, root, kind, name, text, option)
    project = analyse(root, Config(), cache=False)
    cmd = [str(node26), str(engines_node_modules / "jest/bin/jest.js"), "--showConfig"]
    proc = subprocess.run(cmd + (["-c", option] if option else []), cwd=root, capture_output=True, text=True,
                          timeout=120)
    out = proc.stdout + proc.stderr
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    if proc.returncode == 0:
        assert '"xfunctions"' in out, out  # ('x' + typeof plugin + shared: its awaits ran)
        assert not [f for f in project.findings if f.severity in ("error", "warning")], shown
        config = project.modules[root / name]
        assert config.is_async  # (async it is: only Jest waits for it)
        assert project.config_loading(root / name)[0] == "import()"
        # the project file only the configuration imports: nothing but Jest waits for it either
        assert project.config_loading(root / "jest.shared.mjs") == ("import()", "")
    else:
        assert "ERR_REQUIRE_ASYNC_MODULE" in out or "require() cannot be used on an ESM graph" in out, out
        (f,) = [f for f in project.findings if f.severity == "error"]
        assert f.code == "require-async" and f.path.name == name, shown


def test_without_jest_the_file_is_an_ordinary_module(workspace, tmp_path):
    """A jest.config.js in a package that does not use Jest is nobody's configuration: its
    import of an async module is reported as any other."""
    root = (tmp_path / "app").resolve()
    _project(workspace, root, None, "jest.config.mjs", ESM, None)
    manifest = json.loads((root / "package.json").read_text())
    manifest.pop("devDependencies")
    manifest["scripts"] = {"test": "node --test"}
    (root / "package.json").write_text(json.dumps(manifest))
    project = analyse(root, Config(), cache=False)
    assert project.config_loading(root / "jest.config.mjs") is None
    assert [f.code for f in project.findings if f.path.name == "jest.config.mjs" and f.severity == "warning"] == \
        ["async-import", "async-import"]


def test_jest_run_with_npx_only(node26, engines_node_modules, workspace, tmp_path):
    """Jest a dependency that no npm script runs (`npx jest`): its configuration all the same."""
    root = (tmp_path / "app").resolve()
    _project(workspace, root, None, "jest.config.ts", TS, None)
    manifest = json.loads((root / "package.json").read_text())
    manifest["scripts"] = {"build": "tsc"}
    (root / "package.json").write_text(json.dumps(manifest))
    proc = subprocess.run([str(node26), str(engines_node_modules / "jest/bin/jest.js"), "--showConfig"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and '"xfunctions"' in proc.stdout, proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.severity in ("error", "warning")], \
        [(f.path.name, f.code, f.message) for f in project.findings]
    assert project.config_loading(root / "jest.config.ts") == ("import()", config_loading(str(root / "jest.config.ts")))
