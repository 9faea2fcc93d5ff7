"""How ESLint loads its flat configuration (read from the folder, never run).

ESLint (9, 10) loads the first of eslint.config.js, .mjs, .cjs, .ts, .mts, .cts it finds with
`import()` (a TypeScript one through jiti's import(), which takes a top-level await and ES
module packages too): a top-level await there, or an import of an async package, only makes
ESLint wait. (An eslint.config.cjs's own require() calls are reported as anywhere.) Checked with
ESLint 10.16 (jiti 2.6) on Node 26.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .tool_config import Loaded, first_file

__all__ = ["CONFIG_FILES", "eslint_config"]

CONFIG_FILES = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts",
                "eslint.config.mts", "eslint.config.cts")


def eslint_config(package_dir: str, is_file: Callable[[str], bool]) -> Optional[Loaded]:
    """The flat configuration ESLint loads in ``package_dir``, where it is one ESLint loads
    with import() (not a CommonJS one by its name), else None. Node's own import() takes a
    JavaScript one (Node resolves its imports); jiti compiles a TypeScript one."""
    name = first_file(package_dir, CONFIG_FILES, is_file)
    if name is None or name.endswith((".cjs", ".cts")):
        return None
    ts = name.endswith((".ts", ".mts"))
    how = "jiti's import()" if ts else "import()"
    return Loaded(os.path.join(package_dir, name), f"ESLint loads {name} with {how}", not ts)
