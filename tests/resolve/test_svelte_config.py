"""Svelte's configuration (svelte.config.js/.ts, and .mjs/.mts for vite-plugin-svelte): SvelteKit
and vite-plugin-svelte load it with import(), so a top-level await in it, or an import of an
async package or project file, only makes them wait (no async-import). Held to SvelteKit 2.70's
`load_svelte_config` and vite-plugin-svelte 7.3's `loadSvelteConfig` under Node 26."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_eslint_config import ASYNC_PACKAGE

ESM = ("import { plugin } from 'asyncpkg';\nimport { shared } from './src/lib/shared.js';\n"
       "const n = await Promise.resolve('x');\nexport default { kit: { appDir: n + typeof plugin + shared } };\n")
TS = ESM.replace("const n =", "const n: string =").replace("shared.js", "shared.ts")
CASES = {
    "js-module-package": ("module", "svelte.config.js", ESM),
    "js-commonjs-package": (None, "svelte.config.js", ESM),
    "ts": ("module", "svelte.config.ts", TS),
    "mjs": (None, "svelte.config.mjs", ESM),
}
# each loader as SvelteKit and the Vite plugin call it: the folder's configuration, its appDir
PROBE = """
const [kit, vps, root] = process.argv.slice(1);
const out = {};
process.chdir(root);
try { out.kit = (await import(kit)).load_svelte_config(root).then((c) => c.kit.appDir); } catch (e) { out.kit = e; }
try { out.vps = (await import(vps)).loadSvelteConfig({ root }).then((c) => c?.kit?.appDir); } catch (e) { out.vps = e; }
for (const k of Object.keys(out)) {
  try { out[k] = { ok: (await out[k]) ?? null }; } catch (e) { out[k] = { error: String(e && e.code || e) }; }
}
console.log(JSON.stringify(out));
"""


def _loaders_say(node26: Path, engines: Path, root: Path) -> dict:
    kit = engines / "@sveltejs/kit/src/core/config/index.js"
    vps = engines / "@sveltejs/vite-plugin-svelte/src/utils/load-svelte-config.js"
    proc = subprocess.run([str(node26), "--input-type=module", "-e", PROBE, str(kit), str(vps), str(root)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _project(write, root: Path, kind, name: str, text: str, deps: dict) -> None:
    manifest = {"name": "app", "private": True, "scripts": {"dev": "vite dev"}, "devDependencies": deps,
                **({"type": kind} if kind else {})}
    files = {"package.json": json.dumps(manifest), name: text,
             "src/lib/shared.js": "await Promise.resolve();\nexport const shared = 's';\n",
             "src/lib/shared.ts": "await Promise.resolve();\nexport const shared: string = 's';\n", **ASYNC_PACKAGE}
    write(files, root)


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_as_sveltekit_and_the_vite_plugin_load_it(case, node26, engines_node_modules, workspace, tmp_path):
    kind, name, text = CASES[case]
    root = (tmp_path / "app").resolve()
    _project(workspace, root, kind, name, text, {"@sveltejs/kit": "2.70.4", "@sveltejs/vite-plugin-svelte": "7.3.3"})
    said = _loaders_say(node26, engines_node_modules, root)
    # the Vite plugin reads every one of these names; SvelteKit's own loader .js and .ts
    assert said["vps"] == {"ok": "xfunctions"}, said  # ('x' + typeof plugin + shared: the awaits ran)
    assert said["kit"] == ({"ok": "xfunctions"} if name.endswith((".js", ".ts")) else {"ok": "_app"}), said
    project = analyse(root, Config(), cache=False)
    shown = [(f.path.name, f.code, f.message) for f in project.findings]
    assert not [f for f in project.findings if f.severity in ("error", "warning")], shown
    assert project.modules[root / name].is_async  # (async it is: only SvelteKit waits for it)
    loading = project.config_loading(root / name)
    assert loading is not None and loading[0] == "import()" and name in loading[1]
    shared = root / "src/lib" / ("shared.ts" if name.endswith("ts") else "shared.js")
    assert project.config_loading(shared) == ("import()", "")


def test_without_svelte_the_file_is_an_ordinary_module(workspace, tmp_path):
    root = (tmp_path / "app").resolve()
    _project(workspace, root, "module", "svelte.config.js", ESM, {"vite": "8.4.1"})
    project = analyse(root, Config(), cache=False)
    assert project.config_loading(root / "svelte.config.js") is None
    assert [f.code for f in project.findings if f.path.name == "svelte.config.js" and f.severity == "warning"] == \
        ["async-import", "async-import"]
