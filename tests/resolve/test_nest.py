"""NestJS apps built by the Nest CLI (`nest build`): through tsc by default — the whole program,
which drops a re-export of names that are only types, so a CommonJS app does not require() the
async ES module package they come from — and through swc or webpack where nest-cli.json or the
command says so (each file alone: the re-export stays a require()). Held to @nestjs/cli 12
building the app and Node 26 running the output."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.nest import nest_builds_with_tsc

TSCONFIG = {"compilerOptions": {"module": "commonjs", "target": "ES2023", "outDir": "./dist", "rootDir": "./src",
                                "declaration": True, "esModuleInterop": True, "skipLibCheck": True}}


def _app(tmp_path: Path, engines: Path, script: str, nest_cli: dict | None) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "app"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "app", "scripts": {"build": script,
                                                                             "start:prod": "node dist/main"}}))
    if nest_cli is not None:
        (root / "nest-cli.json").write_text(json.dumps(nest_cli))
    (root / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    (root / "tsconfig.build.json").write_text(json.dumps({"extends": "./tsconfig.json",
                                                          "exclude": ["node_modules", "dist", "**/*spec.ts"]}))
    dep = root / "node_modules/esm-dep"
    dep.mkdir(parents=True)
    (dep / "package.json").write_text(json.dumps({"name": "esm-dep", "type": "module",
                                                  "exports": {"types": "./index.d.ts", "default": "./index.js"}}))
    (dep / "index.js").write_text("export const pool = await Promise.resolve(1);\n")
    (dep / "index.d.ts").write_text("export interface DbConfig { url: string }\nexport declare const pool: number;\n")
    (root / "src/types.ts").write_text('export { DbConfig } from "esm-dep";\n')
    (root / "src/main.ts").write_text('import type { DbConfig } from "./types";\nimport "./types";\n'
                                      'const c: DbConfig = { url: "x" };\nconsole.log("STARTED", c.url);\n')
    swc = root / "node_modules/@swc"
    swc.mkdir()
    for p in (engines / "@swc").iterdir():  # (the swc builder needs @swc/cli and @swc/core beside the app)
        (swc / p.name).symlink_to(p)
    return root


CASES = {
    # script, nest-cli.json, does the build drop the re-export?
    "default": ("nest build", {"collection": "@nestjs/schematics", "sourceRoot": "src",
                               "compilerOptions": {"deleteOutDir": True}}, True),
    "no-config": ("nest build", None, True),
    "tsc-object": ("nest build", {"compilerOptions": {"builder": {"type": "tsc"}}}, True),
    "swc-config": ("nest build", {"compilerOptions": {"builder": "swc"}}, False),
    "swc-flag": ("nest build -b swc", {}, False),
    "tsc-flag-over-config": ("nest build --builder tsc", {"compilerOptions": {"builder": "swc"}}, True),
    "swc-object": ("nest build", {"compilerOptions": {"builder": {"type": "swc", "options": {}}}}, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_nest_build_against_the_cli(case, node26, engines_node_modules, tmp_path):
    script, nest_cli, drops = CASES[case]
    root = _app(tmp_path, engines_node_modules, script, nest_cli)
    assert nest_builds_with_tsc({"build": script}, str(root), lambda p: Path(p).read_text()
                                if Path(p).is_file() else None) is drops
    project = analyse(root, Config(), cache=False)
    errors = [f for f in project.findings if f.code == "require-async"]
    env = dict(os.environ, PATH=f"{node26.parent}{os.pathsep}{os.environ['PATH']}")
    built = subprocess.run([str(node26), str(engines_node_modules / "@nestjs/cli/bin/nest.js"), *script.split()[1:]],
                           cwd=root, capture_output=True, text=True, timeout=300, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    ran = subprocess.run([str(node26), "dist/main.js"], cwd=root, capture_output=True, text=True, timeout=60)
    if drops:
        assert "esm-dep" not in (root / "dist/types.js").read_text()
        assert ran.returncode == 0 and "STARTED x" in ran.stdout, ran.stderr
        assert errors == []
    else:
        assert 'require("esm-dep")' in (root / "dist/types.js").read_text()
        assert "ERR_REQUIRE_ASYNC_MODULE" in ran.stderr
        assert [f.path.name for f in errors] == ["types.ts"]


def test_builders_read(tmp_path):
    def builds(script: str, config: object = None, name: str = "nest-cli.json") -> bool:
        folder = tmp_path / script.replace(" ", "_").replace("/", "_")
        folder.mkdir(exist_ok=True)
        if config is not None:
            (folder / name).write_text(config if isinstance(config, str) else json.dumps(config))
        return nest_builds_with_tsc({"build": script}, str(folder),
                                    lambda p: Path(p).read_text() if Path(p).is_file() else None)
    assert builds("nest start --watch")
    assert builds("npx nest build", {"compilerOptions": {"webpack": False}})
    assert not builds("nest build --webpack")
    assert not builds("nest build", {"compilerOptions": {"webpack": True}})
    assert builds("nest build --tsc", {"compilerOptions": {"webpack": True}}, ".nest-cli.json")
    assert not builds("nest build", {"monorepo": True, "compilerOptions": {"webpack": True}})
    assert not builds("nest build -b rspack")
    assert not builds("nest new app")
    assert builds("nest build -c other.json", {"compilerOptions": {"builder": "swc"}}) is True  # (the file named)
    assert builds("nest build", "// comments\n{ compilerOptions: { builder: 'tsc', }, }")  # (JSON5)
    assert builds("nest build", "{ not json")  # (unreadable: read as the defaults)
