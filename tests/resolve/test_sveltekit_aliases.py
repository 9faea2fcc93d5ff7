"""SvelteKit's aliases, read from vite.config.* and svelte.config.*, against SvelteKit's Vite plugin.

SvelteKit 2.70 (with Vite 8) resolves each specifier in a dev server of the project
(tests/resolve/vite_resolve_probe.mjs); tla-lens, reading the configurations without running them,
must find the same files, and take the modules SvelteKit generates (`$env/…`,
`$service-worker`) as ignored. The plugin's options come from svelte.config.js, or from the
plugin's argument in vite.config.ts (then svelte.config.js is not read)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

HERE = Path(__file__).resolve().parent

SVELTE_CONFIG = """\
import adapter from './adapter.js';
const config = {
  kit: {
    adapter: adapter(),
    files: { lib: 'src/shared' },
    alias: {
      '@components': 'src/components',
      'utils/*': 'src/utils/*',
      'one': './src/one.js',
      'both': 'src/both-exact.js',
      'both/*': 'src/both/*',
    },
  },
};
export default config;
"""
VITE_PLAIN = """\
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
export default defineConfig({ plugins: [sveltekit()], resolve: { alias: { '@user': '/src/user' } } });
"""
VITE_OPTIONS = """\
import * as kit from '@sveltejs/kit/vite';
export default { plugins: [kit.sveltekit({ alias: { '@components': './src/components' } })] };
"""
FILES = {
    "package.json": '{"name": "app", "type": "module"}',
    "adapter.js": "export default () => ({ name: 'none', adapt() {} });\n",
    "src/app.html": "<html><head>%sveltekit.head%</head><body>%sveltekit.body%</body></html>\n",
    "src/routes/+page.svelte": "<h1>hi</h1>\n",
    "src/shared/index.ts": "export const shared = await Promise.resolve(1);\n",
    "src/shared/db.ts": "export const db = 1;\n",
    "src/lib/index.ts": "export const lib = 1;\n",
    "src/components/index.js": "export const c = 1;\n",
    "src/utils/x.ts": "export const x = 1;\n",
    "src/one.js": "export const one = 1;\n",
    "src/both-exact.js": "export const b = 1;\n",
    "src/both/y.js": "export const y = 1;\n",
    "src/user/u.js": "export const u = 1;\n",
}
SPECIFIERS = ["$app/stores", "$app/environment", "$app/navigation", "$lib", "$lib/db", "@components",
              "utils/x", "one", "both", "both/y", "@user/u.js", "$env/static/public", "$env/dynamic/private",
              "$service-worker"]


def vite_says(node26: Path, root: Path, importer: Path, specifiers: list[str]) -> dict:
    proc = subprocess.run([str(node26), str(HERE / "vite_resolve_probe.mjs"), str(root), str(importer), *specifiers],
                          capture_output=True, text=True, timeout=180, cwd=root)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("vite_config", [VITE_PLAIN, VITE_OPTIONS], ids=["svelte.config.js", "plugin options"])
def test_sveltekit_aliases_resolve_as_the_plugin_resolves_them(vite_config, node26, engines_node_modules, tmp_path):
    root = Path(os.path.realpath(tmp_path))
    for name, text in {**FILES, "vite.config.ts": vite_config, "svelte.config.js": SVELTE_CONFIG}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "node_modules").symlink_to(engines_node_modules)
    specs = SPECIFIERS if vite_config is VITE_PLAIN else ["$app/stores", "$lib", "@components", "$env/static/public"]
    main = root / "src" / "routes" / "main.ts"
    main.write_text("".join(f"import '{s}';\n" for s in specs))
    vite = vite_says(node26, root, main, specs)

    project = analyse(root, Config(), cache=False)
    mod = project.modules[main]
    ours = {}
    for spec, edge in zip(specs, mod.edges):
        if edge.target is not None:
            ours[spec] = str(edge.target)
        elif edge.unresolved is None:
            ours[spec] = "ignored"
        else:
            ours[spec] = f"unresolved: {edge.unresolved}"
    want = {s: ("ignored" if v and v.startswith("\0virtual:") else v) for s, v in vite.items()}
    assert ours == want
    # the cases are what they are there for: the runtime, the generated modules, the lib folder
    assert want["$app/stores"].endswith(os.path.join("@sveltejs", "kit", "src", "runtime", "app", "stores.js"))
    assert want["$env/static/public"] == "ignored"
    if vite_config is VITE_PLAIN:
        assert want["$lib"] == str(root / "src/shared/index.ts") and mod.is_async  # (files.lib, its await)
        assert want["both"] == str(root / "src/both-exact.js") and want["both/y"] == str(root / "src/both/y.js")
    else:  # svelte.config.js is not read: the default lib folder, the plugin's alias
        assert want["$lib"] == str(root / "src/lib/index.ts")


def test_without_sveltekit_installed_app_imports_say_why_and_svelte_config_edits_apply(workspace):
    root = workspace({
        "package.json": '{"name": "app", "type": "module"}',
        "vite.config.js": "import { sveltekit } from '@sveltejs/kit/vite';\nexport default { plugins: [sveltekit()] };\n",
        "svelte.config.js": "export default { kit: {} };\n",
        "src/lib/db.ts": "export const db = await Promise.resolve(1);\n",
        "src/shared/db.ts": "export const db = 1;\n",
        "src/routes/+page.ts": "import '$app/navigation';\nimport { db } from '$lib/db';\nexport const load = () => db;\n",
    })
    project = analyse(root, Config(), cache=False)
    page = root / "src/routes/+page.ts"
    nav, lib = project.modules[page].edges
    assert nav.target is None and "the alias '$app' of vite.config.js:2 is not read" in nav.unresolved
    assert "@sveltejs/kit is not installed" in nav.unresolved
    assert lib.target == root / "src/lib/db.ts" and project.modules[page].is_async
    # svelte.config.js changed: `$lib` is another folder now
    (root / "svelte.config.js").write_text("export default { kit: { files: { lib: 'src/shared' } } };\n")
    project.files_changed([root / "svelte.config.js"])
    assert project.modules[page].edges[1].target == root / "src/shared/db.ts"
    assert not project.modules[page].is_async
    # (a Vite configuration without the plugin: no SvelteKit aliases)
    (root / "vite.config.js").write_text("export default { plugins: [] };\n")
    project.files_changed([root / "vite.config.js"])
    assert project.modules[page].edges[1].target is None

