"""`external` values a build configuration computes (resolve/computed.py): lists from the
package's manifest and Node's builtins, functions of the import made of the forms projects write
— each applied as Rollup applies it to an import as written; forms not read leave the build
unread with the form named; an edit of the manifest is seen by the next reading. (The builds
themselves are held to Rollup, Vite and esbuild in test_rollup_cjs.py, test_vite_lib.py and
test_esbuild_api.py.)"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.resolve.tsup import package_cjs_builds

MANIFEST = {"name": "lib", "type": "module", "scripts": {"build": "rollup -c"},
            "dependencies": {"dep-a": "1", "@scope/b": "1"}, "peerDependencies": {"peer": "1"},
            "devDependencies": {"dev": "1"}}


def _builds(root: Path, config: str, manifest: dict = MANIFEST):
    (root / "package.json").write_text(json.dumps(manifest))
    (root / "rollup.config.mjs").write_text(config)
    texts = {}

    def read(path):
        texts.setdefault(path, 0)
        texts[path] += 1
        try:
            return Path(path).read_text()
        except OSError:
            return None

    (build,) = package_cjs_builds(manifest, str(root), lambda p: Path(p).is_file(), read)
    return build


def _config(external: str, head: str = "") -> str:
    return (f'{head}\nexport default {{ input: "src/index.js", output: {{ format: "cjs", dir: "dist" }}, '
            f'external: {external}, plugins: [nodeResolve()] }};\n')


IMPORTS = ["dep-a", "dep-a/sub", "@scope/b", "peer", "dev", "x", "fs", "node:fs", "./local.js", "/abs/file.js",
           "a.css", "other"]
HEAD = 'import { nodeResolve } from "@rollup/plugin-node-resolve";\nimport pkg from "./package.json" with { type: "json" };'
KEPT = {
    # lists: from the manifest (spreads, `||`, `??`, objects of spreads, concat), builtins
    "[...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies || {})]":
        {"dep-a", "@scope/b", "peer"},
    "Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })": {"dep-a", "@scope/b", "dev"},
    'Object.keys(pkg.dependencies ?? {}).concat(["x"], Object.keys(pkg["peerDependencies"]))':
        {"dep-a", "@scope/b", "x", "peer"},
    "Object.keys(pkg.optionalDependencies || {})": set(),
    'Object.keys(pkg.dependencies).filter((n) => n !== "dep-a" && !n.startsWith("x"))': {"@scope/b"},
    # functions of the import
    '(id) => !id.startsWith(".") && !path.isAbsolute(id)': set(IMPORTS) - {"./local.js", "/abs/file.js"},
    "(id) => /^(dep-a|peer)(\\/|$)/.test(id)": {"dep-a", "dep-a/sub", "peer"},
    "function (id) { return Object.keys(pkg.dependencies).includes(id); }": {"dep-a", "@scope/b"},
    "(id) => Object.keys(pkg.dependencies).some((d) => id === d || id.startsWith(`${d}/`))":
        {"dep-a", "dep-a/sub", "@scope/b"},
    '(id) => id.match(/^@scope\\//) ? true : id === "x"': {"@scope/b", "x"},
    'id => new Set(["peer", "dev"]).has(id) || id.endsWith(".css")': {"peer", "dev", "a.css"},
    "(id) => builtinModules.includes(id) || id.startsWith('node:')": {"fs", "node:fs"},
    "[...builtinModules, ...builtinModules.map((m) => `node:${m}`)]": {"fs", "node:fs"},
}

@pytest.mark.parametrize("external", list(KEPT))
def test_kept_external(external, tmp_path):
    head = HEAD + '\nimport path from "node:path";\nimport { builtinModules } from "node:module";'
    build = _builds(tmp_path, _config(external, head))
    assert build.unread is None, build.unread
    assert {i for i in IMPORTS if build.keeps_external(i)} == KEPT[external]


NOT_READ = {
    "(id, importer) => importer.includes(\"vendor\")":
        "`external` is a function: the function's `importer` (not the import) is not read",
    "(id) => isExternal(id)": "`external` is a function: `isExternal(id)` is not a form tla-lens reads without "
                              "running the configuration",
    "(id) => { if (id === 'a') return true; return false; }":
        "`external` is a function: `(id) => { if (id === 'a') return true; return false; }` is more than one "
        "`return` of an expression",
    "Object.keys(loadPackage().dependencies)":
        "`external` (`Object.keys(loadPackage().dependencies)`) is not strings or regular expressions: "
        "`loadPackage()` is not data tla-lens reads without running the configuration",
    "[...deps]": "`deps` is not a list tla-lens reads without running the configuration",
}


@pytest.mark.parametrize("external", list(NOT_READ))
def test_forms_not_read_are_named(external, tmp_path):
    build = _builds(tmp_path, _config(external, HEAD))
    assert build.unread == f"rollup.config.mjs: {NOT_READ[external]}"


def test_the_manifest_read_through_require_and_readfilesync(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config/deps.json").write_text('{"list": {"from-json": "1"}}')
    head = ('import { nodeResolve } from "@rollup/plugin-node-resolve";\nimport { readFileSync } from "node:fs";\n'
            'import { createRequire } from "node:module";\nimport path from "node:path";\n'
            'const require = createRequire(import.meta.url);\nconst { dependencies } = require("./package.json");\n'
            'const extra = JSON.parse(readFileSync(path.join(import.meta.dirname, "config/deps.json"), "utf8"));')
    build = _builds(tmp_path, _config("[...Object.keys(dependencies), ...Object.keys(extra.list)]", head))
    assert build.unread is None and build.external_shown == ["dep-a", "@scope/b", "from-json"]


def test_an_edit_of_the_manifest_is_seen(tmp_path):
    """The configuration's reading is remembered for its text, and redone when a JSON file it
    loaded changed (the same text, a dependency added)."""
    config = _config("Object.keys(pkg.dependencies)", HEAD)
    assert _builds(tmp_path, config).external_shown == ["dep-a", "@scope/b"]
    more = {**MANIFEST, "dependencies": {**MANIFEST["dependencies"], "added": "1"}}
    assert _builds(tmp_path, config, more).external_shown == ["dep-a", "@scope/b", "added"]
    assert _builds(tmp_path, config, MANIFEST).external_shown == ["dep-a", "@scope/b"]


def test_print_config_shows_the_function(tmp_path):
    root = tmp_path / "lib"
    (root / "src").mkdir(parents=True)
    (root / "src/index.js").write_text('import "dep-a";\n')
    _builds(root, _config('(id) => id === "dep-a"', HEAD))
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    (build,) = json.loads(r.stdout)["tsupBuilds"]
    assert build["external"] == ['(id) => id === "dep-a"'] and "notRead" not in build


def test_tsup_external_from_the_manifest(tmp_path):
    """tsup keeps `dependencies` and `peerDependencies` external itself; a configuration adds
    the devDependencies from the manifest (and bundles one of them, `noExternal`)."""
    manifest = {**MANIFEST, "scripts": {"build": "tsup"}, "devDependencies": {"dev": "1", "dev2": "1"}}
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    (tmp_path / "tsup.config.ts").write_text(
        'import pkg from "./package.json";\n\nexport default {\n  entry: ["src/index.ts"],\n'
        '  external: [...Object.keys(pkg.devDependencies)],\n  noExternal: Object.keys(pkg.devDependencies)'
        '.filter((n) => n === "dev2"),\n};\n')
    (build,) = package_cjs_builds(manifest, str(tmp_path), lambda p: Path(p).is_file(),
                                  lambda p: Path(p).read_text() if Path(p).is_file() else None)
    assert build.unread is None, build.unread
    assert {i for i in ("dep-a", "dev", "dev2", "other") if build.keeps_external(i)} == {"dep-a", "dev"}
