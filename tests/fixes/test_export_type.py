"""export_type: `export { T } from` -> `export type { T } from`, for a re-export whose names are
only types in the other module (the project's export tables say so; an async module there no
longer makes the file wait, whatever compiles it). Held to TypeScript 5.9: transpileModule (a
per-file compiler) drops the converted statement, and `tsc --isolatedModules` accepts it."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.fixes import Fix, Refusal, apply_edits, export_type
from tla_lens.project import analyse
from tla_lens.syntax import Dialect, extract

from .helpers import apply_fix

TS = Dialect.TS


def convert(src: str, index: int = 0) -> str:
    fix = export_type(src.encode(), TS, index)
    assert isinstance(fix, Fix) and fix.title == "Convert to `export type`" and fix.preferred, fix
    out = apply_fix(fix, src, TS)
    assert extract(out.encode(), TS).imports[index].type_only
    return out


def test_conversions():
    assert convert('export { A } from "./m";\n') == 'export type { A } from "./m";\n'
    assert convert("export {A, B as C} from './m'\nexport const x = 1;\n") == \
        "export type {A, B as C} from './m'\nexport const x = 1;\n"
    assert convert('export { type A, B } from "./m";\n') == 'export type { A, B } from "./m";\n'
    assert convert('import "./x";\nexport { A } from "./m";\n', 1) == 'import "./x";\nexport type { A } from "./m";\n'


@pytest.mark.parametrize("src,dialect,fragment", [
    ('export * from "./m";\n', TS, "only `export { … } from`"),
    ('export * as ns from "./m";\n', TS, "only `export { … } from`"),
    ('export type { A } from "./m";\n', TS, "already `export type`"),
    ('import { A } from "./m";\n', TS, "only `export { … } from`"),
    ('export { A } from "./m";\n', Dialect.JS, "TypeScript syntax"),
])
def test_refusals(src, dialect, fragment):
    got = export_type(src.encode(), dialect, 0)
    assert isinstance(got, Refusal) and fragment in got.reason, got


def _isolated_project(tmp_path) -> Path:
    """An ES module package whose tsconfig asks for `isolatedModules` (per-file compilers)."""
    root = Path(os.path.realpath(tmp_path)) / "app"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "app", "type": "module"}))
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "module": "esnext", "moduleResolution": "bundler", "target": "es2022", "isolatedModules": True,
        "noEmit": True, "strict": True}, "include": ["src"]}))
    return root


def _transpiled(node26, ts5, path: Path) -> str:
    """What transpileModule (a per-file compiler, `isolatedModules`) makes of ``path``."""
    emitted = subprocess.run([str(node26), "-e", (
        "const ts = require(process.argv[1]);"
        "const src = require('fs').readFileSync(process.argv[2], 'utf8');"
        "process.stdout.write(ts.transpileModule(src, {compilerOptions: {module: ts.ModuleKind.ESNext, "
        "isolatedModules: true}}).outputText)"),
        str(ts5), str(path)], capture_output=True, text=True, timeout=60)
    assert emitted.returncode == 0, emitted.stderr
    return emitted.stdout


def test_the_fix_in_a_project_as_typescript_compiles_it(node26, ts5, engines_node_modules, tmp_path):
    """A per-file project (no tsc build): the re-export of an interface from an async module
    makes the barrel async; the project says its names are only types, the fix is offered, and
    after it the barrel is not async — transpileModule drops the statement, tsc accepts it under
    `isolatedModules` (which reports the statement before: TS1205)."""
    root = _isolated_project(tmp_path)
    (root / "src/db.ts").write_text("export interface DbConfig { url: string }\nexport type Row = string[];\n"
                                    "export const enum Mode { A }\n"
                                    "export const pool = await Promise.resolve({ size: 1 });\n")
    (root / "src/barrel.ts").write_text('export { DbConfig, Row as R } from "./db.js";\n')
    (root / "src/mixed.ts").write_text('export { DbConfig, pool } from "./db.js";\n')
    (root / "src/enum.ts").write_text('export { Mode } from "./db.js";\n')
    project = analyse(root, Config(), cache=False)
    barrel = project.modules[root / "src/barrel.ts"]
    assert barrel.is_async
    reexports = project.type_reexports
    assert reexports.only_types(barrel, barrel.facts.imports[0])
    (f,) = [f for f in project.findings if f.path == barrel.path and f.code == "async-import"]
    assert f.message.endswith("; `DbConfig`, `Row` are only types there: `export type { … }` says so, and no "
                              "compiler keeps it"), f.message
    (g,) = [f for f in project.findings if f.path.name == "mixed.ts" and f.code == "async-import"]
    assert "only types" not in g.message
    for name in ("mixed", "enum"):  # (a value; a const enum, inlined where used: not offered)
        mod = project.modules[root / f"src/{name}.ts"]
        assert not reexports.only_types(mod, mod.facts.imports[0]), name
    tsc = [str(node26), str(ts5 / "bin/tsc"), "-p", str(root)]
    before = subprocess.run(tsc, capture_output=True, text=True, timeout=180)
    assert "src/barrel.ts(1,10): error TS1205" in before.stdout, before.stdout
    fix = export_type(barrel.source, TS, 0)
    (root / "src/barrel.ts").write_bytes(apply_edits(barrel.source, fix.edits))
    after = subprocess.run(tsc, capture_output=True, text=True, timeout=180)
    assert "barrel.ts" not in after.stdout, after.stdout
    assert "./db.js" not in _transpiled(node26, ts5, root / "src/barrel.ts")
    assert not analyse(root, Config(), cache=False).modules[root / "src/barrel.ts"].is_async


def test_import_then_export_of_types_as_typescript_compiles_it(node26, ts5, tmp_path):
    """`import { DbConfig } from "./db"; export { DbConfig }` of an interface, in a per-file
    project: the import is kept (its binding is exported), so the module is async; the quick fix
    makes it `import type` and the export `export { type DbConfig }`. Held to tsc under
    `isolatedModules` (TS1205 before, nothing after) and transpileModule (the import gone)."""
    from tla_lens.fixes import import_type

    root = _isolated_project(tmp_path)
    (root / "src/db.ts").write_text("export interface DbConfig { url: string }\nexport type Row = string[];\n"
                                    "export const pool = await Promise.resolve({ size: 1 });\n")
    (root / "src/barrel.ts").write_text('import { DbConfig, Row } from "./db.js";\n'
                                        'let r: Row | undefined;\nexport { DbConfig as Config };\n'
                                        'export { DbConfig };\n')
    (root / "src/mixed.ts").write_text('import { DbConfig, pool } from "./db.js";\nexport { DbConfig, pool };\n')
    (root / "src/lower.ts").write_text('import { DbConfig as dbConfig } from "./db.js";\nexport { dbConfig };\n')
    project = analyse(root, Config(), cache=False)
    barrel = project.modules[root / "src/barrel.ts"]
    assert barrel.is_async
    reexports = project.type_reexports
    assert reexports.reexported_types(barrel, barrel.facts.imports[0]) == ["DbConfig"]
    (f,) = [f for f in project.findings if f.path == barrel.path and f.code == "async-import"]
    assert "; `DbConfig` is only a type there, re-exported here: `import type` with `export { type … }` says so" \
        in f.message, f.message
    mixed = project.modules[root / "src/mixed.ts"]
    assert reexports.reexported_types(mixed, mixed.facts.imports[0]) == []  # (pool is a value)
    lower = project.modules[root / "src/lower.ts"]
    assert reexports.reexported_types(lower, lower.facts.imports[0]) == ["DbConfig"]
    plain = import_type(barrel.source, TS, 0)
    assert isinstance(plain, Refusal) and "re-exported" in plain.reason
    fix = import_type(barrel.source, TS, 0, reexported=True)
    assert isinstance(fix, Fix) and fix.title == "Convert to `import type` and its re-export to `export { type … }`"
    fixed = apply_edits(barrel.source, fix.edits).decode()
    assert fixed == ('import type { DbConfig, Row } from "./db.js";\nlet r: Row | undefined;\n'
                     'export { type DbConfig as Config };\nexport { type DbConfig };\n')
    tsc = [str(node26), str(ts5 / "bin/tsc"), "-p", str(root)]
    before = subprocess.run(tsc, capture_output=True, text=True, timeout=180)
    assert "src/barrel.ts(3,10): error TS1205" in before.stdout, before.stdout
    (root / "src/barrel.ts").write_text(fixed)
    after = subprocess.run(tsc, capture_output=True, text=True, timeout=180)
    assert "barrel.ts" not in after.stdout, after.stdout
    assert "./db.js" not in _transpiled(node26, ts5, root / "src/barrel.ts")
    assert not analyse(root, Config(), cache=False).modules[root / "src/barrel.ts"].is_async
