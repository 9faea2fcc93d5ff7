"""Deno's global npm cache: where a Deno project's `npm:` packages are when Deno installs no
node_modules folder (its default without a package.json: `"nodeModulesDir": "none"`).

Deno downloads each package version once into `$DENO_DIR/npm/<registry>/<name>/<version>/`
(`registry.npmjs.org`, or `host_port` for another registry; `<version>_<n>` for extra copies,
with the same files) and records in the project's deno.lock which version each `npm:` specifier
got and which versions each package's dependencies got. Nothing is downloaded or run here: the
lock and the cache are read, and a package the lock or the cache does not have is not found.

Lock format (versions 4 and 5, Deno 2): ``"specifiers"`` maps ``npm:name@req`` (the range
normalised: ``^2`` is written ``2``) to a version; ``"npm"`` maps ``name@version`` (a peer
dependency variant adds ``_peer@version``) to ``{"dependencies": [...]}``, each entry
``dep`` (the only version of it in the lock), ``dep@version`` or ``alias@npm:real@version``.
"""
from __future__ import annotations

import json
import os
import re
import sys
from typing import Optional

_VERSION = re.compile(r"^(\d+)")
# what a package name and a version may be (nothing that leaves the cache folder: no `..`)
_NAME = re.compile(r"^(?:@[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_VERSION_TEXT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")


def valid(name: str, version: str) -> bool:
    """A package name and version that can name a folder of a cache (a lock file or a
    specifier could say anything)."""
    return bool(_NAME.match(name) and _VERSION_TEXT.match(version)) and ".." not in name + version


def deno_dirs(env: Optional[dict] = None) -> tuple[str, ...]:
    """The real paths of the npm folders of Deno's cache, from this process's environment
    (never from the project): ``$DENO_DIR``, else Deno's default cache folder
    (``$XDG_CACHE_HOME/deno``, else ``~/.cache/deno``; ``~/Library/Caches/deno`` on macOS,
    ``%LOCALAPPDATA%/deno`` on Windows), each with ``/npm``."""
    env = os.environ if env is None else env
    home = os.path.expanduser("~")
    if env.get("DENO_DIR"):
        base = env["DENO_DIR"]
    elif os.name == "nt":
        base = os.path.join(env.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local"), "deno")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches", "deno")
    else:
        base = os.path.join(env.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "deno")
    return (os.path.realpath(os.path.join(base, "npm")),) if os.path.isabs(base) else ()


_DIRS: dict[tuple, tuple[str, ...]] = {}


def deno_dirs_now() -> tuple[str, ...]:
    """:func:`deno_dirs` of the environment as it is now (remembered per environment)."""
    key = (os.environ.get("DENO_DIR"), os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))
    hit = _DIRS.get(key)
    if hit is None:
        hit = _DIRS[key] = deno_dirs()
    return hit


def split_name(text: str) -> tuple[str, str]:
    """``name@rest`` (a scoped name keeps its first `@`) -> (name, rest); rest "" without `@`."""
    at = text.find("@", 1 if text.startswith("@") else 0)
    return (text, "") if at < 0 else (text[:at], text[at + 1:])


def pick(versions: list[str], req: str) -> Optional[str]:
    """The version of ``versions`` a range ``req`` takes when no lock says: the only one, else
    the only one of the range's major version."""
    if len(set(versions)) == 1:
        return versions[0]
    major = _VERSION.match(req.lstrip("^~=v"))
    same = {v for v in versions if v and major and _VERSION.match(v) and
            _VERSION.match(v).group(1) == major.group(1)}
    return same.pop() if len(same) == 1 else None


class Lock:
    """A deno.lock's npm part."""

    def __init__(self, data: dict) -> None:
        if "packages" in data and isinstance(data["packages"], dict):  # (version 3)
            data = {**data["packages"], **data}
        specs = data.get("specifiers")
        self.specifiers: dict[str, str] = {k: v for k, v in specs.items() if isinstance(v, str)} \
            if isinstance(specs, dict) else {}
        npm = data.get("npm")
        self.packages: dict[str, dict] = {k: v for k, v in npm.items() if isinstance(v, dict)} \
            if isinstance(npm, dict) else {}
        # name -> [version, …] (peer variants' suffixes kept)
        self.versions: dict[str, list[str]] = {}
        for key in self.packages:
            name, version = split_name(key)
            self.versions.setdefault(name, []).append(version)

    @staticmethod
    def parse(text: str) -> tuple[Optional["Lock"], Optional[str]]:
        try:
            data = json.loads(text)
        except ValueError as e:
            return None, f"deno.lock is not valid JSON ({e})"
        if not isinstance(data, dict):
            return None, "deno.lock is not a JSON object"
        return Lock(data), None

    def version_for(self, name: str, req: str, scheme: str = "npm") -> Optional[str]:
        """The version of package ``name`` the lock gave the specifier ``<scheme>:name@req``."""
        pre = scheme + ":"
        for key in (f"{pre}{name}@{req}", f"{pre}{name}@{req.lstrip('^')}", f"{pre}{name}" if not req else None):
            if key is not None and key in self.specifiers:
                return self._version_of(name, self.specifiers[key])
        # the range as Deno normalised it is not known here: the specifier of that name whose
        # version has the same major version (or the only one)
        found = [v for k, v in self.specifiers.items() if k.startswith(pre) and split_name(k[len(pre):])[0] == name]
        return pick([self._version_of(name, v) for v in found], req)

    def _version_of(self, name: str, value: str) -> str:
        # a value is a version, or `name@version` for an aliased specifier (`npm:name@version`
        # in a version 3 lock)
        value = value.removeprefix("npm:")
        return split_name(value)[1] if value.startswith(name + "@") else value

    def dependencies(self, name: str, version: str) -> dict[str, tuple[str, str]]:
        """What package ``name`` at ``version`` may import: {name it imports: (package, version)}."""
        entry = self.packages.get(f"{name}@{version}")
        if entry is None:  # a peer dependency variant: `name@version_peer@x`
            entry = next((v for k, v in self.packages.items() if k.startswith(f"{name}@{version}_")), None)
        deps = entry.get("dependencies") if entry is not None else None
        out: dict[str, tuple[str, str]] = {}
        items = deps.items() if isinstance(deps, dict) else ((d, None) for d in deps) if isinstance(deps, list) else ()
        for item, value in items:
            if not isinstance(item, str):
                continue
            if value is not None:  # ({"dep": "real@version"}: version 3)
                alias, target = item, "npm:" + str(value).removeprefix("npm:")
            else:
                alias, target = split_name(item)
            if target.startswith("npm:"):
                real, ver = split_name(target[4:])
            elif target:
                real, ver = alias, target
            else:
                real, ver = alias, ""
                only = self.versions.get(alias, [])
                if len(only) == 1:
                    ver = only[0]
            if ver:
                out[alias] = (real, ver)
        return out


def package_folder(npm_dirs: tuple[str, ...], name: str, version: str, is_dir) -> Optional[str]:
    """The cache folder of package ``name`` at ``version`` (a peer variant's suffix dropped), in
    any registry folder of the caches ``npm_dirs``, registry.npmjs.org first."""
    version = version.split("_", 1)[0]
    if not valid(name, version):
        return None
    for base in npm_dirs:
        try:
            registries = sorted(os.listdir(base), key=lambda r: (r != "registry.npmjs.org", r))
        except OSError:
            continue
        for reg in registries:
            folder = os.path.join(base, reg, *name.split("/"), version)
            if is_dir(folder):
                return folder
    return None


def package_of(path: str, npm_dirs: tuple[str, ...]) -> Optional[tuple[str, str, str]]:
    """(package name, version, its folder) when ``path`` is inside a package folder of the
    caches ``npm_dirs``."""
    for base in npm_dirs:
        prefix = base.rstrip(os.sep) + os.sep
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix):].split(os.sep)
        n = 3 if len(parts) > 1 and parts[1].startswith("@") else 2  # (registry, [scope,] name)
        if len(parts) <= n:
            return None
        name = "/".join(parts[1:n])
        version = parts[n]
        # `<version>_<n>`: another copy of the same version
        version = re.sub(r"_\d+$", "", version)
        return name, version, os.path.join(base, *parts[:n + 1])
    return None
