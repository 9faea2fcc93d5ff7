"""How Svelte's tools load svelte.config.* (read from the folder and package.json, never run).

vite-plugin-svelte (7) loads the first of svelte.config.js, .ts, .mjs, .mts in the Vite root
with `import()`; SvelteKit (2) loads svelte.config.js or .ts the same way (its plugin and its
`svelte-kit sync`): a top-level await there, or an import of an async package or project file,
only makes them wait. Checked with SvelteKit 2.70's `load_svelte_config` and vite-plugin-svelte
7.3's `loadSvelteConfig` on Node 26.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .tool_config import Loaded, depends_on, first_file

__all__ = ["CONFIG_FILES", "svelte_config"]

CONFIG_FILES = ("svelte.config.js", "svelte.config.ts", "svelte.config.mjs", "svelte.config.mts")
_LOADERS = (  # (SvelteKit loads it through vite-plugin-svelte too)
    ("@sveltejs/kit", "SvelteKit"), ("@sveltejs/vite-plugin-svelte", "vite-plugin-svelte"))


def svelte_config(manifest: dict, package_dir: str, is_file: Callable[[str], bool]) -> Optional[Loaded]:
    """The svelte.config.* loaded in ``package_dir`` (by Node's own import()) where the package (its package.json
    ``manifest``) uses SvelteKit or vite-plugin-svelte; else None."""
    tools = [name for pkg, name in _LOADERS if depends_on(manifest, pkg)]
    if not tools:
        return None
    name = first_file(package_dir, CONFIG_FILES, is_file)
    if name is None:
        return None
    tool = tools[0] if name.endswith((".js", ".ts")) else "vite-plugin-svelte"  # (SvelteKit's own: .js, .ts)
    return Loaded(os.path.join(package_dir, name), f"{tool} loads {name} with import()", True)
