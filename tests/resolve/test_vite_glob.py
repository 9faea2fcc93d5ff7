"""Vite's eager `import.meta.glob` against Vite.

Each module of the workspace holds one glob call; Vite 8 transforms it in a dev server of the
project (tests/resolve/vite_glob_probe.mjs) and the static imports it writes must be the files
tla-lens's edges of that call reach: relative and root patterns, `**`, braces, classes,
exclusions, the importing file left out, node_modules and dotfiles left out; lazy globs and
asset globs (`query`) import nothing statically.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.project.graph import EdgeKind
from tla_lens.syntax.facts import GlobImport

HERE = Path(__file__).resolve().parent

FILES = {
    "package.json": '{"type": "module"}',
    "vite.config.js": ("import path from 'node:path'\n"
                       "export default { resolve: { alias: [\n"
                       "  { find: '@', replacement: path.resolve(import.meta.dirname, 'src') },\n"
                       "  { find: /^~plugins\\//, replacement: path.resolve(import.meta.dirname, 'src/plugins') + '/' },\n"
                       "] } }\n"),
    "src/plugins/a.js": "export const a = await Promise.resolve(1);\nexport default a;\n",
    "src/plugins/b.js": "export default 2;\n",
    "src/plugins/deep/c.ts": "export default 3;\n",
    "src/plugins/deep/.hidden.js": "export default 4;\n",
    "src/plugins/x1.js": "export default 5;\n",
    "src/plugins/readme.md": "# not a module\n",
    "src/data/d.json": "{}\n",
    "src/node_modules/pkg/index.js": "export default 6;\n",
    "src/routes/home.js": "export default 7;\n",
}
CALLS = {
    "relative": "import.meta.glob('./plugins/*.js', { eager: true })",
    "deep": "import.meta.glob('./plugins/**/*.{js,ts}', { eager: true, import: 'default' })",
    "excluded": "import.meta.glob(['./plugins/*.js', '!**/b.js'], { eager: true })",
    "root": "import.meta.glob('/src/**/*.js', { eager: true })",
    "class": "import.meta.glob('./plugins/[ab].js', { eager: true })",
    "question": "import.meta.glob('./plugins/x?.js', { eager: true })",
    "up": "import.meta.glob('../src/routes/*.js', { eager: true })",
    "assets": "import.meta.glob('./data/*.json', { eager: true })",
    "mixed": "import.meta.glob('./plugins/*', { eager: true })",
    "lazy": "import.meta.glob('./plugins/*.js')",
    "query": "import.meta.glob('./plugins/*.js', { eager: true, query: '?raw' })",
    "modules": "import.meta.glob('./node_modules/**/*.js', { eager: true })",
    # aliases of vite.config.js: Vite replaces them before it expands the pattern
    "alias": "import.meta.glob('@/plugins/*.js', { eager: true })",
    "regexalias": "import.meta.glob('~plugins/deep/*.ts', { eager: true })",
}


def test_eager_globs_import_what_vite_imports(node26, engines_node_modules, tmp_path):
    root = Path(os.path.realpath(tmp_path))
    files = dict(FILES)
    for name, call in CALLS.items():
        folder = "lib" if name == "up" else "src"
        files[f"{folder}/{name}.js"] = f"export const found = {call};\n"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "node_modules").symlink_to(engines_node_modules)
    project = analyse(root, Config(), cache=False)
    for name in CALLS:
        rel = f"{'lib' if name == 'up' else 'src'}/{name}.js"
        proc = subprocess.run([str(node26), str(HERE / "vite_glob_probe.mjs"), str(root), "/" + rel],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        vite = {str(root / s.lstrip("/")) for s in json.loads(proc.stdout) if "?" not in s}
        vite = {f for f in vite if not f.endswith(".json")}  # (JSON: a module of data, never async)
        ours = {str(e.target) for e in project.modules[root / rel].edges
                if isinstance(e.fact, GlobImport) and e.kind is EdgeKind.STATIC}
        assert ours == vite, name
    # the cases do what they are there for
    assert project.modules[root / "src/relative.js"].is_async and project.modules[root / "src/alias.js"].is_async
    assert [e.target.name for e in project.modules[root / "src/regexalias.js"].edges] == ["c.ts"]
    assert not project.modules[root / "src/lazy.js"].is_async and not project.modules[root / "src/query.js"].is_async
    edges = {str(e.target.relative_to(root)) for e in project.modules[root / "src/root.js"].edges if e.target}
    assert "src/root.js" not in edges and "src/routes/home.js" in edges and "src/node_modules/pkg/index.js" not in edges


def test_a_new_file_a_glob_matches_joins_its_importers(workspace):
    root = workspace({
        "package.json": '{"type": "module"}',
        "src/main.js": "export const plugins = import.meta.glob('./plugins/*.js', { eager: true });\n",
        "src/plugins/a.js": "export default 1;\n",
    })
    project = analyse(root, Config(), cache=False)
    assert not project.modules[root / "src/main.js"].is_async
    (root / "src/plugins/slow.js").write_text("export default await Promise.resolve(2);\n")
    project.files_changed([root / "src/plugins/slow.js"])
    main = project.modules[root / "src/main.js"]
    assert main.is_async
    assert sorted(e.specifier for e in main.edges) == ["./plugins/a.js", "./plugins/slow.js"]
    (f,) = [f for f in project.findings if f.code == "async-import"]
    assert f.message.startswith("`./plugins/slow.js` is an async module: it has a top-level await")
