"""The aliases tla-lens reads from a Vite or webpack configuration, without running it, against
what Vite 8 (`resolveConfig`) and webpack's configuration (loaded by Node) compute by running it;
then what they change for a user: imports through them are followed (CLI and editor), one the
reader cannot read is a hint that says why and where, and an edit of the configuration on disk
is picked up."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.resolve.bundler import read_config

HERE = Path(__file__).resolve().parent
PROBE = HERE / "bundler_alias_probe.mjs"

VITE_OBJECT = """\
import { defineConfig } from 'vite'
import { fileURLToPath, URL } from 'node:url'
import path from 'node:path'

const __dirname = path.dirname(fileURLToPath(import.meta.url))
const libDir = path.resolve(__dirname, 'src/lib')

export default defineConfig({
  plugins: [],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      "~lib": libDir,
      root: '/src',
      '#tpl': `${path.resolve(__dirname, 'src')}/tpl`,
      joined: path.join(import.meta.dirname, 'src', 'j'),
      'cat': __dirname + '/src/cat',
      pkg: 'lodash-es',
    },
  },
})
"""

VITE_FUNCTION = """\
import { defineConfig } from 'vite'
import { resolve } from 'node:path'

export default defineConfig(({ mode }) => ({
  resolve: {
    alias: [
      { find: '@', replacement: resolve(import.meta.dirname, 'src') },
      { find: /^~\\//, replacement: '/src/' },
      { find: 'cwd', replacement: resolve(process.cwd(), 'lib') },
    ],
  },
}))
"""

WEBPACK_CJS = """\
const path = require('path');
module.exports = {
  mode: 'none',
  resolve: {
    alias: {
      '@': path.resolve(__dirname, 'src'),
      ex$: path.join(__dirname, 'src', 'e.js'),
      mod: 'lodash-es',
      multi: [path.resolve(__dirname, 'a'), path.resolve(__dirname, 'b')],
      'off': false,
      'p/*': path.resolve(__dirname, 'src/p/*'),
    },
  },
};
"""

WEBPACK_FUNCTION_ARRAY = """\
const { resolve } = require('node:path');
module.exports = (env) => [{
  resolve: {
    alias: [
      { name: 'x', alias: resolve(__dirname, 'x'), onlyModule: true },
      { name: 'y', alias: 'preact/compat' },
    ],
  },
}];
"""

WEBPACK_MJS = """\
import path from 'node:path';
const src = path.resolve(import.meta.dirname, 'src');
export default { resolve: { alias: { '@': src, '@@': `${src}/deep` } } };
"""

VITE_SHORTHAND_SPREAD = """\
import path from 'node:path'
const common = { '@c': path.resolve(__dirname, 'c') }
const alias = { ...common, '@': '/src', '~': `${__dirname}/lib` }
export default { resolve: { alias } }
"""

VITEST = """\
import { resolve } from 'node:path'
export default { test: { environment: 'node' }, resolve: { alias: { '~': resolve(import.meta.dirname, 'src') } } }
"""

CASES = [
    ("vitest.config.mjs", VITEST),
    ("vite.config.js", VITE_SHORTHAND_SPREAD),
    ("vite.config.ts", VITE_OBJECT),
    ("vite.config.mjs", VITE_FUNCTION),
    ("webpack.config.js", WEBPACK_CJS),
    ("webpack.config.cjs", WEBPACK_FUNCTION_ARRAY),
    ("webpack.config.mjs", WEBPACK_MJS),
]


def _oracle(node: Path, engines: Path, root: Path, config: Path) -> list[dict]:
    env = dict(os.environ, NODE_PATH=str(engines))
    proc = subprocess.run([str(node), str(PROBE), str(root), str(config)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=root)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name,text", CASES, ids=[c[0] for c in CASES])
def test_aliases_read_without_running_equal_what_the_bundler_computes(name, text, node26, engines_node_modules,
                                                                      tmp_path):
    root = Path(os.path.realpath(tmp_path))
    (root / "node_modules").symlink_to(engines_node_modules)  # `import 'vite'` from the configuration
    config = root / name
    config.write_text(text)
    expected = _oracle(node26, engines_node_modules, root, config)
    ours = {a.name: a for a in read_config(str(config), text).aliases}
    assert len(expected) >= 1
    seen = set()
    for entry in expected:
        find, replacement = entry["find"], entry["replacement"]
        if isinstance(find, dict):  # a regular expression: its replacement, from the root first
            a = ours[f"/{find['regex']}/"]
            assert a.unread is None and a.regex == (find["regex"], "")
            assert a.targets == (os.path.join(str(root), replacement.lstrip("/")), replacement)
            seen.add(a.name)
            continue
        if replacement is False:  # webpack: the module is ignored
            assert ours[find].targets == () and ours[find].unread is None
            seen.add(find)
            continue
        targets = replacement if isinstance(replacement, list) else [replacement]
        want = []
        for t in targets:
            if name.startswith("vite") and t.startswith("/") and not t.startswith(str(root)):
                want.append(str(root / t.lstrip("/")))  # Vite: "/src" from the project root first
            want.append(t)
        assert find in ours, f"{find!r} not read; read {sorted(ours)}"
        assert ours[find].unread is None and list(ours[find].targets) == want, (find, ours[find], want)
        seen.add(find)
    assert set(ours) == seen


def test_an_alias_the_reader_cannot_read_says_so_and_where(workspace):
    from tla_lens.config import Config
    from tla_lens.project import analyse

    root = workspace({
        "package.json": '{"type": "module"}',
        "vite.config.js": ("import { mine } from './build-tools.js'\n"
                           "export default { resolve: { alias: {\n"
                           "  '@': mine('src'),\n"
                           "  [key]: '/x',\n"
                           "  ok: '/src/lib',\n"
                           "} } }\n"),
        "src/lib/db.js": "export const db = await 1;\n",
        "src/main.js": 'import "@/lib/db.js";\nimport "ok/db.js";\n',
        "node_modules/dep/package.json": '{"name": "dep", "type": "module", "exports": "./i.js"}',
        # a dependency's own configuration does not count, nor does ours stop at it
        "node_modules/dep/vite.config.js": "export default { resolve: { alias: { ok: '/nowhere' } } }\n",
        "node_modules/dep/i.js": 'import "ok/db.js";\n',
        "src/uses-dep.js": 'import "dep";\n',
    })
    project = analyse(root, Config(), cache=False)
    main = project.modules[root / "src/main.js"]
    at, ok = main.edges
    assert at.target is None and ok.target == root / "src/lib/db.js"
    assert "the alias '@' of vite.config.js:3 is not read" in at.unresolved
    assert "mine('src')" in at.unresolved and 'declare it in tla-lens.json "alias"' in at.unresolved
    dep = project.modules[root / "node_modules/dep/i.js"]
    assert dep.edges[0].target == root / "src/lib/db.js" and dep.is_async
    assert project.modules[root / "src/uses-dep.js"].is_async


def test_tla_lens_json_aliases_come_before_the_bundlers(workspace):
    from tla_lens.config import load_file
    from tla_lens.project import analyse

    root = workspace({
        "package.json": '{"type": "module"}',
        "tla-lens.json": '{"alias": {"@": "./app"}}',
        "webpack.config.js": "const path = require('path');\n"
                             "module.exports = { resolve: { alias: { '@': path.resolve(__dirname, 'src') } } };\n",
        "app/x.js": "export const x = await 1;\n",
        "src/x.js": "export const x = 1;\n",
        "main.js": 'import "@/x.js";\n',
    })
    config, problems = load_file(root / "tla-lens.json")
    project = analyse(root, config, cache=False)
    assert project.modules[root / "main.js"].edges[0].target == root / "app/x.js"
    assert project.modules[root / "main.js"].is_async


@pytest.mark.parametrize("text", [
    "const a = {...b, x: '/x'}; const b = {...a}; export default { resolve: { alias: a } }",
    "const a = a; export default { resolve: { alias: a } }",
    "\x00\xff not javascript {{{ resolve: { alias: { x: '/x' ",
    "(" * 5000 + ")" * 5000,
    "module.exports = { resolve: { alias: { [k]: 1, y: null, w: [], x: ['', '/x'] } } }",
])
def test_a_strange_configuration_never_breaks_the_reader(text):
    aliases = read_config("/p/webpack.config.js", text).aliases
    # whatever it is, the readable alias is read and nothing else is invented
    assert all(a.targets or a.unread for a in aliases)
    assert [a.targets for a in aliases if a.name == "x"] in ([], [("/x",)])


@pytest.mark.parametrize("text,read", [
    ("import { resolve as r, join } from 'node:path'\n"
     "export default { resolve: { alias: { a: r(__dirname, 'a'), b: join(__dirname, 'b') } } }", True),
    ("import * as p from 'path'\n"
     "export default { resolve: { alias: { a: p.resolve(__dirname, 'a'), b: p.posix.join(__dirname, 'b') } } }", True),
    ("const { resolve, join: j } = require('path')\n"
     "module.exports = { resolve: { alias: { a: resolve(__dirname, 'a'), b: j(__dirname, 'b') } } }", True),
    # a function of the project's that happens to be called resolve is not Node's
    ("import { resolve, join } from './build/paths.js'\n"
     "export default { resolve: { alias: { a: resolve(__dirname, 'a'), b: join(__dirname, 'b') } } }", False),
])
def test_only_nodes_path_functions_are_evaluated(text, read):
    aliases = {a.name: a for a in read_config("/p/vite.config.ts", text).aliases}
    if read:
        assert aliases["a"].targets == ("/p/a",) and aliases["b"].targets == ("/p/b",)
    else:
        assert aliases["a"].targets == aliases["b"].targets == () and "resolve(__dirname, 'a')" in aliases["a"].unread


def test_a_webpack_alias_to_false_ignores_the_module(workspace):
    from tla_lens.config import Config
    from tla_lens.project import analyse

    root = workspace({
        "package.json": '{"type": "module"}',
        "webpack.config.cjs": "module.exports = { resolve: { alias: { heavy: false } } };\n",
        "node_modules/heavy/package.json": '{"name": "heavy", "type": "module", "main": "i.js"}',
        "node_modules/heavy/i.js": "export default await 1;\n",
        "main.js": 'import h from "heavy";\nexport const x = h;\n',
    })
    project = analyse(root, Config(), cache=False)
    main = project.modules[root / "main.js"]
    edge = main.edges[0]
    assert edge.target is None and edge.unresolved is None and not main.is_async
    assert not any(f.code == "unresolved-import" for f in project.findings)


VITE_REGEX = r"""
import path from 'node:path'
export default { resolve: { alias: [
  { find: /^~\/(.*)$/, replacement: path.resolve(__dirname, 'src/$1') },
  { find: /^@lib(?=\/|$)/, replacement: '/src/lib' },
  { find: /^(?<scope>@Scope)\/(.+)$/i, replacement: path.resolve(__dirname, 'packages/$<scope>-$2') },
  { find: /^#(\w+)\.mjs$/, replacement: '../hash/$1.js' },
  { find: /-old(?=\.js$)/, replacement: '-new' },
  { find: /^x$/v, replacement: '/src/lib/x.js' },
  { find: /-sticky/y, replacement: './nowhere' },
] } }
"""
REGEX_FILES = {
    "package.json": '{"type": "module"}',
    "src/a/b.ts": "export const b = await Promise.resolve(1);\n",
    "src/lib/index.ts": "export const lib = 1;\n",
    "src/lib/deep/c.js": "export const c = 1;\n",
    "packages/@scope-ui.js": "export const ui = 1;\n",
    "src/hash/h.js": "export const h = 1;\n",
    "src/main/mod-new.js": "export const m = 1;\n",
    "src/lib/x.js": "export const x = 1;\n",
    "src/main/a-sticky.js": "export const s = 1;\n",  # (sticky: the alias matches at the start only)
}
REGEX_SPECS = ["~/a/b", "@lib", "@lib/deep/c.js", "@scope/ui.js", "#h.mjs", "./mod-old.js", "./a-sticky.js"]


def test_regular_expression_aliases_resolve_as_vite_resolves_them(node26, engines_node_modules, tmp_path):
    from tla_lens.config import Config
    from tla_lens.project import analyse

    from .test_sveltekit_aliases import vite_says

    root = Path(os.path.realpath(tmp_path))
    for name, text in {**REGEX_FILES, "vite.config.js": VITE_REGEX}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "node_modules").symlink_to(engines_node_modules)
    main = root / "src" / "main" / "main.ts"
    main.write_text("".join(f"import '{s}';\n" for s in REGEX_SPECS + ["x"]))
    vite = vite_says(node26, root, main, REGEX_SPECS)
    assert all(vite.values()), vite  # (each one resolves, and to a file: the cases work)
    project = analyse(root, Config(), cache=False)
    edges = project.modules[main].edges
    assert {s: str(e.target) for s, e in zip(REGEX_SPECS, edges)} == vite
    assert project.modules[main].is_async  # (through ~/a/b)
    # a flag Python's re has no equal of: the alias is not read, and says so
    assert edges[-1].target is None and "the flag 'v' of the regular expression /^x$/v is not read" \
        in edges[-1].unresolved


JS_REPLACE_CASES = [
    (r"^~\/(.*)$", "", "~/a/b", "/src/$1"),
    (r"^@", "", "@/x", "$$-$&-$`-$'"),
    (r"a", "g", "banana", "[$&]"),
    (r"^(?<scope>@S)\/(.+)$", "i", "@s/ui", "$<scope>+$2+$<nope>+$3+$10"),
    (r"(\d+)", "", "v12x", "$01|$1|$2"),
    (r"^x$", "", "x\n", "y"),
    (r"^x$", "m", "a\nx", "y"),
    (r"[^]b", "", "\nb", "c"),
    (r"[a-c[]+", "", "ab[c]", "-"),
    (r"sticky", "y", "a-sticky", "s"),
    (r"sticky", "y", "sticky-a", "s"),
    (r"\bw\w*", "g", "wé wx", "W"),
    (r"(?<=@)x", "", "@x", "y"),
    (r"(a)|(b)", "g", "ab", "[$1$2]"),
]


def test_regular_expressions_and_replacements_are_javascripts(node26, tmp_path):
    from tla_lens.resolve.bundler import js_regex, js_replace

    script = tmp_path / "replace.mjs"
    script.write_text("const cases = JSON.parse(process.argv[2]);\n"
                      "process.stdout.write(JSON.stringify(cases.map(([s, f, spec, r]) => {\n"
                      "  const re = new RegExp(s, f); re.lastIndex = 0;\n"
                      "  return re.test(spec) ? (re.lastIndex = 0, spec.replace(re, r)) : null; })));\n")
    proc = subprocess.run([str(node26), str(script), json.dumps(JS_REPLACE_CASES)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    ours = []
    for source, flags, spec, repl in JS_REPLACE_CASES:
        pattern, global_ = js_regex(source, flags)
        ours.append(js_replace(spec, pattern, global_, repl))
    assert ours == json.loads(proc.stdout)
