"""Yarn Plug'n'Play: which folder a bare specifier names, read from the project's PnP manifest.

A PnP project has no node_modules: Yarn writes `.pnp.cjs` (or `.pnp.data.json` beside it with
`pnpEnableInlining: false`), whose runtime state lists every package (a locator: name and
reference), the folder it lives in, and the packages each one may import. Resolution follows
Yarn's PnP specification (yarnpkg.com/advanced/pnp-spec): the importing file's package is the one
whose folder holds it (the longest match); the specifier's package name is looked up in that
package's dependencies, then — when `enableTopLevelFallback` is set and the importer is not
excluded — in the top-level package's and the fallback pool; an alias names another locator.
The package's folder is then read as any package folder is (``exports``, ``main``) by the
resolver. Folders in `.yarn/__virtual__/…/<n>/…` are the physical folders they stand for.

Nothing is run: the manifest's state is a JSON document inside a JavaScript string literal,
decoded here. Packages in zip archives (Yarn's cache, the project's or the global one) are
located here and read by resolve/zips.py.
"""
from __future__ import annotations

import json
import os
import re
from typing import Optional, Union

MANIFESTS = (".pnp.cjs", ".pnp.js", ".pnp.data.json")

# the manifest's state: `const RAW_RUNTIME_STATE =\n'…';` (a single-quoted JavaScript string)
_RAW = re.compile(r"RAW_RUNTIME_STATE\s*=\s*'((?:[^'\\]|\\.|\\\n)*)'", re.S)
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
           "\n": "", "\r": "", "\r\n": "", "\u2028": "", "\u2029": ""}
_VIRTUAL = re.compile(r"^(.*?)[\\/]__virtual__[\\/][^\\/]+[\\/](\d+)(?:[\\/](.*))?$")


class PnpError(ValueError):
    """The manifest cannot be read (its message says why)."""


def _js_string(body: str) -> str:
    def one(m: re.Match) -> str:
        e = m.group(1)
        if e in _SIMPLE:
            return _SIMPLE[e]
        if e[0] == "u":
            return chr(int(e[2:-1] if e[1] == "{" else e[1:], 16))
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        return e  # \' \" \\ and any other character stand for themselves

    return _ESCAPE.sub(one, body)


def physical(path: str) -> str:
    """The folder a Yarn virtual path stands for (``…/.yarn/__virtual__/x-virtual-h/2/a/b`` is
    ``a/b`` two folders above ``.yarn``); any other path as it is."""
    m = _VIRTUAL.match(path)
    if not m:
        return path
    base = m.group(1)
    for _ in range(int(m.group(2))):
        base = os.path.dirname(base)
    return os.path.normpath(os.path.join(base, m.group(3) or ""))


def in_zip(path: str) -> bool:
    return any(part.endswith(".zip") for part in re.split(r"[\\/]", path))


def global_caches(env: Optional[dict] = None) -> tuple[str, ...]:
    """The real paths of the folders Yarn's global cache can be in, from this process's
    environment (never from the project, which could name any folder): ``$YARN_GLOBAL_FOLDER``,
    else Yarn's default global folder (``$XDG_DATA_HOME/yarn/berry``, else ``~/.yarn/berry``;
    on Windows ``%LOCALAPPDATA%/Yarn/Berry``), each with ``/cache``. Yarn 4 keeps the zip
    archives of every project's packages there unless ``enableGlobalCache: false``."""
    env = os.environ if env is None else env
    folders = []
    if env.get("YARN_GLOBAL_FOLDER"):
        folders.append(env["YARN_GLOBAL_FOLDER"])
    if os.name == "nt":
        local = env.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
        folders.append(os.path.join(local, "Yarn", "Berry"))
    elif env.get("XDG_DATA_HOME"):
        folders.append(os.path.join(env["XDG_DATA_HOME"], "yarn", "berry"))
    else:
        folders.append(os.path.join(os.path.expanduser("~"), ".yarn", "berry"))
    out: list[str] = []
    for f in folders:
        if os.path.isabs(f):
            c = os.path.realpath(os.path.join(f, "cache"))
            if c not in out:
                out.append(c)
    return tuple(out)


def in_global_cache(path: str, caches: tuple[str, ...]) -> bool:
    """``path`` (a real path) names something inside a zip archive that sits directly in one of
    Yarn's global cache folders ``caches`` (:func:`global_caches`): the only files outside the
    folder analysed that tla-lens reads."""
    for c in caches:
        prefix = c.rstrip(os.sep) + os.sep
        if path.startswith(prefix):
            rest = path[len(prefix):]
            i = rest.find(os.sep)
            name = rest if i < 0 else rest[:i]
            return name.endswith(".zip") and name not in (".zip", "..zip") and not name.startswith(".")
    return False


Locator = tuple  # (name | None, reference | None)


class Manifest:
    """The runtime state of one PnP manifest, with lookups by folder."""

    def __init__(self, text: str, manifest_path: str, data_text: Optional[str] = None) -> None:
        self.path = manifest_path
        base = os.path.dirname(manifest_path)
        if manifest_path.endswith(".json"):
            raw = text
        elif data_text is not None:
            raw = data_text  # (`pnpEnableInlining: false`: the state is in .pnp.data.json)
        else:
            m = _RAW.search(text)
            if m is None:
                raise PnpError("no RAW_RUNTIME_STATE in it (and no .pnp.data.json beside it)")
            raw = _js_string(m.group(1))
        try:
            state = json.loads(raw)
        except ValueError as e:
            raise PnpError(f"its runtime state is not valid JSON ({e})") from None
        if not isinstance(state, dict):
            raise PnpError("its runtime state is not an object")
        self.top_level_fallback = bool(state.get("enableTopLevelFallback"))
        # locator -> (folder, {dependency name: reference | [alias name, reference] | None})
        self.packages: dict[Locator, tuple[str, dict]] = {}
        self.by_folder: dict[str, Locator] = {}
        for name, refs in state.get("packageRegistryData") or []:
            for ref, info in refs or []:
                if not isinstance(info, dict):
                    continue
                loc = info.get("packageLocation") or "./"
                folder = os.path.normpath(os.path.join(base, loc))
                deps = {d: r for d, r in info.get("packageDependencies") or []}
                self.packages[(name, ref)] = (folder, deps)
                if not info.get("discardFromLookup"):
                    # (several locators in one folder — a portal linked from several parents, a
                    # workspace and the top level: the last one listed is the folder's, as in
                    # Yarn's runtime; one marked discardFromLookup never is)
                    self.by_folder[folder] = (name, ref)
        self.excluded = {(name, ref) for name, refs in state.get("fallbackExclusionList") or [] for ref in refs or []}
        self.fallback_pool = {d: r for d, r in state.get("fallbackPool") or []}
        self.root = base

    def locator_of(self, folder: str) -> Optional[Locator]:
        """The package whose folder holds ``folder`` (the deepest one); None when none does."""
        d = folder
        while True:
            loc = self.by_folder.get(d)
            if loc is not None:
                return loc
            parent = os.path.dirname(d)
            if parent == d:
                return None
            d = parent

    def locate(self, name: str, issuer_dir: str) -> Union[str, tuple[str, str]]:
        """The physical folder of package ``name`` as imported from a file in ``issuer_dir``;
        or ``(kind, message)`` when there is none: kind "outside" (no package of this manifest
        holds the importer: Node's own lookup applies), "missing" (not a dependency)."""
        parent = self.locator_of(issuer_dir)
        if parent is None:
            return ("outside", "")
        _, deps = self.packages[parent]
        ref = deps.get(name, _ABSENT)
        if ref is _ABSENT and self.top_level_fallback and parent not in self.excluded:
            top = self.packages.get((None, None))
            ref = top[1].get(name, _ABSENT) if top is not None else _ABSENT
            if ref is _ABSENT:
                ref = self.fallback_pool.get(name, _ABSENT)
        who = parent[0] or "the project"
        if ref is _ABSENT:
            return ("missing", f"'{name}' is not a dependency of {who} (Yarn Plug'n'Play lets a package "
                               f"import only what its package.json lists)")
        if ref is None:
            return ("missing", f"'{name}' is a peer dependency of {who} that nothing provides")
        loc = (ref[0], ref[1]) if isinstance(ref, list) and len(ref) == 2 else (name, ref)
        pkg = self.packages.get(loc)
        if pkg is None:
            return ("missing", f"the Plug'n'Play manifest lists '{name}' ({loc[1]}) without its folder")
        return physical(pkg[0])


_ABSENT = object()
