"""A caching view of the file system for the resolver.

Existence checks go through a cached directory listing first (most probes are misses, and one
`listdir` answers all of them for a directory), then a cached `stat`. A symlink loop or any
other OSError reads as "missing". All paths are absolute strings (faster than `Path` here).
"""
from __future__ import annotations

import os
import stat as _stat
from typing import Optional

from . import denoremote, virtual, zips

_MISSING = object()


def kind_on_disk(p: str) -> Optional[str]:
    """'file', 'dir' or None, asked of the disk now (no cache)."""
    try:
        st = os.stat(p)
    except (OSError, ValueError):
        return None
    return "dir" if _stat.S_ISDIR(st.st_mode) else "file" if _stat.S_ISREG(st.st_mode) else None


class CachedFS:
    def __init__(self, confine: Optional[str] = None) -> None:
        # files inside this folder whose real path is outside it (a symlink leading out of the
        # workspace) are never read
        self.confine = confine.rstrip(os.sep) + os.sep if confine else None
        self._kind: dict[str, Optional[str]] = {}
        self._list: dict[str, Optional[frozenset[str]]] = {}
        self._real: dict[str, str] = {}
        self._text: dict[str, Optional[str]] = {}

    # -- queries ---------------------------------------------------------------------------
    def listdir(self, d: str) -> Optional[dict[str, Optional[str]]]:
        """The names in folder ``d``, each with its kind as the listing tells it without a
        ``stat`` ('file', 'dir', None for other kinds, "?" for a symlink or an unknown type:
        asked of the disk when needed); None when ``d`` cannot be listed."""
        r = self._list.get(d, _MISSING)
        if r is _MISSING and ".zip" in d:
            inside = zips.split(d)
            if inside is not None:  # a folder inside a zip archive (Yarn Plug'n'Play's cache)
                r = self._list[d] = zips.listdir(*inside)
                return r  # type: ignore[return-value]
        if r is _MISSING and denoremote.REMOTE in d:
            package = denoremote.split(d)
            if package is not None:  # a folder of a JSR package in Deno's cache
                r = self._list[d] = denoremote.listdir(*package)
                return r  # type: ignore[return-value]
        if r is _MISSING:
            try:
                r = {}
                with os.scandir(d) as entries:
                    for e in entries:
                        try:
                            if e.is_symlink():
                                k: Optional[str] = "?"
                            else:
                                k = "file" if e.is_file() else "dir" if e.is_dir() else None
                        except OSError:
                            k = "?"
                        r[e.name] = k
            except (OSError, ValueError):
                r = None
            self._list[d] = r
        return r  # type: ignore[return-value]

    def kind(self, p: str) -> Optional[str]:
        """'file', 'dir' or None (missing, unreadable, symlink loop, or not a regular file)."""
        r = self._kind.get(p, _MISSING)
        if r is not _MISSING:
            return r  # type: ignore[return-value]
        if denoremote.REMOTE in p:
            # a file of Deno's HTTP cache, named by its URL (resolve/denoremote.py): not in the
            # listing of its folder, even where that folder exists (a host's: `https://esm.sh/x`)
            named, k = denoremote.path_kind(p)
            if named:
                self._kind[p] = k  # type: ignore[assignment]
                return k
        parent, name = os.path.split(p)
        if name and parent and parent != p:
            names = self.listdir(parent)
            if names is not None:
                listed = names.get(name, _MISSING)
                if listed is _MISSING:
                    self._kind[p] = None
                    return None
                if listed != "?":
                    self._kind[p] = listed  # type: ignore[assignment]
                    return listed  # type: ignore[return-value]
        r = self._kind[p] = kind_on_disk(p)
        return r

    def is_file(self, p: str) -> bool:
        return self.kind(p) == "file"

    def is_dir(self, p: str) -> bool:
        return self.kind(p) == "dir"

    def realpath(self, p: str) -> str:
        """``os.path.realpath`` of an absolute, normalized path, built on the cached real path
        of its directory: one ``lstat`` for a path whose directory was seen before."""
        r = self._real.get(p)
        if r is None:
            parent, name = os.path.split(p)
            try:
                if not name or parent == p or name in (".", ".."):
                    link = True
                else:
                    # a listed entry is a symlink only when its listing says "?"
                    names = self._list.get(parent)
                    listed = names.get(name, "?") if names is not None else "?"
                    link = listed == "?" and os.path.islink(p)
                if link:
                    r = os.path.realpath(p)  # non-strict: a symlink loop stops resolving, no hang
                else:
                    r = os.path.join(self.realpath(parent), name)
            except (OSError, ValueError):
                r = p
            self._real[p] = r
        return r

    def escapes(self, p: str) -> bool:
        """Is ``p`` inside the confining folder while its real path is outside it?"""
        c = self.confine
        if c is None or not os.path.abspath(p).startswith(c):
            return False
        return not (self.realpath(p) + os.sep).startswith(c)

    def read_text(self, p: str) -> Optional[str]:
        r = self._text.get(p, _MISSING)
        if r is _MISSING and self.escapes(p):
            r = self._text[p] = None
        if r is _MISSING:
            found = virtual.read(p, 8 * 1024 * 1024)
            if found is not None:  # (inside a zip archive, or in Deno's HTTP cache)
                r = found[0].decode("utf-8", errors="replace") if found[0] is not None else None
            else:
                try:
                    with open(p, "rb") as f:
                        r = f.read(8 * 1024 * 1024).decode("utf-8", errors="replace")
                except (OSError, ValueError):
                    r = None
            self._text[p] = r
        return r  # type: ignore[return-value]

    def known_kind(self, p: str) -> object:
        """What the cache believes about `p` without touching the disk (_MISSING: never asked)."""
        r = self._kind.get(p, _MISSING)
        if r is not _MISSING:
            return r
        parent, name = os.path.split(p)
        names = self._list.get(parent, _MISSING)
        if names is _MISSING or names is None:
            return _MISSING
        return "present" if name in names else None  # type: ignore[operator]

    # -- invalidation ----------------------------------------------------------------------
    def refresh_ancestors(self, p: str) -> bool:
        """`p` exists now: forget cached beliefs that it or an ancestor directory is missing.
        True when such a belief was found (the tree's shape changed)."""
        changed = False
        q = p
        while True:
            parent = os.path.dirname(q)
            if parent == q:
                return changed
            names = self._list.get(parent, _MISSING)
            if self._kind.get(q, _MISSING) is None:
                del self._kind[q]
                changed = True
            if names is not _MISSING and (names is None or os.path.basename(q) not in names):  # type: ignore[operator]
                del self._list[parent]
                changed = True
            if self._kind.get(parent, _MISSING) is None or names is None:
                q = parent
                continue
            return changed

    def invalidate(self, p: Optional[str] = None) -> None:
        if p is None:
            self._kind.clear()
            self._list.clear()
            self._real.clear()
            self._text.clear()
            return
        parent = os.path.dirname(p)
        prefix = p.rstrip(os.sep) + os.sep
        for cache in (self._kind, self._list, self._text):
            cache.pop(p, None)
            for k in [k for k in cache if k.startswith(prefix)]:
                del cache[k]
        self._list.pop(parent, None)
        self._real.clear()


MISSING = _MISSING
