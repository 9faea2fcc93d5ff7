"""Electron apps built by electron-vite (read from the npm scripts and electron.vite.config.*,
never run).

electron-vite (6, on Vite 8) builds an Electron app's main process and preload scripts as
bundles for Node: in CommonJS unless the package.json says `"type": "module"` (or the scope's
`build.rolldownOptions.output.format`/`rollupOptions.output.format` says "es"), keeping external
every package of the package.json's `dependencies` (and its subpaths; `build.externalizeDeps:
false` bundles them, its `exclude` bundles those it names, its `include` adds more). In the
CommonJS bundle an import of such a package is a `require()` — an ES module with top-level await
there throws ERR_REQUIRE_ASYNC_MODULE when the app starts — and a top-level await it bundles
fails the build ("Module format "cjs" does not support top-level await"; checked by building
with electron-vite and running the main bundle with Node 26). The renderer is a Vite app.

A command counts when its program is `electron-vite` (`dev`, `build`, `preview`, or none);
`--config`/`-c` names the configuration, else the first electron.vite.config.{js,ts,mjs,cjs,mts,
cts} of the package's folder. The entries are the scope's `build.lib.entry` or
`build.rolldownOptions.input`/`rollupOptions.input` where written as literals, else electron-vite's
default, the first of src/<scope>/{index,<scope>}.{js,ts,mjs,cjs}.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .bundler import _Reader, _Unread
from .scripts import program_words, script_commands
from .tsup import CjsBuild, read_once
from .vite_lib import config_of, vite_command

__all__ = ["electron_vite_builds"]

CONFIG_NAMES = tuple(f"electron.vite.config.{e}" for e in ("js", "ts", "mjs", "cjs", "mts", "cts"))
_SCOPES = ("main", "preload")


def electron_vite_builds(scripts: object, manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                         read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The main-process and preload builds the npm ``scripts`` make with electron-vite, one per
    configuration (its dev server builds them as its build does)."""
    if not isinstance(scripts, dict):
        return []
    out: list[CjsBuild] = []
    seen: set[Optional[str]] = set()
    runs = []
    for name, words in script_commands(scripts, "electron-vite"):
        words = program_words(words, ("electron-vite",))
        if words is None:
            continue
        command = vite_command(words)
        if command in (None, "dev", "build", "preview"):
            runs.append((command != "build", name, words))
    # (a configuration's builds named by the script that runs `electron-vite build`, where one does)
    for _, name, words in sorted(runs, key=lambda r: r[0]):
        config = config_of(words, package_dir, is_file, CONFIG_NAMES)
        if config in seen:
            continue
        seen.add(config)
        out += _builds(name, config, manifest, package_dir, is_file, read)
    return out


def _builds(script: str, config: Optional[str], manifest: dict, package_dir: str, is_file: Callable[[str], bool],
            read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    text = read(config) if config is not None else None
    if config is not None and text is None:
        return []
    scopes = read_once("electron-vite", config, text, lambda: _read(config, text, read),
                       lambda why: {s: why for s in _SCOPES}) if config is not None and text is not None \
        else {s: {} for s in _SCOPES}
    deps = manifest.get("dependencies") if isinstance(manifest.get("dependencies"), dict) else {}
    default_format = "es" if manifest.get("type") == "module" else "cjs"
    out: list[CjsBuild] = []
    for scope in _SCOPES:
        options = scopes.get(scope, {})
        name = f"{script}:{scope}"
        if isinstance(options, str):
            rel = os.path.relpath(config or "", package_dir)
            out.append(CjsBuild(name, package_dir, (), config=config, unread=f"{rel}: {options}", formats=(),
                                tool="electron-vite"))
            continue
        entries = options.get("entries") or _default_entry(package_dir, scope, is_file)
        if not entries:
            continue
        externalize = options.get("externalize", True)
        if externalize is False:
            external: list[str] = []
        else:
            exclude = externalize.get("exclude", []) if isinstance(externalize, dict) else []
            include = externalize.get("include", []) if isinstance(externalize, dict) else []
            external = [d for d in [*deps, *include] if d not in exclude]
        out.append(CjsBuild(name, package_dir, tuple(entries), tuple(("name", d) for d in dict.fromkeys(external)),
                            config=config, formats=(options.get("format") or default_format,),
                            tool="electron-vite"))
    return out


def _default_entry(package_dir: str, scope: str, is_file: Callable[[str], bool]) -> list[str]:
    for name in ("index", scope):
        for ext in ("js", "ts", "mjs", "cjs"):
            rel = f"src/{scope}/{name}.{ext}"
            if is_file(os.path.join(package_dir, rel)):
                return [rel]
    return []


def _read(config: str, text: str, read: Callable[[str], Optional[str]]) -> dict:
    """Per scope: {"entries": [...], "format": "cjs"|"es", "externalize": True|False|{exclude,
    include}} as written, or why it is not read (a string)."""
    reader = _Reader(config, text, read)
    configs = reader._configs()
    if not configs:
        return {s: "its options are not an object literal" for s in _SCOPES}
    cfg = configs[0]
    out: dict = {}
    for scope in _SCOPES:
        try:
            out[scope] = _scope(reader, reader._unwrap(reader._prop(cfg, scope)), config)
        except _Unread as e:
            out[scope] = str(e)
    return out


def _scope(reader, node, config: str) -> dict:
    got: dict = {}
    if node is None:
        return got
    if node.type != "object":
        raise _Unread("the scope's options are not an object literal")
    build = reader._unwrap(reader._prop(node, "build"))
    if build is None:
        return got
    base = os.path.dirname(config)
    lib = reader._unwrap(reader._prop(build, "lib"))
    entry = reader._prop(lib, "entry") if lib is not None else None
    options = reader._unwrap(reader._prop(build, "rolldownOptions")) or reader._unwrap(reader._prop(build, "rollupOptions"))
    if entry is None and options is not None:
        entry = reader._prop(options, "input")
    if entry is not None:
        got["entries"] = [os.path.normpath(os.path.join(e.base, e.request))  # (absolute)
                          for e in reader._entry_values(entry, base, "Vite library entry")]
    output = reader._unwrap(reader._prop(options, "output")) if options is not None else None
    fmt = reader._unwrap(reader._prop(output, "format")) if output is not None and output.type == "object" else None
    if fmt is not None:
        if fmt.type != "string":
            raise _Unread("`output.format` is not a string")
        value = reader._string(fmt)
        got["format"] = "cjs" if value in ("cjs", "commonjs") else "es"
    ext = reader._unwrap(reader._prop(build, "externalizeDeps"))
    if ext is not None:
        if ext.type in ("true", "false"):
            got["externalize"] = ext.type == "true"
        elif ext.type == "object":
            lists: dict[str, list[str]] = {}
            for key in ("exclude", "include"):
                value = reader._unwrap(reader._prop(ext, key))
                if value is not None and value.type == "array":
                    lists[key] = [reader._string(c) for c in value.named_children if c.type == "string"]
            got["externalize"] = lists
        else:
            raise _Unread("`build.externalizeDeps` is not a literal")
    return got
