"""The fix for a Vite (or Vitest) configuration that Vite bundles into CommonJS: the file renamed
to the ES module extension (vite.config.ts -> vite.config.mts, .js -> .mjs), which Vite bundles
as an ES module and loads with import(), and the tsconfig files of its folder that name it (a
Vite template's tsconfig.node.json `"include": ["vite.config.ts"]`) edited to the new name, so
that tsc still checks it. Pure: paths and bytes in, the rename and edits out."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

from ..syntax.facts import Span
from ..resolve.vite_config import es_module_name
from .edits import Fix, Refusal, TextEdit

__all__ = ["ConfigRename", "config_rename"]


@dataclass(frozen=True)
class ConfigRename:
    title: str
    old: Path
    new: Path
    edits: tuple[tuple[Path, bytes, Fix], ...]  # (a tsconfig file, its text, the edit of it)


def config_rename(old: Path, tool: str, listdir: Callable[[Path], list[str]], exists: Callable[[Path], bool],
                  read: Callable[[Path], Optional[bytes]]) -> Union[ConfigRename, Refusal, None]:
    """The rename of the configuration ``old`` that makes ``tool`` load it as an ES module,
    or why there is none (None where the file already has an ES module extension)."""
    new_name = es_module_name(old.name)
    if new_name is None:
        return None
    new = old.with_name(new_name)
    ext = old.suffix
    title = f"Rename {old.name} to {new.name} ({tool} then loads it as an ES module, with import())"
    if ext in (".cts", ".cjs"):
        # (CommonJS by its name, maybe on purpose: `module.exports`, require() in it)
        source = read(old) or b""
        if re.search(rb"\bmodule\.exports\b|\bexports\.\w|\brequire\s*\(|__dirname|__filename", source):
            return Refusal(title, f"{old.name} is written as CommonJS (module.exports, require(), __dirname): "
                                  f"as an ES module it would need rewriting")
    if exists(new):
        return Refusal(title, f"{new.name} exists already")
    edits = []
    quoted = re.compile(rb'"(?:\./)?' + re.escape(old.name.encode()) + rb'"')
    for name in sorted(listdir(old.parent)):
        if not (name.startswith("tsconfig") and name.endswith(".json")):
            continue
        path = old.parent / name
        text = read(path)
        if text is None:
            continue
        found = [TextEdit(Span(m.start() + 1, m.end() - 1), m.group()[1:-1].decode().replace(old.name, new.name))
                 for m in quoted.finditer(text)]
        if found:
            edits.append((path, text, Fix(f"{title}: {name}", found)))
    # npm scripts that name it (`vite build -c vite.lib.config.ts`)
    manifest = old.parent / "package.json"
    text = read(manifest)
    if text is not None:
        named = re.compile(rb"((?:-c|--config)(?:=|\s+)(?:\./)?)" + re.escape(old.name.encode()) + rb"(?![\w.-])")
        found = [TextEdit(Span(m.end(1), m.end()), new.name) for m in named.finditer(text)]
        if found:
            edits.append((manifest, text, Fix(f"{title}: package.json", found)))
    if edits:
        title += " and name it so in " + ", ".join(p.name for p, _, _ in edits)
    return ConfigRename(title, old, new, tuple(edits))
