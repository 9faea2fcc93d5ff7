"""Entry points read from Vite and webpack configurations without running them: webpack's
`entry` (a string, an array, an object of names, descriptors `{import, dependOn}`; relative to
`context`; `./src` when there is none; several configurations), Vite's
`build.rollupOptions.input` (modules and HTML pages, whose module scripts start the app) and
`build.lib.entry`, relative to `root`. Held to the bundlers: webpack 5 building the project (its
entries' modules, and which webpack made async) and Vite 8 resolving its configuration."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.bundler import read_config

PROBE = Path(__file__).resolve().parent / "bundler_entries_probe.mjs"

SOURCES = {
    "package.json": json.dumps({"name": "app", "type": "module"}),
    "src/index.js": "import { db } from './db.js';\nexport const main = () => db;\n",
    "src/db.js": "export const db = await Promise.resolve(1);\n",
    "src/admin.js": "export const admin = 1;\n",
    "src/worker.js": "import './db.js';\n",
    "src/lib/a.js": "export const a = 1;\n",
    "src/lib/b.js": "import { db } from '../db.js';\nexport const b = db;\n",
    "web/index.html": "<!doctype html><script type=\"module\" src=\"/main.js\"></script>\n",
    "web/main.js": "import '../src/db.js';\n",
    "web/admin/index.html": "<script type=\"module\" src=\"./admin.js\"></script>\n",
    "web/admin/admin.js": "export {};\n",
}

WEBPACK_OBJECT = """\
const path = require('path');
module.exports = {
  entry: {
    main: './src/index.js',
    admin: ['./src/admin'],
    worker: { import: './src/worker.js', dependOn: 'main' },
  },
};
"""
WEBPACK_DEFAULT = "module.exports = { mode: 'production' };\n"  # entry: ./src (src/index.js)
WEBPACK_CONTEXT_ARRAY = """\
const path = require('node:path');
module.exports = (env) => [
  { context: path.resolve(__dirname, 'src'), entry: './worker.js' },
  { entry: ['./src/admin.js', './src/lib/b.js'] },
];
"""
VITE_PAGES = """\
import { defineConfig } from 'vite'
export default defineConfig({
  root: 'web',
  build: { rollupOptions: { input: { main: 'index.html', admin: 'admin/index.html' } } },
})
"""
VITE_LIB = """\
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
export default defineConfig(({ mode }) => ({
  build: { lib: { entry: { a: resolve(__dirname, 'src/lib/a.js'), b: 'src/lib/b.js' }, formats: ['es'] } },
}))
"""

# Vite's conditional configuration (its documentation's form): the branch `vite build` takes
VITE_CONDITIONAL = """\
import { defineConfig } from 'vite'
export default defineConfig(({ command, mode: m }) => {
  if (command === 'serve') {
    return { root: 'web' }
  } else if (m === 'development') {
    return { build: { lib: { entry: 'src/lib/b.js', formats: ['es'] } } }
  }
  return {
    build: { lib: { entry: { a: 'src/lib/a.js' }, formats: ['es'] } },
  }
})
"""
VITE_CONDITIONAL_TERNARY = """\
export default (env) => env.command !== 'build' ? { root: 'web' } : {
  build: { lib: { entry: ['src/lib/b.js'], formats: ['es'] } },
}
"""

CASES = [("webpack.config.cjs", WEBPACK_OBJECT), ("webpack.config.cjs", WEBPACK_DEFAULT),
         ("webpack.config.cjs", WEBPACK_CONTEXT_ARRAY), ("vite.config.ts", VITE_PAGES), ("vite.config.js", VITE_LIB),
         ("vite.config.js", VITE_CONDITIONAL), ("vite.config.mjs", VITE_CONDITIONAL_TERNARY)]


def _project(tmp_path: Path, engines: Path, name: str, text: str) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "p"
    for rel, body in SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body)
    (root / "node_modules").symlink_to(engines)  # `import 'vite'` from the configuration
    (root / name).write_text(text)
    return root


def _bundler(node: Path, engines: Path, root: Path, config: Path, out: Path, everything: bool = False,
             output: str = "module-output"):
    proc = subprocess.run([str(node), str(PROBE), str(root), str(config), str(out), output], capture_output=True,
                          text=True, timeout=180, cwd=root, env=dict(os.environ, NODE_PATH=str(engines)))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    return data if everything else data["entries"]


@pytest.mark.parametrize("name,text", CASES, ids=["webpack-object", "webpack-default", "webpack-context-array",
                                                  "vite-pages", "vite-lib", "vite-conditional",
                                                  "vite-conditional-ternary"])
def test_entries_are_what_the_bundler_builds_from(name, text, node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, engines_node_modules, name, text)
    theirs = _bundler(node26, engines_node_modules, root, root / name, tmp_path / "out")
    assert theirs, "the bundler found no entry"
    config = read_config(str(root / name), text)
    assert config.entries_unread is None
    project = analyse(root, Config(), cache=False)
    found, unread = project.resolver.bundler_entries(root)
    assert unread is None
    if name.startswith("vite"):
        # the configuration's own values, resolved against its root, are Vite's
        assert sorted(os.path.normpath(os.path.join(e.base, e.request)) for e in config.entries) == \
            sorted(t["file"] for t in theirs)
        pages = [t["file"] for t in theirs if t["file"].endswith(".html")]
        # an HTML page stands for its module scripts
        want = {root / "web/main.js", root / "web/admin/admin.js"} if pages else {Path(t["file"]) for t in theirs}
        assert {f for f, _ in found} == want
    else:
        assert sorted(str(f) for f, _ in found) == sorted(t["file"] for t in theirs)
        # and the entries webpack made async are those tla-lens reports as async entry points
        reported = {Path(f.path) for f in project.findings if f.code == "async-entry"}
        assert {Path(t["file"]) for t in theirs if t["async"]} == reported
        assert reported  # (each case has one)
    labels = {label for _, label in found}
    assert all(name in label for label in labels), labels


def test_unread_entries_say_why_and_give_none(tmp_path):
    text = "export default { build: { rollupOptions: { input: pages() } } }\n"
    config = read_config(str(tmp_path / "vite.config.js"), text)
    assert config.entries == () and "`pages()` is not a value tla-lens reads" in config.entries_unread


def test_vite_root_without_inputs_starts_from_its_index_html(workspace):
    """Vite's default input is the root's index.html: with `root: 'web'`, web/index.html."""
    root = workspace({**SOURCES, "vite.config.js": "export default { root: 'web' }\n"})
    project = analyse(root, Config(), cache=False)
    found, unread = project.resolver.bundler_entries(root)
    assert unread is None
    assert found == [(root / "web/main.js", "module script of web/index.html (build input of vite.config.js)")]
    (f,) = [f for f in project.findings if f.code == "async-entry"]
    assert Path(f.path) == root / "web/main.js"


WEBPACK_MODULES = """\
const path = require('path');
module.exports = {
  entry: './src/app.js',
  resolve: { modules: [path.resolve(__dirname, 'src'), 'node_modules', 'shared'] },
};
"""


def test_webpack_resolve_modules_as_webpack_resolves(node26, engines_node_modules, tmp_path):
    """webpack's `resolve.modules`: an absolute folder searched first (a bare `components/Button`
    is src/components/Button.js), node_modules, then a folder name looked for upwards as
    node_modules is; held to webpack building the project: every import, every verdict."""
    root = _project(tmp_path, engines_node_modules, "webpack.config.cjs", WEBPACK_MODULES)
    extra = {
        "src/app.js": ("import { Button } from 'components/Button.js';\nimport { db } from 'lib/b.js';\n"
                       "import { helper } from 'helpers/h.js';\nimport { a } from 'lib/a.js';\n"
                       "export const all = [Button, db, helper, a];\n"),
        "src/components/Button.js": "export const Button = 1;\n",
        "shared/helpers/h.js": "export const helper = 2;\n",
    }
    for rel, text in extra.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    theirs = _bundler(node26, engines_node_modules, root, root / "webpack.config.cjs", tmp_path / "out", True)
    project = analyse(root, Config(), cache=False)
    problems = []
    compared = 0
    for resource, info in theirs["modules"].items():
        path = Path(os.path.realpath(resource))
        if "node_modules" in path.parts:
            continue
        mod = project.modules.get(path)
        assert mod is not None, resource
        if mod.is_async != info["async"]:
            problems.append(f"{resource}: webpack async={info['async']}, tla-lens {mod.is_async}")
        edges = {e.specifier: e for e in mod.edges}
        for spec, target in info["imports"].items():
            compared += 1
            want = Path(os.path.realpath(target)) if target else None
            if edges[spec].target != want:
                problems.append(f"{resource}: {spec!r} webpack {want}, tla-lens {edges[spec].target}")
    assert not problems, "\n".join(problems)
    assert compared >= 4
    app = project.modules[root / "src/app.js"]
    assert {e.specifier: e.target for e in app.edges}["components/Button.js"] == root / "src/components/Button.js"
    assert app.is_async


# (module (func (export "f") (result i32) i32.const 42)): what wasm-bindgen's bundler target
# imports from its JavaScript glue
WASM = bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0,
              10, 6, 1, 4, 0, 0x41, 42, 0x0b])
WASM_SOURCES = {
    "pkg/lib.js": 'import * as wasm from "./lib_bg.wasm";\nexport const f = () => wasm.f();\n',
    "src/app.js": ("import { f } from '../pkg/lib.js';\nimport { other } from './other.js';\n"
                   "export const run = () => [f(), other];\n"),
    "src/other.js": "export const other = 1;\n",
    "src/lazy.js": "export const later = () => import('../pkg/lib.js');\n",
    "src/index.js": "import { run } from './app.js';\nimport { later } from './lazy.js';\nexport { run, later };\n",
}


@pytest.mark.parametrize("experiments", ["asyncWebAssembly: true", "futureDefaults: true", "syncWebAssembly: true"])
def test_webassembly_is_async_where_webpack_loads_it_asynchronously(experiments, node26, engines_node_modules,
                                                                     tmp_path):
    """webpack's `experiments.asyncWebAssembly` (on with `futureDefaults`) makes a `.wasm` module,
    and every module that imports it, async (as wasm-bindgen's bundler target does); with
    `syncWebAssembly`, as in Node, it does not. Held to webpack building the project."""
    conf = f"module.exports = {{ entry: './src/index.js', experiments: {{ {experiments} }} }};\n"
    root = _project(tmp_path, engines_node_modules, "webpack.config.cjs", conf)
    for rel, text in WASM_SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "pkg/lib_bg.wasm").write_bytes(WASM)
    theirs = _bundler(node26, engines_node_modules, root, root / "webpack.config.cjs", tmp_path / "out", True)
    project = analyse(root, Config(), cache=False)
    webpack = {Path(os.path.realpath(r)): info["async"] for r, info in theirs["modules"].items()
               if "node_modules" not in r}
    ours = {p: (project.modules[p].is_async if p in project.modules else False) for p in webpack}
    assert ours == webpack
    is_async = not experiments.startswith("sync")
    assert webpack[root / "pkg/lib_bg.wasm"] is is_async and webpack[root / "src/index.js"] is is_async
    assert webpack[root / "src/other.js"] is False and webpack[root / "src/lazy.js"] is False
    if is_async:  # what a user reads
        (f,) = [f for f in project.findings if f.code == "async-import" and f.path.name == "app.js"]
        assert "because of `../pkg/lib_bg.wasm` (WebAssembly the bundler loads asynchronously)" in f.message, f.message
        (g,) = [f for f in project.findings if f.code == "async-import" and f.path.name == "lib.js"]
        assert "is WebAssembly, which the bundler loads asynchronously (webpack's experiments.asyncWebAssembly" in g.message
        assert not [f for f in project.findings if f.path.suffix == ".wasm"]  # (a binary file)
    else:
        assert not [f for f in project.findings if f.code == "async-import" and "wasm" in f.message]


VITE_WASM = """\
import { defineConfig } from 'vite'
import wasm from 'vite-plugin-wasm'
export default defineConfig({ plugins: [[wasm()]] })
"""


@pytest.mark.parametrize("with_plugin", [True, False], ids=["vite-plugin-wasm", "no-plugin"])
def test_webassembly_is_async_where_vite_plugin_wasm_loads_it(with_plugin, node26, engines_node_modules, tmp_path):
    """vite-plugin-wasm turns a `.wasm` file into a module with a top-level await (V8 says so of
    what Vite's dev server serves): the `.wasm` module and its importers are async. Without the
    plugin nothing changes."""
    conf = VITE_WASM if with_plugin else "import { defineConfig } from 'vite'\nexport default defineConfig({})\n"
    root = _project(tmp_path, engines_node_modules, "vite.config.js", conf)
    for rel, text in WASM_SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "pkg/lib_bg.wasm").write_bytes(WASM)
    project = analyse(root, Config(), cache=False)
    wasm = root / "pkg/lib_bg.wasm"
    if with_plugin:
        proc = subprocess.run([str(node26), "--experimental-vm-modules", "--no-warnings",
                               str(Path(__file__).resolve().parent / "vite_wasm_probe.mjs"), str(root),
                               str(root / "vite.config.js"), "pkg/lib_bg.wasm", "pkg/lib.js"],
                              capture_output=True, text=True, timeout=180, cwd=root)
        assert proc.returncode == 0, proc.stderr
        vite = json.loads(proc.stdout)
        assert vite["pkg/lib_bg.wasm"]["tla"] is True and vite["pkg/lib.js"]["tla"] is False
        assert "lib_bg.wasm" in vite["pkg/lib.js"]["code"]  # (still a static import of it)
    assert (wasm in project.modules and project.modules[wasm].is_async) is with_plugin
    for rel in ("pkg/lib.js", "src/app.js", "src/index.js"):
        assert project.modules[root / rel].is_async is with_plugin, rel
    assert project.modules[root / "src/lazy.js"].is_async is False


@pytest.mark.parametrize("name,text,expected", [
    ("webpack.config.js", "module.exports = { experiments: { asyncWebAssembly: true } };", True),
    ("webpack.config.js", "module.exports = () => ({ experiments: { futureDefaults: true } });", True),
    ("webpack.config.js", "module.exports = [{ entry: './a.js' }, { experiments: { asyncWebAssembly: true } }];", True),
    # not the literal `true`: not known to be on (as webpack's default: off)
    ("webpack.config.js", "module.exports = { experiments: { asyncWebAssembly: process.env.WASM === '1' } };", False),
    ("webpack.config.js", "module.exports = { experiments: { asyncWebAssembly: false, futureDefaults: true } };", True),
    ("webpack.config.js", "module.exports = { experiments: { syncWebAssembly: true } };", False),
    ("webpack.config.js", "module.exports = { mode: 'production' };", False),
    ("vite.config.js", "import wasm from 'vite-plugin-wasm'\nexport default { plugins: [wasm()] }", True),
    ("vite.config.ts", "import w from 'vite-plugin-wasm'\nimport { defineConfig } from 'vite'\n"
                       "export default defineConfig(() => ({ plugins: [[w()], other()] }))", True),
    # imported, not used; a plugin of the same name from elsewhere
    ("vite.config.js", "import wasm from 'vite-plugin-wasm'\nexport default { plugins: [] }", False),
    ("vite.config.js", "import wasm from './my-wasm.js'\nexport default { plugins: [wasm()] }", False),
])
def test_async_webassembly_is_read_from_the_configuration(name, text, expected, tmp_path):
    assert read_config(str(tmp_path / name), text).async_wasm is expected


EXTERNAL_SOURCES = {
    **{f"src/{x}.js": f'import x from "ext-{x}";\nexport const {x} = x;\n' for x in "abcd"},
    "src/e.js": 'import s from "./slow.js";\nexport const e = s;\n',
    "src/slow.js": "export default await Promise.resolve(1);\n",  # (taken from outside by the bundle)
    "src/index.js": "".join(f'import "./{x}.js";\n' for x in "abcde"),
}
EXTERNALS = [
    # (output, externalsType line, externals)
    ("module-output", "", "'ext-a': 'import ext-a', 'ext-b': 'promise Promise.resolve({})', 'ext-c': 'jQuery',"
                          " 'ext-d': ['https://cdn.example.com/x.js', 'X'], './slow.js': 'var Slow'"),
    ("module-output", "externalsType: 'script',", "'ext-a': 'import ext-a', 'ext-b': 'commonjs ext-b',"
                                                  " 'ext-c': 'jQuery@https://cdn.example.com/jq.js', 'ext-d': true"),
    ("module-output", "externalsType: 'promise',", "['ext-a', 'ext-b', { 'ext-c': 'module ext-c', 'ext-d': 'var D' }]"),
    ("script-output", "", "'ext-a': 'import ext-a', 'ext-b': 'module ext-b', 'ext-c': 'jQuery',"
                          " 'ext-d': 'commonjs ext-d', './slow.js': 'var Slow'"),
]


@pytest.mark.parametrize("output,kind,externals", EXTERNALS, ids=["defaults", "script", "promise-list", "script-output"])
def test_webpack_externals_as_webpack_builds_them(output, kind, externals, node26, engines_node_modules, tmp_path):
    """webpack's `externals`: one of type `import`, `promise`, `script` (or `module` when the
    output is not ES modules) is an async module, and makes its importers async; one of another
    type is taken from outside the bundle (`./slow.js`'s await is not there). Held to webpack
    building the project: its `isAsync` of every module."""
    esm = "output: { module: true }, experiments: { outputModule: true }," if output == "module-output" else ""
    conf = f"module.exports = {{ entry: './src/index.js', {esm} {kind} externals: {{ {externals} }} }};\n"
    if externals.startswith("["):
        conf = conf.replace(f"{{ {externals} }}", externals)
    root = _project(tmp_path, engines_node_modules, "webpack.config.cjs", conf)
    for rel, text in EXTERNAL_SOURCES.items():
        (root / rel).write_text(text)
    theirs = _bundler(node26, engines_node_modules, root, root / "webpack.config.cjs", tmp_path / "out", True, output)
    project = analyse(root, Config(), cache=False)
    webpack = {Path(os.path.realpath(r)): info["async"] for r, info in theirs["modules"].items()
               if "node_modules" not in r}
    # (slow.js is not built where the bundle takes it from outside)
    assert (root / "src/slow.js" in webpack) is ("./slow.js" not in externals)
    ours = {p: (project.modules[p].is_async if p in project.modules else False) for p in webpack}
    assert ours == webpack
    assert webpack[root / "src/a.js"] is True and webpack[root / "src/index.js"] is True
    if kind or output != "module-output":
        return
    # what a user reads
    (f,) = [f for f in project.findings if f.code == "async-import" and f.path.name == "a.js"]
    assert f.message.startswith("`ext-a` is an async module: it is a webpack external of type `import` "
                                "(webpack.config.cjs, line 1), which webpack loads asynchronously"), f.message
    from tla_lens.report.explain import explain

    text = explain(project, root / "src/index.js")
    assert "because of `ext-a` (a webpack external loaded asynchronously)" in text
    assert "  webpack.config.cjs:1  webpack external `ext-a`: module.exports = " in text
    assert ("Not followed: './slow.js' (line 1) is a webpack external of type `var` (webpack.config.cjs, "
            "line 1): the bundle takes it from outside, not from node_modules.") in explain(project, root / "src/e.js")
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    read = {x["request"]: (x["type"], x["async"]) for x in json.loads(r.stdout)["bundlerExternals"]}
    assert read["ext-a"] == ("import", True)
    from tla_lens.report.explain import mermaid

    assert '["ext-a (webpack external)"]' in mermaid(project)  # (the graph names it by its request)
