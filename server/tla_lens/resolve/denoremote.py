"""Deno's HTTP cache, seen as folders: JSR packages, and any module Deno downloaded by URL.

Deno keeps what it downloads from JSR (https://jsr.io, or ``$JSR_URL``) in its HTTP cache:
``$DENO_DIR/remote/<scheme>/<host>/<sha256 of the URL's path>``, each file's bytes followed by a
``// denoCacheMetadata=…`` line. A package version's files are listed in its
``/@scope/name/<version>_meta.json`` (``"manifest"``, with its ``"exports"``).

tla-lens names a cached file by the path it would have if the cache kept folders:
``$DENO_DIR/remote/https/jsr.io/@scope/name/<version>/lib/x.ts``. Such a path does not exist on
disk; :func:`split` recognises it, and :func:`listdir`, :func:`kind` and :func:`read` answer
for it from the package's manifest and the hashed files (as resolve/zips.py does for paths
through zip archives), so that relative imports between a package's files resolve as they do
for Deno, by URL. Nothing is downloaded.
"""
from __future__ import annotations

import json
import os
from typing import Optional
from urllib.parse import urlsplit

# in every path of the cache, as tla-lens names its files: a cheap first test
REMOTE = os.sep + "remote" + os.sep
_TRAILER = b"\n// denoCacheMetadata="
_Index = tuple[dict[str, dict[str, str]], set[str], dict]  # folders, files, the meta's JSON
_INDEX: dict[str, tuple[tuple[int, int], Optional[_Index]]] = {}
_ROOTS: dict[tuple, tuple[str, ...]] = {}  # Deno's npm cache folders -> its HTTP cache folders


def jsr_base(env: Optional[dict] = None) -> tuple[str, str, str]:
    """(scheme, host folder, URL path prefix) of the JSR registry Deno uses (``$JSR_URL``, else
    https://jsr.io/): a host folder is the host, with ``_PORT<n>`` for an explicit port."""
    env = os.environ if env is None else env
    url = urlsplit(env.get("JSR_URL") or "https://jsr.io/")
    host = url.hostname or "jsr.io"
    folder = f"{host}_PORT{url.port}" if url.port else host
    return url.scheme or "https", folder, url.path.rstrip("/") + "/"


def remote_roots(env: Optional[dict] = None) -> tuple[str, ...]:
    """The real paths of Deno's HTTP cache folders (``$DENO_DIR/remote`` and Deno's default
    cache folder's: see denocache.deno_dirs), from this process's environment."""
    from .denocache import deno_dirs

    return tuple(os.path.join(os.path.dirname(d), "remote") for d in deno_dirs(env))


def _roots_now() -> tuple[str, ...]:
    from .denocache import deno_dirs_now

    npm = deno_dirs_now()
    hit = _ROOTS.get(npm)
    if hit is None:
        hit = _ROOTS[npm] = tuple(os.path.join(os.path.dirname(d), "remote") for d in npm)
    return hit


def package_folder(name: str, version: str) -> Optional[str]:
    """The folder tla-lens names JSR package ``name`` (``@scope/name``) at ``version`` by."""
    from .denocache import valid

    roots = _roots_now()
    if not roots or not name.startswith("@") or "/" not in name or not valid(name, version):
        return None
    scheme, host, _ = jsr_base()
    return os.path.join(roots[0], scheme, host, *name.split("/"), version)


def _cache_parts(path: str) -> Optional[tuple[str, list[str]]]:
    """(the HTTP cache folder, the parts of ``path`` below it: scheme, host folder, …)."""
    if REMOTE not in path:
        return None
    for root in _roots_now():
        prefix = root + os.sep
        if path.startswith(prefix):
            return root, path[len(prefix):].split(os.sep)
    return None


def split(path: str) -> Optional[tuple[str, str, str, str]]:
    """``(host folder, package name, version, path inside the package)`` when ``path`` names a
    JSR package's folder or file of Deno's cache (inner path "" for the package folder)."""
    found = _cache_parts(path)
    if found is None:
        return None
    root, parts = found
    scheme, host, _ = jsr_base()
    if len(parts) < 5 or parts[0] != scheme or parts[1] != host or not parts[2].startswith("@"):
        return None
    return os.path.join(root, parts[0], parts[1]), parts[2] + "/" + parts[3], parts[4], "/".join(parts[5:])


# -- any URL Deno cached (`https://deno.land/x/…`, `https://esm.sh/…`) -----------------------------
def remote_split(path: str) -> Optional[tuple[str, str]]:
    """``(host folder, URL path)`` when ``path`` names a module of Deno's HTTP cache by its URL
    (``…/remote/https/deno.land/x/mod@1.0/mod.ts``) outside the JSR registry's packages."""
    found = _cache_parts(path)
    if found is None:
        return None
    root, parts = found
    if len(parts) < 3 or parts[0] not in ("http", "https") or not parts[2] or split(path) is not None:
        return None
    return os.path.join(root, parts[0], parts[1]), "/" + "/".join(parts[2:])


def _host_folder(netloc_host: str, port: Optional[int]) -> str:
    return f"{netloc_host}_PORT{port}" if port else netloc_host


def url_file(url: str) -> Optional[str]:
    """The path tla-lens names an http(s) URL by in Deno's cache (None: another scheme, or no
    cache folder). A query stays in the name, after the last part of the path
    (``…/esm.sh/react@18?dev``): Deno caches each query of a URL as a module of its own (its
    fragment it drops). Whether Deno cached it: :func:`remote_kind`."""
    roots = _roots_now()
    try:
        u = urlsplit(url)
        port = u.port
    except ValueError:
        return None
    if not roots or u.scheme not in ("http", "https") or not u.hostname or ".." in u.path.split("/"):
        return None
    parts = [p for p in u.path.split("/") if p]
    if u.query:
        # (a `/` in a query makes more parts of the name; joined again, they give the same URL)
        if not parts or u.path.endswith("/") or any(s in ("", ".", "..") for s in u.query.split("/")[1:]):
            return None
        parts[-1] += "?" + u.query
    return os.path.join(roots[0], u.scheme, _host_folder(u.hostname, port), *parts)


def query_free(path: str) -> str:
    """``path`` (a module of Deno's HTTP cache, named by its URL) without its URL's query: the
    name whose extension says what the module is when its content type does not."""
    found = remote_split(path)
    if found is None or "?" not in found[1]:
        return path
    return path[: len(found[0]) + found[1].index("?")]


def url_of(path: str) -> Optional[str]:
    """The URL of a path :func:`url_file` gives (a JSR package's files too)."""
    found = _cache_parts(path)
    if found is None or len(found[1]) < 3 or found[1][0] not in ("http", "https"):
        return None
    parts = found[1]
    host, _, port = parts[1].partition("_PORT")
    return f"{parts[0]}://{host}{':' + port if port else ''}/" + "/".join(parts[2:])


def remote_kind(host_dir: str, url_path: str) -> Optional[str]:
    """"file" when Deno's cache holds the URL path (a folder is not known to the cache)."""
    return "file" if os.path.isfile(_hashed(host_dir, url_path)) else None


def remote_read(host_dir: str, url_path: str, limit: int) -> tuple[Optional[bytes], Optional[str]]:
    data = _body(_hashed(host_dir, url_path), limit)
    if data is None:
        return None, None
    if len(data) > limit:
        return None, f"skipped: over maxFileSize ({limit:,} bytes); treated as a sync module"
    return data, None


_MEDIA = {"application/javascript": "js", "text/javascript": "js", "application/ecmascript": "js",
          "text/ecmascript": "js", "application/x-javascript": "js", "text/jsx": "jsx",
          "application/typescript": "ts", "text/typescript": "ts", "video/mp2t": "ts",
          "application/x-typescript": "ts", "text/tsx": "tsx"}


def _metadata(host_dir: str, url_path: str) -> Optional[tuple[bytes, dict]]:
    """(body, the cache's metadata) of a cached URL path."""
    try:
        with open(_hashed(host_dir, url_path), "rb") as f:
            data = f.read(16 * 1024 * 1024)
    except OSError:
        return None
    cut = data.rfind(_TRAILER)
    if cut < 0:
        return None
    try:
        meta = json.loads(data[cut + len(_TRAILER):])
    except ValueError:
        return None
    return (data[:cut], meta) if isinstance(meta, dict) else None


def media(host_dir: str, url_path: str) -> Optional[str]:
    """The dialect ("js", "ts", "jsx", "tsx") a cached module's content type says, as Deno
    decides for a URL without a known extension (esm.sh's); None: not a script."""
    found = _metadata(host_dir, url_path)
    headers = found[1].get("headers") if found is not None else None
    value = headers.get("content-type") if isinstance(headers, dict) else None
    if not isinstance(value, str):
        return None
    return _MEDIA.get(value.split(";", 1)[0].strip().lower())


def redirect(host_dir: str, url_path: str) -> Optional[str]:
    """Where a cached redirect of the URL path leads (its ``location`` header), if it is one."""
    found = _metadata(host_dir, url_path)
    if found is None or found[0].strip():
        return None
    headers = found[1].get("headers")
    location = headers.get("location") if isinstance(headers, dict) else None
    return location if isinstance(location, str) and location else None


def cached_path(path: str) -> bool:
    """Is ``path`` in Deno's HTTP cache, as tla-lens names its files (a JSR package or a URL)?"""
    return split(path) is not None or remote_split(path) is not None


def _hashed(host_dir: str, url_path: str) -> str:
    import hashlib  # (only for a Deno project's remote modules: ~3 ms spared at every start)

    return os.path.join(host_dir, hashlib.sha256(url_path.encode("utf-8")).hexdigest())


def _body(file: str, limit: int) -> Optional[bytes]:
    try:
        with open(file, "rb") as f:
            data = f.read(limit + 1 + 4096)
    except OSError:
        return None
    cut = data.rfind(_TRAILER)
    return data[:cut] if cut >= 0 else data


def cached_json(host_dir: str, url_path: str) -> Optional[dict]:
    """A JSON document of the cache (``meta.json``, ``<version>_meta.json``), or None."""
    data = _body(_hashed(host_dir, url_path), 16 * 1024 * 1024)
    try:
        found = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _index(host_dir: str, name: str, version: str) -> Optional[_Index]:
    prefix = jsr_base()[2]
    meta = _hashed(host_dir, f"{prefix}{name}/{version}_meta.json")
    try:
        st = os.stat(meta)
        stamp = (st.st_size, st.st_mtime_ns)
    except OSError:
        return None
    hit = _INDEX.get(meta)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    data = cached_json(host_dir, f"{prefix}{name}/{version}_meta.json")
    index: Optional[_Index] = None
    manifest = data.get("manifest") if data is not None else None
    if isinstance(manifest, dict):
        dirs: dict[str, dict[str, str]] = {"": {}}
        files: set[str] = set()
        for key in manifest:
            if not isinstance(key, str) or not key.startswith("/"):
                continue
            parts = key.strip("/").split("/")
            for k in range(len(parts) - 1):
                dirs.setdefault("/".join(parts[:k]), {})[parts[k]] = "dir"
                dirs.setdefault("/".join(parts[:k + 1]), {})
            dirs.setdefault("/".join(parts[:-1]), {})[parts[-1]] = "file"
            files.add("/".join(parts))
        index = (dirs, files, data)
    if len(_INDEX) > 4096:
        _INDEX.clear()
    _INDEX[meta] = (stamp, index)
    return index


def exports(host_dir: str, name: str, version: str) -> Optional[dict]:
    """The ``"exports"`` of a cached package version (``{".": "./mod.ts", …}``), or None."""
    index = _index(host_dir, name, version)
    found = index[2].get("exports") if index is not None else None
    if isinstance(found, str):
        return {".": found}
    return found if isinstance(found, dict) else None


def listdir(host_dir: str, name: str, version: str, inner: str) -> Optional[dict[str, str]]:
    index = _index(host_dir, name, version)
    if index is None:
        return None
    found = index[0].get(inner)
    return dict(found) if found is not None else None


def kind(host_dir: str, name: str, version: str, inner: str) -> Optional[str]:
    index = _index(host_dir, name, version)
    if index is None:
        return None
    return "file" if inner in index[1] else "dir" if inner in index[0] else None


def read(host_dir: str, name: str, version: str, inner: str, limit: int) -> tuple[Optional[bytes], Optional[str]]:
    """A package file's bytes (without the cache's metadata line), or None and why (None: no
    such file, or not downloaded)."""
    index = _index(host_dir, name, version)
    if index is None or inner not in index[1]:
        return None, None
    data = _body(_hashed(host_dir, f"{jsr_base()[2]}{name}/{version}/{inner}"), limit)
    if data is None:
        return None, "not in Deno's cache (run `deno install`)"
    if len(data) > limit:
        return None, f"skipped: over maxFileSize ({limit:,} bytes); treated as a sync module"
    return data, None


def path_kind(path: str) -> tuple[bool, Optional[str]]:
    """(whether ``path`` names a file or folder of Deno's HTTP cache — a JSR package's, a
    downloaded module's —, and then its kind there: "file", "dir" or None)."""
    package = split(path)
    if package is not None:
        return True, kind(*package)
    remote = remote_split(path)
    return (True, remote_kind(*remote)) if remote is not None else (False, None)


def exists(path: str) -> bool:
    return path_kind(path)[1] is not None
