"""Rollup builds an npm script makes (`rollup -c`, or options on its command line): their
CommonJS, UMD and IIFE outputs (read, never run).

Rollup (4) bundles what it can resolve: relative imports always, packages only with
@rollup/plugin-node-resolve among its `plugins` — without it every package import stays
external (Rollup's "Unresolved dependencies" warning). `external` adds more: a string is that
exact import (`"lodash"` does not keep `lodash/get` external), a regular expression any import
it matches, a function those it answers true for (lists from the manifest and functions of
the import: :mod:`computed`). In the CommonJS and UMD outputs an external import is a `require()` when the
output runs in Node — an ES module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE —
while `import()` stays as it is; a top-level await in a module the build bundles fails it in
those formats, in IIFE and in AMD ("Module format "cjs" does not support top-level await").

A script counts when its command is `rollup` (also through `npx`, `pnpm exec`, `yarn`): with
`-c`/`--config` the configuration file (named, or the first of rollup.config.mjs, .cjs, .js,
.ts in the package's folder) is read as literals (each configuration of an exported array;
`input`, `output.format` of each output, `external`, and whether `plugins` calls
node-resolve's plugin); without it, the command line's inputs, `--format`/`-f` and
`--external`/`-e`. What cannot be read that way gives a build with :attr:`CjsBuild.unread`.

Rolldown (1.3; `rolldown`, configurations rolldown.config.*) takes the same options and makes
the same outputs, but resolves packages itself: it bundles every package an `external` does not
name (checked with its command line and Node 26: a bundled top-level await fails the CommonJS
build with "Module format "cjs" does not support top-level await", an external one is a
`require()` that throws ERR_REQUIRE_ASYNC_MODULE).
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .bundler import _Reader, _Unread
from .scripts import script_commands, program_words
from .tsup import CjsBuild, read_once

__all__ = ["rollup_builds", "rolldown_builds"]

CONFIG_NAMES = ("rollup.config.mjs", "rollup.config.cjs", "rollup.config.js", "rollup.config.ts",
                "rollup.config.mts", "rollup.config.cts")
ROLLDOWN_CONFIGS = ("rolldown.config.js", "rolldown.config.mjs", "rolldown.config.ts", "rolldown.config.cjs",
                    "rolldown.config.mts", "rolldown.config.cts")
_FORMATS = {"commonjs": "cjs", "esm": "es", "module": "es", "systemjs": "system"}
_NODE_RESOLVE = ("@rollup/plugin-node-resolve", "rollup-plugin-node-resolve")


def rollup_builds(scripts: dict, package_dir: str, is_file: Callable[[str], bool],
                  read: Callable[[str], Optional[str]], tool: str = "Rollup") -> list[CjsBuild]:
    """The builds the npm ``scripts`` make with Rollup (or ``tool`` "Rolldown"), every format."""
    out: list[CjsBuild] = []
    program = tool.lower()
    for name, words in script_commands(scripts, program):
        words = program_words(words, (program,))
        if words is None:
            continue
        config = _config_of(words, package_dir, is_file, ROLLDOWN_CONFIGS if tool == "Rolldown" else CONFIG_NAMES)
        if config is False:
            out += _command_line(name, words, package_dir, is_file, tool)
        elif config is None:
            out.append(CjsBuild(name, package_dir, (), unread=f"no {tool} configuration file found",
                                formats=(), tool=tool))
        else:
            out += _configured(name, config, package_dir, read, tool)
    return out


def rolldown_builds(scripts: dict, package_dir: str, is_file: Callable[[str], bool],
                    read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The builds the npm ``scripts`` make with Rolldown, every format."""
    return rollup_builds(scripts, package_dir, is_file, read, "Rolldown")


def _config_of(words: list[str], package_dir: str, is_file: Callable[[str], bool], names: tuple[str, ...]):
    """The configuration `rollup -c [FILE]` reads; False without `-c` (the command line's
    options are the build); None when it names none that exists."""
    for i, w in enumerate(words):
        name, eq, value = w.partition("=")
        if name in ("-c", "--config"):
            if not eq:
                value = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("-") else ""
            if value and not value.startswith("node:"):
                path = os.path.normpath(os.path.join(package_dir, value))
                return path if is_file(path) else None
            return next((os.path.join(package_dir, n) for n in names
                         if is_file(os.path.join(package_dir, n))), None)
    return False


def _command_line(script: str, words: list[str], package_dir: str,
                  is_file: Callable[[str], bool], tool: str) -> list[CjsBuild]:
    """`rollup INPUT… --format cjs --external a,b`: the inputs are the words naming files of
    the package (Rollup's other options take values that are not)."""
    inputs: list[str] = []
    fmt = "es"
    external: list[tuple[str, str]] = []
    i = 1
    while i < len(words):
        w = words[i]
        name, eq, value = w.partition("=")
        if name in ("-f", "--format", "-e", "--external", "-i", "--input") and not eq:
            value = words[i + 1] if i + 1 < len(words) else ""
            i += 1
        if name in ("-f", "--format"):
            fmt = _FORMATS.get(value, value)
        elif name in ("-e", "--external"):
            # (Rolldown 1.3's command line takes `a,b` as one import: repeat `-e` for several)
            external += [("exact", x) for x in (value.split(",") if tool == "Rollup" else [value]) if x]
        elif name in ("-i", "--input"):
            inputs.append(value)
        elif name in ("-o", "--file", "-d", "--dir") and not eq:
            i += 1  # (an output: it may exist, from an earlier build)
        elif not w.startswith("-") and is_file(os.path.normpath(os.path.join(package_dir, w))):
            inputs.append(w)
        i += 1
    if not inputs:
        return []
    # (Rollup keeps every package external without node-resolve; Rolldown resolves them)
    return [CjsBuild(script, package_dir, tuple(inputs), tuple(external), every_package=tool == "Rollup",
                     formats=(fmt,), tool=tool)]


def _configured(script: str, config: str, package_dir: str, read: Callable[[str], Optional[str]],
                tool: str) -> list[CjsBuild]:
    text = read(config)
    if text is None:
        return [CjsBuild(script, package_dir, (), config=config, unread="it cannot be read", formats=(), tool=tool)]
    got = read_once("rollup", config, text, lambda: _read(config, text, package_dir, read),
                    lambda why: [((), (), False, (), why)], read)
    rel = os.path.relpath(config, package_dir)
    return [CjsBuild(script, package_dir, entries, external, every_package=not resolves and tool == "Rollup",
                     config=config, unread=f"{rel}: {unread}" if unread else None, formats=formats, tool=tool)
            for entries, external, resolves, formats, unread in got]


def _read(config: str, text: str, package_dir: str, read: Callable[[str], Optional[str]]) -> list:
    """(entries relative to the package, external patterns, node-resolve used, formats, why
    not read) per configuration of the file."""
    reader = _Reader(config, text, read)
    reader.cwd = package_dir  # (Rollup runs in the package's folder: npm runs scripts there)
    resolve_fns = {n for m in _NODE_RESOLVE for n in reader._bound_to(m)} | _named_imports(reader)
    configs = reader._configs()
    if not configs:
        return [((), (), False, (), "its configuration is not an object literal (or an array of them)")]
    out = []
    for cfg in configs:
        try:
            entries = _inputs(reader, reader._prop(cfg, "input"), package_dir)
            output = reader._prop(cfg, "output")
            outputs = [o for o in output.named_children if o.type != "comment"] if output is not None and \
                output.type == "array" else [output]
            formats = []
            for o in outputs:
                f = reader._prop(o, "format") if o is not None else None
                if f is not None and f.type != "string":
                    raise _Unread("`output.format` is not a string")
                fmt = reader._string(f) if f is not None else "es"
                formats.append(_FORMATS.get(fmt, fmt))
            external = reader.literal_patterns(reader._prop(cfg, "external"), "external", functions=True)
            plugins = reader._prop(cfg, "plugins")
            external += reader.externals_plugin(plugins, package_dir)
            resolves = plugins is not None and _calls_any(reader, plugins, resolve_fns)
            out.append((tuple(entries), tuple(external), resolves, tuple(dict.fromkeys(formats)), None))
        except _Unread as e:
            out.append(((), (), False, (), str(e)))
    return out


def _inputs(reader: _Reader, node, package_dir: str) -> list[str]:
    if node is None:
        raise _Unread("`input` is not set")
    return [os.path.relpath(os.path.normpath(os.path.join(e.base, e.request)), package_dir)
            for e in reader._entry_values(node, package_dir, "Rollup input")]


def _named_imports(reader: _Reader) -> set[str]:
    """Local names of `import { nodeResolve } from "@rollup/plugin-node-resolve"`."""
    names: set[str] = set()
    for stmt in reader.root.named_children:
        got = reader.import_names(stmt)
        if got is not None and got[0] in _NODE_RESOLVE:
            names.update(got[3])
    return names


def _calls_any(reader: _Reader, plugins, names: set[str]) -> bool:
    """Does the `plugins` value call one of ``names``? (A value not an array literal: unread.)"""
    plugins = reader._unwrap(plugins)
    if plugins.type != "array":
        raise _Unread("`plugins` is not an array literal")
    return bool(reader._calls_of(plugins, names)) if names else False
