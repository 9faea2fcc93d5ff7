"""Nx's swc executor (`@nx/js:swc`): swc's command line run in the project's folder on its source
folder with the project's .swcrc (or `swcrc`), each file compiled alone — with `module.type:
"commonjs"` every import a require() (ERR_REQUIRE_ASYNC_MODULE for an async ES module). The
.swcrc Nx generates excludes the spec files with regular expressions written `./**/…`, which
Rust's regex crate reads as nested repetitions. Held to `nx build` (Nx 23, @nx/js 23, swc 1.16)
and Node 26 running every output."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_nx_vite import nx_run

# the .swcrc @nx/js's library generator writes (its `exclude`), with the module type of the case
SWCRC = {"jsc": {"target": "es2017", "parser": {"syntax": "typescript", "decorators": True, "dynamicImport": True},
                 "keepClassNames": True, "loose": True},
         "sourceMaps": True,
         "exclude": ["jest.config.ts", ".*\\.spec.tsx?$", ".*\\.test.tsx?$", "./src/jest-setup.ts$",
                     "./**/jest-setup.ts$", ".*.js$"]}
SOURCES = {
    "src/index.ts": 'import { x } from "slow-dep";\nexport const y = x;\nconsole.log(y);\n',
    "src/lazy.ts": 'export async function go() {\n  const { x } = await import("slow-dep");\n  return x;\n}\n'
                   'go().then(console.log);\n',
    "src/plain.ts": 'import { z } from "sync-dep";\nconsole.log(z);\n',
    # excluded by the .swcrc: never compiled (its import of an async module is no error)
    "src/index.spec.ts": 'import { x } from "slow-dep";\nconsole.log(x);\n',
}
CASES = {
    # (module type, the project's `sourceRoot` (None: not set), `swcrc` option, outputs that throw)
    "commonjs": ("commonjs", "libs/mylib/src", None, {"index", "lazy"}),
    "commonjs-no-source-root": ("commonjs", None, None, {"index", "lazy"}),
    "swcrc-option": ("commonjs", "libs/mylib/src", "libs/mylib/.lib.swcrc", {"index", "lazy"}),
    "es6": ("es6", "libs/mylib/src", None, set()),
}


def _workspace(tmp_path: Path, engines: Path, case: str) -> Path:
    module, source_root, swcrc, _ = CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "ws"
    lib = root / "libs/mylib"
    (lib / "src").mkdir(parents=True)
    nm = root / "node_modules"
    nm.mkdir()
    for name in ("nx", "@nx", "@swc", "tslib", "typescript"):
        (nm / name).symlink_to(engines / name)
    for name, text in (("slow-dep", "export const x = await Promise.resolve('A');\n"),
                       ("sync-dep", "export const z = 'S';\n")):
        (nm / name).mkdir()
        (nm / name / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0", "type": "module",
                                                            "exports": "./i.js"}))
        (nm / name / "i.js").write_text(text)
    (root / "nx.json").write_text("{}")
    (root / "package.json").write_text('{"name": "ws", "private": true}')
    options = {"outputPath": "dist/libs/mylib", "main": "libs/mylib/src/index.ts",
               "tsConfig": "libs/mylib/tsconfig.lib.json", **({"swcrc": swcrc} if swcrc else {})}
    (lib / "project.json").write_text(json.dumps({
        "name": "mylib", "projectType": "library", **({"sourceRoot": source_root} if source_root else {}),
        "targets": {"build": {"executor": "@nx/js:swc", "options": options}}}, indent=2))
    (root / (swcrc or "libs/mylib/.swcrc")).write_text(json.dumps({**SWCRC, "module": {"type": module}}, indent=2))
    (lib / "tsconfig.lib.json").write_text(json.dumps({"compilerOptions": {
        "module": "esnext", "moduleResolution": "bundler", "target": "es2022", "types": []},
        "include": ["src/**/*.ts"], "exclude": ["src/**/*.spec.ts"]}))
    for rel, text in SOURCES.items():
        (lib / rel).write_text(text)
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_nx_swc_outputs_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    root = _workspace(tmp_path, engines_node_modules, case)
    project = analyse(root, Config(), cache=False)
    proc = nx_run(root, node26, engines_node_modules, "build", "mylib")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = root / "dist/libs/mylib/src"
    built = sorted(p.stem for p in out.glob("*.js"))
    assert built == ["index", "lazy", "plain"], built  # (the spec file excluded by the .swcrc)
    throws = set()
    for name in built:
        run = subprocess.run([str(node26), str(out / f"{name}.js")], cwd=root, capture_output=True, text=True,
                             timeout=60)
        if "ERR_REQUIRE_ASYNC_MODULE" in run.stderr:
            throws.add(name)
    expected = CASES[case][-1]
    assert throws == expected, throws
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    assert errors == expected, [f.message for f in project.findings if f.code == "require-async"]
    if expected:
        (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "require-async"]
        assert f.message.startswith("swc compiles this import to `require(\"slow-dep\")` (target `build` of project "
                                    "`mylib` in libs/mylib/project.json compiles it alone into CommonJS, with "
                                    "`module.type: \"commonjs\"` in "), f.message
