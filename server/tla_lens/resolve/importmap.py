"""Import maps, as Deno reads them from deno.json (`"imports"` and `"scopes"`, or the file named
by `"importMap"`) and as browsers read them from an HTML page's `<script type="importmap">`,
applied as the WHATWG import maps specification says.

A key is a bare name (`"config"`, `"@db/"`) or a path (`"./lib/"`, `"/src/"`), paths relative to
the file that holds the map; a key ending in `/` maps every specifier that starts with it (its
value must end in `/` too). The longest matching key wins; a scope (a folder prefix of the
importing file) is looked in before the top-level `"imports"`, the longest scope first. Values
are paths (made absolute here), URLs, or Deno's `npm:`/`jsr:`/`node:` specifiers, returned as
they are for the resolver to follow or explain. Specifiers that are paths (`./x`) are looked up
too, once made absolute.
"""
from __future__ import annotations

import json
import os
from typing import Optional

from . import _jsonc

CONFIG_NAMES = ("deno.json", "deno.jsonc")


def _is_path(s: str) -> bool:
    return s.startswith(("./", "../", "/"))


class ImportMap:
    def __init__(self, data: dict, base: str, origin: str) -> None:
        self.origin = origin  # where it was read (for messages)
        # an HTML page's map: the folder the page is served from, where `/x` specifiers go
        self.served_from: Optional[str] = None
        self.imports = self._table(data.get("imports"), base)
        scopes = data.get("scopes")
        self.scopes: list[tuple[str, list[tuple[str, str]]]] = []
        if isinstance(scopes, dict):
            for prefix, table in scopes.items():
                if isinstance(prefix, str) and _is_path(prefix):
                    self.scopes.append((self._absolute(prefix, base), self._table(table, base)))
            self.scopes.sort(key=lambda s: len(s[0]), reverse=True)
        self.has_path_keys = any(_is_path(k) or os.path.isabs(k) for k, _ in self.imports) or any(
            os.path.isabs(k) for _, t in self.scopes for k, _ in t)

    @staticmethod
    def _absolute(p: str, base: str) -> str:
        out = os.path.normpath(os.path.join(base, p))
        return out + os.sep if p.endswith("/") else out

    def _table(self, table, base: str) -> list[tuple[str, str]]:
        out = []
        if isinstance(table, dict):
            for key, value in table.items():
                if not isinstance(key, str) or not key or not isinstance(value, str):
                    continue  # (a null or non-string value: the key maps nothing)
                if _is_path(key):
                    key = self._absolute(key, base)
                if _is_path(value):
                    value = self._absolute(value, base)
                if key.endswith(("/", os.sep)) and not value.endswith(("/", os.sep)):
                    continue  # invalid: a prefix key needs a prefix value
                out.append((key, value))
        # the longest key first (the specification sorts by code units, descending)
        out.sort(key=lambda kv: kv[0], reverse=True)
        return out

    @staticmethod
    def _match(spec: str, table: list[tuple[str, str]]) -> Optional[str]:
        for key, value in table:
            if key == spec:
                return value
            if key.endswith(("/", os.sep)) and spec.startswith(key):
                return value + spec[len(key):]
        return None

    def resolve(self, spec: str, importer_dir: str) -> Optional[str]:
        """What ``spec``, imported from a file in ``importer_dir``, maps to: an absolute path, a
        URL or a Deno specifier (`npm:…`); None when no key matches it."""
        if _is_path(spec):
            base = importer_dir
            if self.served_from is not None and spec.startswith("/"):
                base, spec = self.served_from, spec[1:]
            spec = os.path.normpath(os.path.join(base, spec)) + (os.sep if spec.endswith("/") else "")
        folder = importer_dir.rstrip(os.sep) + os.sep
        for prefix, table in self.scopes:
            if folder.startswith(prefix) or folder.rstrip(os.sep) == prefix.rstrip(os.sep):
                hit = self._match(spec, table)
                if hit is not None:
                    return hit
        return self._match(spec, self.imports)


class Maps:
    """Several import maps looked in, in order (a workspace member's own, the workspace root's,
    the members' names): the first that maps a specifier decides."""

    def __init__(self, maps: list[ImportMap]) -> None:
        self.maps = maps
        self.has_path_keys = any(m.has_path_keys for m in maps)
        self.served_from = maps[0].served_from if maps else None

    def resolve(self, spec: str, importer_dir: str) -> Optional[tuple[str, str]]:
        """(what ``spec`` maps to, the origin of the map that maps it); None: no map does."""
        for m in self.maps:
            hit = m.resolve(spec, importer_dir)
            if hit is not None:
                return hit, m.origin
        return None


def members(config_path: str, data: dict, read_text, listdir) -> Optional[ImportMap]:
    """The names of a Deno workspace's members (``data``: the root deno.json, whose `workspace`
    lists member folders, `*` globs allowed) as an import map: `name` to the member's `exports`
    ("." or a string), `name/sub` to its `./sub` export."""
    listed = data.get("workspace")
    if isinstance(listed, dict):
        listed = listed.get("members")
    if not isinstance(listed, list):
        return None
    base = os.path.dirname(config_path)
    folders: list[str] = []
    for entry in listed:
        if not isinstance(entry, str):
            continue
        if entry.rstrip("/").endswith("/*"):
            parent = os.path.normpath(os.path.join(base, entry.rstrip("/")[:-2]))
            names = listdir(parent) or {}
            folders += [os.path.join(parent, n) for n, k in sorted(names.items()) if k in ("dir", "?")]
        else:
            folders.append(os.path.normpath(os.path.join(base, entry)))
    imports: dict[str, str] = {}
    for folder in folders:
        for name in CONFIG_NAMES:
            text = read_text(os.path.join(folder, name))
            if text is None:
                continue
            conf, _ = _jsonc.parse_json(text, lenient=True)
            if isinstance(conf, dict) and isinstance(conf.get("name"), str):
                exports = conf.get("exports")
                if isinstance(exports, str):
                    exports = {".": exports}
                for sub, target in (exports.items() if isinstance(exports, dict) else ()):
                    if isinstance(sub, str) and isinstance(target, str) and sub.startswith("."):
                        key = conf["name"] + sub[1:]
                        imports[key] = os.path.join(folder, target)
            break
    if not imports:
        return None
    return ImportMap({"imports": imports}, base, f"the workspace members of {os.path.basename(config_path)}")


def _served(s, base: str):
    """A path from the root the page is served from (`/src/x.js`; not `//host/…`) as a path of
    the file system; anything else as it is."""
    if isinstance(s, str) and s.startswith("/") and not s.startswith("//"):
        return os.path.join(base, s[1:])
    return s


def from_html(page: str, texts: list[str], served_from: str) -> tuple[Optional[ImportMap], list[str]]:
    """The import map of an HTML page from the JSON of its `<script type="importmap">` elements
    (``texts``), merged as browsers merge several (a rule already there wins over a later one
    for the same key), and what to report about them. Paths are relative to the page; those
    starting with `/` are taken from ``served_from``, the folder the site is served from."""
    base = os.path.dirname(page)
    name = os.path.basename(page)
    imports: dict = {}
    scopes: dict = {}
    problems = []
    for text in texts:
        try:
            data = json.loads(text)
        except ValueError as e:
            problems.append(f"the import map in {name} is not valid JSON ({e}): browsers ignore it")
            continue
        if not isinstance(data, dict):
            problems.append(f"the import map in {name} is not a JSON object: browsers ignore it")
            continue
        if isinstance(data.get("imports"), dict):
            for k, v in data["imports"].items():
                imports.setdefault(_served(k, served_from), _served(v, served_from))
        if isinstance(data.get("scopes"), dict):
            for prefix, table in data["scopes"].items():
                if isinstance(table, dict):
                    into = scopes.setdefault(_served(prefix, served_from), {})
                    for k, v in table.items():
                        into.setdefault(_served(k, served_from), _served(v, served_from))
    if not imports and not scopes:
        return None, problems
    found = ImportMap({"imports": imports, "scopes": scopes}, base, f"the import map of {name}")
    found.served_from = served_from
    return found, problems


def parse(config_path: str, text: str) -> tuple[Optional[dict], Optional[str]]:
    """A deno.json(c)'s contents, and a problem to report, if any."""
    data, err = _jsonc.parse_json(text, lenient=True)
    if err is not None and data is None:
        return None, f"{os.path.basename(config_path)} is not valid JSON: {err[0]}"
    return (data, None) if isinstance(data, dict) else (None, None)


def read(config_path: str, text: str, read_text) -> tuple[Optional[ImportMap], Optional[str]]:
    """The import map of a deno.json(c) (``text``), or of the file its `"importMap"` names
    (read with ``read_text``); and a problem to report, if any. (None, None): it has none."""
    data, problem = parse(config_path, text)
    if data is None:
        return None, problem
    base = os.path.dirname(config_path)
    origin = os.path.basename(config_path)
    other = data.get("importMap")
    if "imports" not in data and "scopes" not in data and isinstance(other, str) and _is_path(other):
        path = os.path.normpath(os.path.join(base, other))
        body = read_text(path)
        if body is None:
            return None, f"the import map {other} named by {origin} cannot be read"
        data, err = _jsonc.parse_json(body, lenient=True)
        if not isinstance(data, dict):
            return None, f"the import map {other} is not a JSON object" + (f": {err[0]}" if err else "")
        base, origin = os.path.dirname(path), other
    if not isinstance(data.get("imports"), dict) and not isinstance(data.get("scopes"), dict):
        return None, None
    return ImportMap(data, base, origin), None
