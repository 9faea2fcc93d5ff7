"""Vite's library mode (`build.lib`) built by an npm script (`vite build`): its CommonJS and UMD
outputs (read, never run).

Vite (8; Rolldown underneath) builds a library's entries in the formats `build.lib.formats`
names — by default ES modules and UMD for one entry, ES modules and CommonJS for several. In
the CommonJS and UMD outputs an import of a package the build keeps external
(`build.rolldownOptions.external`, or `build.rollupOptions.external`: a string matches that
exact import, a regular expression any it matches; Vite keeps nothing external by itself in a
library) is a `require()` when the output runs in Node — an ES module with top-level await
there throws ERR_REQUIRE_ASYNC_MODULE for every CommonJS program that requires the library —
and `import()` stays as it is. A top-level await in a module the build bundles fails it
("Module format "cjs" does not support top-level await").

A script counts when its command is `vite build` (also through `npx`, `pnpm exec`, `yarn`);
`--config`/`-c` names the configuration, else the first of Vite's names in the package's
folder. Values are read as literals (:class:`bundler._Reader`); a configuration whose
`build.lib` cannot be read that way gives a build with :attr:`CjsBuild.unread` saying why.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .bundler import VITE, _Reader, _Unread
from .scripts import script_commands, program_words
from .tsup import CjsBuild, read_once

__all__ = ["vite_builds"]

_CONFIGS = tuple(n for n in VITE if n.startswith("vite."))


def vite_builds(scripts: dict, package_dir: str, is_file: Callable[[str], bool],
                read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The library builds the npm ``scripts`` make with `vite build`, every format."""
    out: list[CjsBuild] = []
    seen: set[str] = set()
    for name, words in script_commands(scripts, "vite"):
        words = program_words(words, ("vite",))
        if words is None or len(words) < 2 or words[1] != "build":
            continue
        config = _config_of(words, package_dir, is_file)
        if config is None or config in seen:
            continue
        seen.add(config)
        build = _library(name, config, package_dir, read)
        if build is not None:
            out.append(build)
    return out


def _config_of(words: list[str], package_dir: str, is_file: Callable[[str], bool]) -> Optional[str]:
    for i, w in enumerate(words):
        if w in ("-c", "--config") and i + 1 < len(words):
            return os.path.normpath(os.path.join(package_dir, words[i + 1]))
        if w.startswith("--config="):
            return os.path.normpath(os.path.join(package_dir, w.split("=", 1)[1]))
    return next((os.path.join(package_dir, n) for n in _CONFIGS if is_file(os.path.join(package_dir, n))), None)


def _library(script: str, config: str, package_dir: str, read: Callable[[str], Optional[str]]) -> Optional[CjsBuild]:
    text = read(config)
    if text is None or "lib" not in text:
        return None
    got = read_once("vite", config, text, lambda: _read(config, text, read), lambda why: ([], (), (), why), read)
    if got is None:
        return None
    entries, formats, external, unread = got
    rel = os.path.relpath(config, package_dir)
    return CjsBuild(script, package_dir, tuple(os.path.relpath(e, package_dir) for e in entries), tuple(external),
                    config=config, unread=f"{rel}: {unread}" if unread else None, formats=tuple(formats), tool="Vite")


def _read(config: str, text: str, read: Callable[[str], Optional[str]]):
    """(entries: absolute paths, formats, external patterns, why not read) of the first
    configuration with a `build.lib`; None when none has one."""
    reader = _Reader(config, text, read)
    for cfg in reader._configs():
        build = reader._prop(cfg, "build")
        lib = reader._prop(build, "lib")
        if lib is None:
            continue
        try:
            if lib.type != "object":
                raise _Unread("`build.lib` is not an object literal")
            root_node = reader._prop(cfg, "root")
            base = os.path.normpath(os.path.join(reader.dir, reader._eval(root_node))) \
                if root_node is not None else reader.dir
            entry = reader._prop(lib, "entry")
            if entry is None:
                raise _Unread("`build.lib.entry` is not set")
            entries = [os.path.normpath(os.path.join(e.base, e.request))
                       for e in reader._entry_values(entry, base, "Vite library entry")]
            formats_node = reader._prop(lib, "formats")
            if formats_node is None:
                # Vite's default: UMD for one entry, CommonJS for several (and ES modules)
                formats = ["es", "umd" if len(entries) == 1 else "cjs"]
            elif formats_node.type == "array" and all(
                    c.type == "string" for c in formats_node.named_children if c.type != "comment"):
                formats = [reader._string(c) for c in formats_node.named_children if c.type == "string"]
            else:
                raise _Unread("`build.lib.formats` is not an array of strings")
            options = reader._prop(build, "rolldownOptions")
            if options is None:
                options = reader._prop(build, "rollupOptions")
            external = reader.literal_patterns(reader._prop(options, "external"), "external", functions=True)
            # (Vite runs the plugin in the package's folder, where npm runs the script)
            external += reader.externals_plugin(reader._prop(cfg, "plugins"), os.path.dirname(config))
            return entries, formats, external, None
        except _Unread as e:
            return [], (), (), str(e)
    return None
