"""The fix for a configuration its tool loads as CommonJS, where an async module fails it: the
file renamed to the ES module extension, which the tool loads with import() — a Vite (or
Vitest) configuration Vite bundles into CommonJS (vite.config.ts -> vite.config.mts, .js ->
.mjs), and Next.js's next.config.ts, which SWC compiles into CommonJS (-> next.config.mts,
which Node loads itself by type stripping: the caller says why not where Node would fail on it
or on a file it loads, :meth:`tla_lens.project.Project.config_to_rename`). The tsconfig files of its folder follow: an exact name
(a Vite template's tsconfig.node.json `"include": ["vite.config.ts"]`) edited to the new name,
and where an `include` glob took the old name but not the new (Next.js's `"**/*.ts"`), the new
name added to it, so that tsc still checks it. Pure: paths and bytes in, the rename and edits
out."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

from ..syntax.facts import Span
from ..resolve._jsonc import parse_json
from ..resolve.tsconfig import glob_matches
from ..resolve.vite_config import es_module_name
from .config_edit import append_string
from .edits import Fix, Refusal, TextEdit

__all__ = ["ConfigRename", "config_rename"]

_COMMONJS = re.compile(rb"\bmodule\.exports\b|\bexports\.\w|\brequire\s*\(|__dirname|__filename")


@dataclass(frozen=True)
class ConfigRename:
    title: str
    old: Path
    new: Path
    edits: tuple[tuple[Path, bytes, Fix], ...]  # (a tsconfig file, its text, the edit of it)


def config_rename(old: Path, tool: str, listdir: Callable[[Path], list[str]], exists: Callable[[Path], bool],
                  read: Callable[[Path], Optional[bytes]], refused: Optional[str] = None,
                  then: str = "as an ES module, with import()") -> Union[ConfigRename, Refusal, None]:
    """The rename of the configuration ``old`` that makes ``tool`` load it as an ES module
    (``then``: how, for the title), or why there is none (``refused``: the caller's reason; None
    where the file already has an ES module extension)."""
    new_name = es_module_name(old.name)
    if new_name is None:
        return None
    new = old.with_name(new_name)
    ext = old.suffix
    title = f"Rename {old.name} to {new.name} ({tool} then loads it {then})"
    if refused is not None:
        return Refusal(title, refused)
    if ext in (".cts", ".cjs"):
        # (CommonJS by its name, maybe on purpose: `module.exports`, require() in it)
        if _COMMONJS.search(read(old) or b""):
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
            continue
        added = _include_new(path, text, old, new, f"{title}: {name}")
        if added is not None:
            edits.append((path, text, added))
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


def _include_new(tsconfig: Path, text: bytes, old: Path, new: Path, title: str) -> Optional[Fix]:
    """Where the tsconfig's own `include` takes ``old`` by a glob that does not take ``new``
    (`"**/*.ts"` and next.config.mts), the edit adding the new name to it; else None."""
    data, _ = parse_json(text.decode("utf-8", "replace"), lenient=True)
    include = data.get("include") if isinstance(data, dict) else None
    if not isinstance(include, list):
        return None
    patterns = [os.path.join(str(tsconfig.parent), p) for p in include if isinstance(p, str)]
    if not any(glob_matches(p, str(old)) for p in patterns) or any(glob_matches(p, str(new)) for p in patterns):
        return None
    found = append_string(text, ("include",), new.name, title)
    return found if isinstance(found, Fix) else None
