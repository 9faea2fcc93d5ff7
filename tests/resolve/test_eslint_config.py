"""ESLint's flat configuration: loaded with import() (jiti's for TypeScript), whatever the
package's "type", so a top-level await in it, or an import of an async package, only makes
ESLint wait (no async-import); an eslint.config.cjs's own require() of an async package throws.
Held to ESLint 10.16 (`eslint --print-config`, which loads the configuration) under Node 26."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

ESM = "import { plugin } from 'asyncpkg';\nconst n = await Promise.resolve('x');\nexport default [{ name: n + typeof plugin }];\n"
# an async package (the tools' configurations import it)
ASYNC_PACKAGE = {
    "node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
    "node_modules/asyncpkg/index.js": "await new Promise((r) => setTimeout(r, 1));\nexport function plugin() { return 'p'; }\n",
}
CASES = {
    "js-module-package": ("module", "eslint.config.js", ESM),
    "js-commonjs-package": (None, "eslint.config.js", ESM),
    "mjs": (None, "eslint.config.mjs", ESM),
    "ts-commonjs-package": (None, "eslint.config.ts", ESM),
    "mts": ("module", "eslint.config.mts", ESM),
    "cjs-require": (None, "eslint.config.cjs",
                    "const { plugin } = require('asyncpkg');\nmodule.exports = [{ name: typeof plugin }];\n"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_as_eslint_loads_it(case, node26, eslint_engine, workspace, tmp_path):
    kind, name, text = CASES[case]
    root = tmp_path / "app"
    manifest = {"name": "app", "private": True, "scripts": {"lint": "eslint ."}, **({"type": kind} if kind else {})}
    workspace({"package.json": json.dumps(manifest), name: text, "a.js": "export const a = 1;\n", **ASYNC_PACKAGE},
              root)
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), str(eslint_engine / "eslint/bin/eslint.js"), "--print-config", "a.js"],
                          cwd=root, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    if proc.returncode == 0:
        assert '"linterOptions"' in out, out
        assert not [f for f in project.findings if f.severity in ("error", "warning")], shown
        config = project.modules[Path(root / name).resolve()] if (root / name).resolve() in project.modules else \
            project.modules[root / name]
        assert config.is_async  # (it is async: only ESLint waits for it)
    else:
        assert "ERR_REQUIRE_ASYNC_MODULE" in out or "require() cannot be used on an ESM graph" in out, out
        (f,) = [f for f in project.findings if f.severity == "error"]
        assert f.code == "require-async" and f.path.name == name, shown
