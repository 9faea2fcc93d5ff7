"""How Prettier loads its configuration (read from the folder and package.json, never run).

Prettier 3 takes, in a folder, package.json's "prettier" key, else the first of its
configuration files in its order (.prettierrc, .prettierrc.json/.yml/.yaml/.json5, .prettierrc.js,
prettier.config.js, .prettierrc.ts, prettier.config.ts, … .mjs, .mts, .cjs, .cts, .toml), and
loads a JavaScript or TypeScript one with `import()` (TypeScript by Node's type stripping): a
top-level await there, or an import of an async package — a plugin such as
@trivago/prettier-plugin-sort-imports, itself an async module — only makes Prettier wait. (A
.cjs/.cts one's own require() calls are reported as anywhere.) Checked with Prettier 3.10 on
Node 26.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .tool_config import Loaded, depends_on, first_file

__all__ = ["CONFIG_FILES", "prettier_config"]

CONFIG_FILES = (".prettierrc", ".prettierrc.json", ".prettierrc.yml", ".prettierrc.yaml", ".prettierrc.json5",
                ".prettierrc.js", "prettier.config.js", ".prettierrc.ts", "prettier.config.ts", ".prettierrc.mjs",
                "prettier.config.mjs", ".prettierrc.mts", "prettier.config.mts", ".prettierrc.cjs",
                "prettier.config.cjs", ".prettierrc.cts", "prettier.config.cts", ".prettierrc.toml")
_IMPORTED = (".js", ".mjs", ".ts", ".mts")


def prettier_config(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                    folder: Optional[str] = None) -> Optional[Loaded]:
    """The configuration Prettier loads with (Node's own) import() in ``package_dir`` — or in
    ``folder``, a folder below it without a package.json (Prettier takes, for a file, the
    configuration nearest to it) —, where the package (its package.json ``manifest``) uses
    Prettier (a dependency, or a script that runs it) and the configuration there is a
    JavaScript or TypeScript file; else None."""
    scripts = manifest.get("scripts")
    runs = isinstance(scripts, dict) and any(isinstance(s, str) and "prettier" in s for s in scripts.values())
    if not runs and not depends_on(manifest, "prettier"):
        return None
    if folder is None and manifest.get("prettier") is not None:
        return None  # (package.json's key comes first)
    where = folder or package_dir
    name = first_file(where, CONFIG_FILES, is_file)
    if name is None or not name.endswith(_IMPORTED):
        return None
    how = "import(), Node stripping its types" if name.endswith("ts") else "import()"
    return Loaded(os.path.join(where, name), f"Prettier loads {name} with {how}", True)
