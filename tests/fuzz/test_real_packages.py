"""Real code: every ES module of real published packages, tla-lens's verdict against V8's.

The packages are dependencies of tests/engines/package.json (installed by `make engines`): ESM
packages with `exports` maps, `imports` maps with conditions (chalk), conditional builds (uuid,
nanoid, valibot), a package whose entry has real top-level await (yoga-layout: `await loadYoga()`),
and TypeScript sources shipped beside the build (zod's src/, yoga-layout's src/).

For each package, every file Node would load as an ES module (.mjs/.mts, and .js/.ts under
"type": "module"; declaration files excluded) is given to the engine, which links it with Node's
own resolver (``import.meta.resolve`` from each importer; for a TypeScript importer whose `./x.js`
names `./x.ts`, TypeScript 5.9's resolver) and reports ``hasTopLevelAwait()``/``hasAsyncGraph()``.
tla-lens analyses the same files (``analyse(package_dir, files=...)``) and must agree on every one.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tla_lens.project import analyse
from tla_lens.syntax import dialect_for_path

PACKAGES = ["chalk", "nanoid", "p-limit", "yocto-queue", "preact", "uuid", "valibot", "yoga-layout", "zod"]
# at least this many ES modules compared per package (the test is not vacuous)
MIN_MODULES = {"zod": 240, "preact": 10, "valibot": 1, "yoga-layout": 4}
# modules with no V8 verdict because they import an uninstalled dev dependency / missing file
MAX_UNLINKABLE = {"zod": 210, "preact": 2, "yoga-layout": 2}
# packages whose entry really is async
ASYNC_ENTRIES = {"yoga-layout": ["dist/src/index.js"]}


def _type_of(file: Path, pkg_root: Path) -> str:
    d = file.parent
    while True:
        pj = d / "package.json"
        if pj.is_file():
            try:
                return "module" if json.loads(pj.read_text(encoding="utf-8")).get("type") == "module" else "commonjs"
            except ValueError:
                return "commonjs"
        if d == pkg_root or d.parent == d:
            return "commonjs"
        d = d.parent


def esm_files(pkg_root: Path) -> list[Path]:
    out = []
    for f in sorted(pkg_root.rglob("*")):
        if not f.is_file() or "node_modules" in f.relative_to(pkg_root).parts:
            continue
        if dialect_for_path(f) is None:  # also drops .d.ts
            continue
        ext = f.suffix
        if ext in (".mjs", ".mts") or (ext in (".js", ".ts", ".jsx", ".tsx") and _type_of(f, pkg_root) == "module"):
            out.append(f)
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_real_package_matches_v8(engine, engines_node_modules, package):
    root = (engines_node_modules / package).resolve()
    assert root.is_dir(), f"{package} is not installed: run `make engines`"
    files = esm_files(root)
    assert files, f"no ES modules found in {package}"
    v8 = engine.ask(op="package", files=[str(f) for f in files])
    # A module that (transitively) imports something Node cannot resolve -- a dev dependency or an
    # optional peer that is not installed (zod's tests import vitest, preact/compat/server imports
    # preact-render-to-string), a file left out of the published package (yoga-layout's src/ imports
    # ../binaries/) -- has no V8 verdict. Any other engine error is a harness bug.
    unlinkable = {f for f, e in v8["errors"].items() if e.startswith("UNRESOLVED")}
    others = {f: e for f, e in v8["errors"].items() if f not in unlinkable}
    assert not others, json.dumps(others, indent=1)[:4000]
    assert len(unlinkable) <= MAX_UNLINKABLE.get(package, 0), sorted(unlinkable)
    files = [f for f in files if str(f) not in unlinkable]
    analysis = analyse(root, files=files)
    problems = []
    for f in files:
        want = v8["files"][str(f)]
        mod = analysis.modules.get(f)
        rel = f.relative_to(root).as_posix()
        if mod is None:
            problems.append(f"{rel}: not analysed; V8 says {want}")
            continue
        ours = {"format": mod.format, "tla": mod.has_tla, "async": mod.is_async}
        if ours != {"format": "esm", **want}:
            problems.append(f"{rel}: V8 {want}, tla-lens {ours} chain={[str(p) for p in mod.chain]}")
    assert not problems, f"{len(problems)} disagreement(s) in {package}:\n" + "\n".join(problems[:20])
    assert len(files) >= MIN_MODULES.get(package, 1)
    for entry in ASYNC_ENTRIES.get(package, []):
        assert v8["files"][str(root / entry)]["async"], entry
