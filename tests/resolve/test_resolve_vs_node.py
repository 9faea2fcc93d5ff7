"""tla_lens.resolve against Node 26's own resolvers (import.meta.resolve and require.resolve).

The real published package chalk@5.4.1 (package.json `imports` with conditions, `exports`) and a
generated package with a rich exports/imports map are resolved both ways, in one Node process per
condition set, and must agree. Where our resolver is knowingly more lenient than Node (probing in
ESM), the case is listed as lenient and only checked in the direction "Node found a file".
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tla_lens.resolve import Resolver

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "node_resolve_harness.mjs"

Case = tuple[str, str, str]  # specifier, parent file, mode


def node_resolve(node: Path, cases: list[Case], conditions: tuple[str, ...] = ()) -> list[dict]:
    args = [str(node), "--no-warnings", "--experimental-import-meta-resolve"]
    args += [f"--conditions={c}" for c in conditions]
    proc = subprocess.run(args + [str(HARNESS)], input=json.dumps(cases), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out) == len(cases)
    return out


# Node's CommonJS resolver fails on an "imports" target that is a builtin (it turns "fs" into the
# URL node:fs and then cannot make a path of it: ERR_INVALID_URL_SCHEME); ESM resolves it. We say
# "builtin" in both modes on purpose.
KNOWN_DIFFERENCES = frozenset({("#builtin", "require")})


def compare(r: Resolver, cases: list[Case], node_out: list[dict], lenient: frozenset[str] = frozenset()) -> list[str]:
    bad = []
    for (spec, parent, mode), nr in zip(cases, node_out):
        if (spec, mode) in KNOWN_DIFFERENCES:
            continue
        ours = r.resolve(spec, Path(parent), mode)  # type: ignore[arg-type]
        where = f"{spec!r} from {parent} ({mode}): node={nr} ours={ours}"
        if "ok" in nr:
            v = nr["ok"]
            if v.startswith("node:") or not os.path.isabs(v):
                # import.meta.resolve does not check that a node: module exists; importing it does
                unknown = ours.kind == "unresolved" and "unknown Node builtin" in (ours.message or "")
                if ours.kind != "builtin" and not unknown:
                    bad.append(where)
            elif os.path.isfile(v):
                if ours.kind not in ("file", "ignored") or ours.path != Path(os.path.realpath(v)):
                    bad.append(where)
            elif ours.kind != "unresolved" and spec not in lenient:
                bad.append(where)  # Node resolved to a URL with no file behind it
        elif ours.kind != "unresolved" and spec not in lenient:
            bad.append(where)
    return bad


# ------------------------------------------------------------------------------ chalk ---
_IMPORT_RX = re.compile(
    r"""(?:\b(?:import|export)\s[^'";]*?\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\1""")


def chalk_cases(engines: Path) -> list[Case]:
    chalk = engines / "chalk"
    cases: list[Case] = []
    for f in sorted(chalk.rglob("*.js")):
        for m in _IMPORT_RX.finditer(f.read_text()):
            cases.append((m.group(2), str(f), "import"))
    beside = str(engines.parent / "importer.mjs")
    cases += [("chalk", beside, "import"), ("chalk/package.json", beside, "import"),
              ("chalk/source/index.js", beside, "import"), ("chalk", beside, "require")]
    return cases


def test_chalk_matches_node(node26: Path, engines_node_modules: Path) -> None:
    cases = chalk_cases(engines_node_modules)
    specs = {c[0] for c in cases}
    # the package's own internal imports were found: relative, '#' (with conditions) and builtins
    assert {"#ansi-styles", "#supports-color", "./utilities.js", "node:process"} <= specs, specs
    for conditions in ((), ("browser",)):
        out = node_resolve(node26, cases, conditions)
        r = Resolver(engines_node_modules.parent, conditions)
        assert compare(r, cases, out) == []
        assert r.problems == []
    # the browser build of supports-color really is chosen without the "node" condition
    sc = engines_node_modules / "chalk" / "source" / "vendor" / "supports-color"
    r = Resolver(engines_node_modules.parent, ("browser", "-node"))
    got = r.resolve("#supports-color", engines_node_modules / "chalk" / "source" / "index.js", "import")
    assert got.path == sc / "browser.js"


# ------------------------------------------------------------------- a synthetic package ---
RICH = {
    "name": "rich",
    "type": "module",
    "main": "./dist/legacy.js",
    "exports": {
        ".": [{"browser": "./dist/browser.js",
               "import": {"node": "./dist/node.mjs", "default": "./dist/index.mjs"},
               "require": "./dist/index.cjs"}, "./dist/fallback.js"],
        "./package.json": "./package.json",
        "./feature": {"browser": {"import": "./feature/browser.mjs", "default": "./feature/browser.js"},
                      "node": "./feature/node.js", "default": "./feature/default.js"},
        "./webfirst": {"browser": "./feature/browser.js", "default": "./feature/default.js"},
        "./features/*.js": "./src/features/*.js",
        "./features/*": "./src/features/*.js",
        "./features/internal/*": None,
        "./features/internal/public.js": "./src/features/internal/public.js",
        "./lib/*": {"import": "./esm/*.mjs", "require": "./cjs/*.cjs"},
        "./deep/*/index": "./deep/*/main.js",
        "./multi/*": "./m/*/*.js",
        "./arr": ["./arr/first.js", "./arr/second.js"],
        "./arr-invalid": ["../bad.js", "./arr/second.js"],
        "./arr-null": [None, "./arr/second.js"],
        "./arr-cond": [{"deno": "./arr/first.js"}, "./arr/second.js"],
        "./cond-null": {"node": None, "default": "./cond/default.js"},
        "./cond-miss": {"deno": "./cond/default.js"},
        "./blocked": None,
        "./types-only": {"types": "./t.d.ts"},
        "./types-first": {"types": "./t.d.ts", "default": "./cond/default.js"},
        "./missing": "./does-not-exist.js",
        "./sub/": "./sub/",
        "./nm": "./node_modules/x.js",
        "./dotdot": "./a/../feature/node.js",
        "./style.css": "./assets/style.css",
        "./data": "./assets/data.json",
        "./ext/*.js": "./ext/*.js",
        "./ext/*.special.js": "./ext/special/*.js",
        "./dep": "./src/uses-dep.js",
    },
    "imports": {
        "#internal": "./src/internal.js",
        "#cond": {"browser": "./src/cond-browser.js",
                  "node": {"import": "./src/cond-node.mjs", "require": "./src/cond-node.cjs"},
                  "default": "./src/cond-default.js"},
        "#pat/*": "./src/pat/*.js",
        "#pat/special/*": "./src/special/*.js",
        "#pat/null/*": None,
        "#dep": "dep",
        "#dep/*": "dep/*",
        "#trail/*.js": "./src/trail/*.mjs",
        "#arr": ["./src/arr-a.js", "./src/arr-b.js"],
        "#/slash": "./src/internal.js",
        "#builtin": {"node": "fs", "default": "./src/internal.js"},
        "#bad": "../outside.js",
    },
}

RICH_FILES = [
    "dist/browser.js", "dist/node.mjs", "dist/index.mjs", "dist/index.cjs", "dist/fallback.js", "dist/legacy.js",
    "feature/browser.mjs", "feature/browser.js", "feature/node.js", "feature/default.js",
    "src/features/a.js", "src/features/sub/b.js", "src/features/internal/x.js", "src/features/internal/public.js",
    "esm/util.mjs", "cjs/util.cjs", "deep/q/main.js", "deep/q/r/main.js", "m/zz/zz.js", "arr/first.js",
    "arr/second.js", "cond/default.js", "t.d.ts", "sub/x.js", "node_modules/x.js", "assets/style.css",
    "assets/data.json", "ext/one.js", "ext/special/two.js", "ext/two.special.js", "src/uses-dep.js",
    "src/internal.js", "src/cond-browser.js", "src/cond-node.mjs", "src/cond-node.cjs", "src/cond-default.js",
    "src/pat/a.js", "src/pat/dir/b.js", "src/special/s.js", "src/pat/special/s.js", "src/pat/null/n.js",
    "src/trail/t.mjs", "src/arr-a.js", "src/arr-b.js", "src/x.js",
]

RICH_SPECS = [
    "rich", "rich/", "rich/package.json", "rich/feature", "rich/webfirst", "rich/features/a.js", "rich/features/a",
    "rich/features/sub/b.js", "rich/features/sub/b", "rich/features/internal/x.js", "rich/features/internal/public.js",
    "rich/lib/util", "rich/lib/", "rich/deep/q/index", "rich/deep/q/r/index", "rich/deep//index", "rich/multi/zz",
    "rich/arr", "rich/arr-invalid", "rich/arr-null", "rich/arr-cond", "rich/cond-null", "rich/cond-miss",
    "rich/blocked", "rich/types-only", "rich/types-first", "rich/missing", "rich/nope", "rich/sub/x.js",
    "rich/sub/", "rich/nm", "rich/dotdot", "rich/style.css", "rich/data", "rich/ext/one.js",
    "rich/ext/two.special.js", "rich/dist/node.mjs", "rich/features/../feature", "rich/features/%2e%2e/x",
    "rich/dep",
]

INTERNAL_SPECS = [
    "#internal", "#cond", "#pat/a", "#pat/dir/b", "#pat/special/s", "#pat/null/n", "#dep", "#dep/sub.js",
    "#dep/missing.js", "#trail/t.js", "#trail/t", "#arr", "#/slash", "#builtin", "#bad", "#nope", "#", "#pat/",
    "./internal.js", "../dist/node.mjs", "./cond-node.cjs", "rich", "rich/feature", "rich/features/a.js",
    "dep", "dep/sub.js", "dep/hidden.js", "node:fs", "fs", "fs/promises", "node:sqlite", "node:nope",
]


def build_project(root: Path) -> dict[str, Path]:
    def w(rel: str, content: str = "") -> Path:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
        return p

    w("package.json", json.dumps({"name": "app", "type": "module",
                                  "exports": {".": "./src/main.js", "./util": {"import": "./src/util.js", "require": "./src/util.cjs"}},
                                  "imports": {"#app/*": {"browser": "./src/web/*.js", "default": "./src/node/*.js"}}}))
    for f in ("src/main.js", "src/util.js", "src/util.cjs", "src/web/x.js", "src/node/x.js", "src/plain.js"):
        w(f)
    rich = root / "node_modules" / "rich"
    w("node_modules/rich/package.json", json.dumps(RICH, indent=2))
    for f in RICH_FILES:
        w(f"node_modules/rich/{f}")
    w("node_modules/dep/package.json", json.dumps({"name": "dep", "exports": {".": "./index.js", "./sub.js": "./sub.js",
                                                                           "./missing.js": "./missing.js"}}))
    w("node_modules/dep/index.js")
    w("node_modules/dep/sub.js")
    w("node_modules/dep/hidden.js")
    w("node_modules/@scope/pkg/package.json", json.dumps({"name": "@scope/pkg", "main": "lib/main.js"}))
    w("node_modules/@scope/pkg/lib/main.js")
    w("node_modules/@scope/pkg/lib/sub.js")
    w("node_modules/@scope/nomain/package.json", json.dumps({"name": "@scope/nomain"}))
    w("node_modules/@scope/nomain/index.js")
    # a workspace package reached through a symlink, and a nested node_modules inside rich
    w("packages/ws/package.json", json.dumps({"name": "ws", "exports": {".": "./index.js", "./*": "./lib/*.js"}}))
    w("packages/ws/index.js")
    w("packages/ws/lib/a.js")
    os.symlink("../packages/ws", root / "node_modules" / "ws")
    w("node_modules/rich/node_modules/dep/package.json", json.dumps({"name": "dep", "exports": "./nested.js"}))
    w("node_modules/rich/node_modules/dep/nested.js")
    return {"app": root / "src" / "main.js", "rich_src": rich / "src" / "x.js", "rich_cjs": rich / "src" / "cond-node.cjs"}


APP_SPECS = RICH_SPECS + [
    "app", "app/util", "app/nope", "#app/x", "#app/y", "./plain.js", "../src/plain.js", "./plain", "dep",
    "dep/sub.js", "@scope/pkg", "@scope/pkg/lib/sub.js", "@scope/pkg/lib/sub", "@scope/nomain", "@scope/none",
    "ws", "ws/a", "ws/b", "nope-pkg", "node:fs", "fs", "./web", "https://example.com/x.js",
]

# Our resolver probes extensions and directory indexes where Node's ESM resolver does not.
LENIENT = frozenset({"./plain", "@scope/pkg/lib/sub", "rich/dist/node.mjs"})


def synthetic_cases(files: dict[str, Path]) -> list[Case]:
    cases: list[Case] = []
    for mode in ("import", "require"):
        cases += [(s, str(files["app"]), mode) for s in APP_SPECS if not s.startswith("https:")]
        cases += [(s, str(files["rich_src"]), mode) for s in INTERNAL_SPECS]
    return cases


@pytest.mark.parametrize("conditions", [(), ("browser",)], ids=["default", "browser"])
def test_synthetic_package_matches_node(node26: Path, tmp_path: Path, conditions: tuple[str, ...]) -> None:
    files = build_project(tmp_path)
    cases = synthetic_cases(files)
    out = node_resolve(node26, cases, conditions)
    r = Resolver(tmp_path, conditions)
    bad = compare(r, cases, out, LENIENT)
    assert bad == [], "\n".join(bad)
    # the comparison is not vacuous: Node found files for most specifiers and refused others
    found = sum(1 for o in out if "ok" in o and os.path.isfile(o["ok"]))
    refused = sum(1 for o in out if "err" in o)
    assert found >= 60 and refused >= 30, (found, refused)
    # the broken parts of rich's package.json were reported once each
    msgs = [p.message for p in r.problems]
    assert len(msgs) == len(set(msgs))
    assert any("../bad.js" in m for m in msgs) and any("../outside.js" in m for m in msgs)
    assert any("node_modules/x.js" in m for m in msgs) and any("folder mapping" in m for m in msgs)


def test_package_entries_of_synthetic_package(tmp_path: Path) -> None:
    build_project(tmp_path)
    rich = tmp_path / "node_modules" / "rich"
    entries = {p.relative_to(rich).as_posix() for p in Resolver(tmp_path).package_entries(rich)}
    assert {"dist/node.mjs", "dist/index.cjs", "feature/node.js", "src/features/a.js", "src/features/sub/b.js",
            "esm/util.mjs", "cjs/util.cjs", "deep/q/main.js", "arr/first.js", "arr/second.js", "cond/default.js",
            "package.json", "dist/legacy.js", "src/uses-dep.js", "assets/style.css"} <= entries
    assert "t.d.ts" not in entries and "dist/browser.js" not in entries


def test_builtin_list_covers_node26(node26: Path) -> None:
    proc = subprocess.run([str(node26), "-p", "JSON.stringify(require('module').builtinModules)"],
                          capture_output=True, text=True, timeout=60)
    names = json.loads(proc.stdout)
    r = Resolver(Path("/"))
    for name in names:
        assert r.resolve(name, Path("/x.mjs"), "import").kind == "builtin", name
        if not name.startswith("node:"):
            assert r.resolve("node:" + name, Path("/x.mjs"), "import").kind == "builtin", name
