"""How Next.js loads its configuration file (read from the folder and package.json, never run).

`next dev`, `next build` and `next start` first load the folder's configuration: the first of
next.config.js, .mjs, .ts (and .mts where Node strips types: 22.18 and later). Next.js 16:

- next.config.js, .mjs and .mts are loaded with `import()` (a CommonJS next.config.js is one by
  Node's rules, whose require() calls are the file's own): a top-level await there, or an
  import of an async package, only makes Next.js wait;
- next.config.ts is compiled by SWC into CommonJS (each import, and each `import()`, a
  `require()`; the project files it imports compiled so too) and run with require(): a
  top-level await in it or in what it loads, or an async package it imports, makes Node throw
  ERR_REQUIRE_ASYNC_MODULE ("require() cannot be used on an ESM graph with top-level await"),
  and Next.js fails to load its configuration. An await inside the exported function
  (`export default async () => …`) is fine; an `import()` there is still a require().

With `--experimental-next-config-strip-types` on `next dev`, `build` and `start` (each command
that loads the configuration), Next.js loads next.config.ts with `import()` too, Node stripping
its types; where Node throws on it (an import that does not name the file, TypeScript it does
not strip: :mod:`tla_lens.project.native`), Next.js falls back to SWC's CommonJS as above.

Checked with Next.js 16.5's loader (`loadConfig`) on Node 26.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Optional

from .scripts import program_words, script_commands
from .tool_config import depends_on, first_file

__all__ = ["CONFIG_FILES", "NATIVE_FLAG", "NextConfig", "next_config"]

CONFIG_FILES = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.mts")
NATIVE_FLAG = "--experimental-next-config-strip-types"
_NEXT_COMMAND = re.compile(r"(?:^|[\s;&|/(])next(?=\s|$|[;&|)])")
_LOADS_CONFIG = ("dev", "build", "start")


@dataclass(frozen=True)
class NextConfig:
    file: str             # absolute
    required: bool        # compiled into CommonJS and run with require() (next.config.ts)
    why: str              # how Next.js loads it, for the messages
    native: bool = False  # next.config.ts import()ed, Node stripping its types (NATIVE_FLAG), where Node can

    @property
    def node(self) -> bool:
        """Does Node's own import() take it, whatever it imports (next.config.js, .mjs, .mts):
        Node resolves its imports as written. (Under NATIVE_FLAG only where Node can.)"""
        return not self.required and not self.native


def next_config(manifest: dict, package_dir: str, is_file: Callable[[str], bool]) -> Optional[NextConfig]:
    """How Next.js loads the configuration of the package folder ``package_dir`` (its
    package.json ``manifest``), where the package uses Next.js; else None."""
    scripts = manifest.get("scripts")
    runs = isinstance(scripts, dict) and any(isinstance(s, str) and _NEXT_COMMAND.search(s) for s in scripts.values())
    if not runs and not depends_on(manifest, "next"):
        return None
    name = first_file(package_dir, CONFIG_FILES, is_file)
    if name is None:
        return None
    path = os.path.join(package_dir, name)
    if name == "next.config.ts":
        if _native(scripts):
            return NextConfig(path, False, f"Next.js loads next.config.ts with import(), Node stripping its types "
                                           f"({NATIVE_FLAG})", native=True)
        return NextConfig(path, True, "Next.js compiles next.config.ts into CommonJS with SWC and loads it with "
                                      "require()")
    return NextConfig(path, False, f"Next.js loads {name} with import()")


def _native(scripts: object) -> bool:
    """Does every npm script command that loads the configuration (`next dev`, `build`,
    `start`; `next` alone is `next dev`) pass :data:`NATIVE_FLAG`, and is there one?"""
    seen = False
    for _, words in script_commands(scripts, "next"):
        command = program_words(words, ("next",))
        if command is None:
            continue
        sub = command[1] if len(command) > 1 and not command[1].startswith("-") else "dev"  # (commander's)
        if sub not in _LOADS_CONFIG:
            continue
        if NATIVE_FLAG not in command:
            return False
        seen = True
    return seen
