"""Files inside zip archives, as Yarn Plug'n'Play keeps packages (`.yarn/cache/x-npm-1.0.0-h.zip`,
whose entries are `node_modules/x/…`): a path that goes through an archive
(`…/x.zip/node_modules/x/index.js`) names the entry inside it, as Yarn's own file system does.
Read with the standard library's zipfile; an archive's table of contents is read once (kept
while its size and modification time stay the same). Nothing is extracted to disk.
"""
from __future__ import annotations

import os
import zipfile
from typing import Optional

_Index = tuple[dict[str, dict[str, str]], dict[str, zipfile.ZipInfo]]
_INDEX: dict[str, tuple[tuple[int, int], _Index]] = {}
_MAX_ARCHIVES = 4096


def split(path: str) -> Optional[tuple[str, str]]:
    """``(archive, path inside it)`` when ``path`` goes through a zip archive on disk (the inner
    path uses `/`, "" for the archive itself), else None."""
    if ".zip" not in path:
        return None
    start = 0
    sep = os.sep
    while True:
        i = path.find(".zip", start)
        if i < 0:
            return None
        end = i + 4
        if end == len(path) or path[end] == sep or path[end] == "/":
            archive = path[:end]
            if os.path.isfile(archive):
                return archive, path[end + 1:].replace(sep, "/").strip("/")
        start = end


def _index(archive: str) -> Optional[_Index]:
    try:
        st = os.stat(archive)
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _INDEX.get(archive)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        with zipfile.ZipFile(archive) as z:
            infos = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    dirs: dict[str, dict[str, str]] = {"": {}}
    files: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename.strip("/")
        if not name or name.startswith("/") or ".." in name.split("/"):
            continue
        parts = name.split("/")
        for k in range(len(parts) - 1):
            parent, child = "/".join(parts[:k]), parts[k]
            dirs.setdefault(parent, {})[child] = "dir"
            dirs.setdefault("/".join(parts[:k + 1]), {})
        parent = "/".join(parts[:-1])
        if info.is_dir():
            dirs.setdefault(parent, {})[parts[-1]] = "dir"
            dirs.setdefault(name, {})
        else:
            dirs.setdefault(parent, {})[parts[-1]] = "file"
            files[name] = info
    if len(_INDEX) >= _MAX_ARCHIVES:
        _INDEX.clear()
    _INDEX[archive] = (stamp, (dirs, files))
    return dirs, files


def listdir(archive: str, inner: str) -> Optional[dict[str, str]]:
    """The names in the folder ``inner`` of ``archive`` with their kinds; None: no such folder."""
    index = _index(archive)
    if index is None:
        return None
    found = index[0].get(inner)
    return dict(found) if found is not None else None


def kind(archive: str, inner: str) -> Optional[str]:
    index = _index(archive)
    if index is None:
        return None
    if inner in index[1]:
        return "file"
    return "dir" if inner in index[0] else None


def read(archive: str, inner: str, limit: int) -> tuple[Optional[bytes], Optional[str]]:
    """The bytes of a file inside ``archive``, or None and why (None: there is no such file)."""
    index = _index(archive)
    if index is None:
        return None, "cannot read: not a readable zip archive"
    info = index[1].get(inner)
    if info is None:
        return None, None
    if info.file_size > limit:
        return None, f"skipped: {info.file_size:,} bytes is over maxFileSize ({limit:,}); treated as a sync module"
    try:
        with zipfile.ZipFile(archive) as z, z.open(info) as f:
            data = f.read(limit + 1)
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError) as e:
        return None, f"cannot read it from its zip archive: {e}"
    if len(data) > limit:
        return None, f"skipped: over maxFileSize ({limit:,} bytes); treated as a sync module"
    return data, None


def exists(path: str) -> bool:
    """Like ``os.path.exists``, through zip archives too."""
    if os.path.exists(path):
        return True
    z = split(path)
    return z is not None and kind(*z) is not None
