"""Files that are not on disk under their own name: a file inside a zip archive (Yarn
Plug'n'Play's cache: resolve/zips.py), a JSR package's file or a module Deno downloaded (Deno's
HTTP cache, hashed names: resolve/denoremote.py). tla-lens names them by the path they would
have; these functions read them by that path, for the resolver and the project alike."""
from __future__ import annotations

from typing import Optional

from . import denoremote, zips


def read(path: str, limit: int) -> Optional[tuple[Optional[bytes], Optional[str]]]:
    """``(bytes, None)`` or ``(None, why)`` (``(None, None)``: no such file) for a path named
    this way; None for any other path (a file on disk: the caller reads it)."""
    if ".zip" in path:
        inside = zips.split(path)
        if inside is not None:
            return zips.read(*inside, limit)
    if denoremote.REMOTE in path:
        package = denoremote.split(path)
        if package is not None:
            return denoremote.read(*package, limit)
        remote = denoremote.remote_split(path)
        if remote is not None:
            return denoremote.remote_read(*remote, limit)
    return None


def is_virtual(path: str) -> bool:
    """Is ``path`` named this way (an editor cannot open it by a file: URI)?"""
    return (".zip" in path and zips.split(path) is not None) or denoremote.cached_path(path)


def exists(path: str) -> bool:
    """Like ``os.path.exists``, through zip archives and Deno's HTTP cache too."""
    return zips.exists(path) or denoremote.exists(path)
