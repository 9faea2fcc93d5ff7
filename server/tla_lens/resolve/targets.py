"""Which esbuild targets have top-level await (esbuild decides: a bundle or compile for a target
without it fails, "Top-level await is not available in the configured target environment").

The versions are the first of each engine with top-level await in esbuild 0.28's table, checked
by building a module with one for each side of each bound: es2022, chrome/edge 89, firefox 89,
safari/ios 15, opera 75, node 14.8, any deno; no version of hermes, rhino or ie. A target is
written as esbuild takes it: `es2020`, `esnext`, `chrome89`, `node14.8`, `safari15.4`
(lower-case; TypeScript's `ES2020` as tsup passes a tsconfig's on, lower-cased)."""
from __future__ import annotations

import json
import os
import re
from typing import Callable, Iterable, Optional

__all__ = ["missing_tla", "target_words", "installed_version"]

# engine -> the first version with top-level await (None: no version has it)
_FIRST: dict[str, Optional[tuple[int, ...]]] = {
    "chrome": (89,), "edge": (89,), "firefox": (89,), "safari": (15,), "ios": (15,),
    "opera": (75,), "node": (14, 8), "deno": (1,), "hermes": None, "rhino": None, "ie": None,
}
_TARGET = re.compile(r"^([a-z]+)(\d+(?:\.\d+)*)?$")


def target_words(value: object) -> Optional[tuple[str, ...]]:
    """A `target` option as esbuild reads it: a string (commas separate targets on esbuild's
    command line) or a list of strings; None where it is neither."""
    if isinstance(value, str):
        return tuple(w.strip().lower() for w in value.split(",") if w.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(w.strip().lower() for w in value if w.strip())
    return None


def missing_tla(targets: Iterable[str]) -> tuple[str, ...]:
    """The targets among ``targets`` that have no top-level await (in their order); a word
    that is not a target esbuild knows counts as having it (esbuild would refuse the word
    itself, which is not ours to report)."""
    out = []
    for t in targets:
        m = _TARGET.match(t.strip().lower())
        if m is None:
            continue
        name, version = m.group(1), m.group(2)
        if name == "es":
            if version is not None and version.isdigit() and (int(version) < 2022 if len(version) == 4
                                                              else version in ("3", "5", "6")):
                out.append(t)
            continue
        if name == "esnext" or name not in _FIRST:
            continue
        first = _FIRST[name]
        if first is None:
            out.append(t)
            continue
        if version is None:
            continue
        have = tuple(int(p) for p in version.split("."))
        if have < first:
            out.append(t)
    return tuple(out)


def installed_version(package_dir: str, name: str, is_file: Callable[[str], bool],
                      read: Callable[[str], Optional[str]]) -> Optional[tuple[int, ...]]:
    """The version (major, minor, patch) of the package ``name`` the build of ``package_dir``
    runs (node_modules/NAME, from that folder up, as Node finds it), or None where none is
    installed or its version cannot be read."""
    d = package_dir
    while True:
        path = os.path.join(d, "node_modules", name, "package.json")
        if is_file(path):
            try:
                version = json.loads(read(path) or "").get("version")
            except (ValueError, AttributeError):
                return None
            m = re.match(r"(\d+)\.(\d+)\.(\d+)", version) if isinstance(version, str) else None
            return tuple(int(g) for g in m.groups()) if m else None
        up = os.path.dirname(d)
        if up == d:
            return None
        d = up
