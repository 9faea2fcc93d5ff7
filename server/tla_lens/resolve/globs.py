"""Vite's `import.meta.glob(…, { eager: true })`: the files its patterns match.

Vite expands the patterns with tinyglobby (picomatch syntax) when it transforms the module: an
eager glob becomes one static import per matching file (a lazy one, `import()` calls). The
patterns are relative to the importing file (`./`, `../`) or to the project root (`/`); files
under node_modules (unless a pattern names node_modules), dotfiles and the importing file itself
are left out; `!pattern` excludes (one not starting with `./`, `../` or `/` wherever it
matches). Patterns are matched with wcmatch (`**`, braces, `?`, classes; dotfiles only when
named); the folders are listed through the resolver's cached file system, so that a file
created where a glob looks changes what it matches. A pattern that starts with an alias comes
here with the alias replaced (Resolver.glob).
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Optional

_GLOB_CHARS = frozenset("*?[{")


def _absolute(pattern: str, importer_dir: str, root: str) -> Optional[str]:
    """``pattern`` as an absolute pattern (``/``-separated), or None for an alias or a bare
    name."""
    if pattern.startswith("/"):
        base, rest = root, pattern[1:]
    elif pattern.startswith(("./", "../")):
        base, rest = importer_dir, pattern
    else:
        return None
    segs: list[str] = []
    for seg in os.path.join(base, rest).replace(os.sep, "/").split("/"):
        if seg == ".":
            continue
        if seg == ".." and segs and not (set(segs[-1]) & _GLOB_CHARS):
            segs.pop()
            continue
        segs.append(seg)
    return "/".join(segs)


def expand(patterns: Iterable[str], importer: str, root: str,
           listdir: Callable[[str], Optional[dict]], is_dir: Callable[[str], bool]) -> list[str]:
    """The files (absolute, sorted) the glob ``patterns`` of ``importer`` match, as Vite
    expands them. ``listdir(d)``: the names in folder d (or None); ``is_dir(p)``."""
    from wcmatch import glob as wglob  # (only when a module has an eager glob: start-up stays short)

    flags = wglob.GLOBSTAR | wglob.BRACE
    importer_dir = os.path.dirname(importer)
    positive: list[str] = []
    negative: list[str] = []
    for p in patterns:
        if p.startswith("!"):
            a = _absolute(p[1:], importer_dir, root)
            if a is not None:
                negative.append(a)
            elif p[1:]:
                negative.append("**/" + p[1:])
        else:
            a = _absolute(p, importer_dir, root)
            if a is not None:
                positive.append(a)
    found: set[str] = set()
    for a in positive:
        segs = a.split("/")
        k = next((i for i, s in enumerate(segs) if set(s) & _GLOB_CHARS), len(segs))
        if k == len(segs):  # no glob characters: that file, if it is there
            names = listdir(os.path.dirname(a)) or {}
            if os.path.basename(a) in names and not is_dir(a):
                found.add(a)
            continue
        deep = "**" in a or k < len(segs) - 1
        modules = "node_modules" in a
        stack = ["/".join(segs[:k]) or "/"]
        while stack:
            d = stack.pop()
            for name in listdir(d) or ():
                p = d.rstrip("/") + "/" + name
                if is_dir(p):
                    if deep and (modules or name != "node_modules") and not name.startswith("."):
                        stack.append(p)
                elif wglob.globmatch(p, a, flags=flags):
                    found.add(p)
    me = importer.replace(os.sep, "/")
    return sorted(f for f in found
                  if f != me and not any(wglob.globmatch(f, n, flags=flags) for n in negative))
