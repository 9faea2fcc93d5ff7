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

import json
import os
from dataclasses import replace
from typing import Callable, Optional

from .bundler import VITE, _Reader, _Unread
from .scripts import script_commands, program_words
from .targets import installed_version, missing_tla, target_words
from .tsup import CjsBuild, read_once

__all__ = ["vite_builds", "vite_command_builds", "vite_command"]

_CONFIGS = tuple(n for n in VITE if n.startswith("vite."))


def vite_builds(scripts: dict, package_dir: str, is_file: Callable[[str], bool],
                read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The library builds the npm ``scripts`` make with `vite build`, every format; and the app
    builds whose target has no top-level await (Vite 7 and before: see :func:`_app`)."""
    return vite_command_builds(script_commands(scripts, "vite"), package_dir, is_file, read)


def vite_command_builds(commands, package_dir: str, is_file: Callable[[str], bool],
                        read: Callable[[str], Optional[str]],
                        target_option: Optional[tuple[tuple[str, ...], str]] = None) -> list[CjsBuild]:
    """:func:`vite_builds` of ``commands`` ((name, words) pairs: `vite build`, `vite`) run in
    ``package_dir``; ``target_option``: (`build.target` as words, where it is set) where the
    runner sets it over the configuration's (Nx's executor)."""
    out: list[CjsBuild] = []
    seen: set[Optional[str]] = set()
    major = -1
    dev_seen: set[Optional[str]] = set()
    for name, words in commands:
        words = program_words(words, ("vite",))
        command = vite_command(words or [])
        if words is not None and command in (None, "dev", "serve"):
            # the dev server: Vite 6 and before pre-bundle the app's packages for a target
            config = config_of(words, package_dir, is_file)
            if config not in dev_seen:
                dev_seen.add(config)
                if major == -1:
                    major = _installed_major(package_dir, is_file, read)
                dev = _dev(name, config, package_dir, read, major)
                if dev is not None:
                    out.append(dev)
            continue
        if words is None or command != "build" or "--ssr" in words or \
                any(w.startswith("--ssr=") for w in words):
            continue
        config = config_of(words, package_dir, is_file)
        if config in seen:
            continue
        seen.add(config)
        if major == -1:
            major = _installed_major(package_dir, is_file, read)
        build = _library(name, config, package_dir, read) if config is not None else None
        if build is None:
            build = _app(name, config, package_dir, read, major, target_option)
        elif build.unread is None:
            target, target_from = _target(config, read, major, package_dir, target_option)
            build = replace(build, target=target, target_from=target_from,
                            how="Rollup" if major is not None and major <= 7 else "")
        if build is not None:
            out.append(build)
    return out


# Vite's options that take a value (`vite --config x.js build`: `x.js` is not the command)
_VALUED = frozenset(["-c", "--config", "--base", "-l", "--logLevel", "--filter", "-m", "--mode", "--host", "--port",
                     "--outDir", "--assetsDir", "--target", "--configLoader"])


def vite_command(words: list[str]) -> Optional[str]:
    """The command of a `vite` (or `electron-vite`) command line ("build", "dev", "serve", …),
    None where none."""
    i = 1
    while i < len(words):
        w = words[i]
        if not w.startswith("-"):
            return w
        i += 2 if w in _VALUED else 1
    return None


# Vite 6's default `build.target` ("modules": the browsers with native ES modules, dynamic
# import and import.meta), which has no top-level await; Vite 7's ("baseline-widely-available")
# has it, and Vite 8 (Rolldown) only warns where a target lacks it
_MODULES = ("es2020", "edge88", "firefox78", "chrome87", "safari14")


def _installed_major(package_dir: str, is_file: Callable[[str], bool],
                     read: Callable[[str], Optional[str]]) -> Optional[int]:
    """The major version of the Vite the package's `vite build` runs, or None."""
    version = installed_version(package_dir, "vite", is_file, read)
    return version[0] if version is not None else None


def _dev(script: str, config: Optional[str], package_dir: str, read: Callable[[str], Optional[str]],
         major: Optional[int]) -> Optional[CjsBuild]:
    """Vite 6 and before pre-bundle the packages an app imports with esbuild when the dev server
    starts, for `optimizeDeps.esbuildOptions.target` (default "modules", whatever `build.target`
    says): a package with a top-level await fails that (checked with Vite 6's dev server), unless
    `optimizeDeps.exclude` names it (with `optimizeDeps.noDiscovery`, only the packages
    `optimizeDeps.include` names are pre-bundled). The dev server's "build" of the packages,
    where it refuses."""
    if major is None or major > 6:
        return None
    text = read(config) if config is not None else None
    written, exclude, include, no_discovery = read_once(
        "vite-dev", config, text, lambda: _read_dev(config, text, read), lambda why: ((), (), (), False)) \
        if config is not None and text is not None else (None, (), (), False)
    rel = os.path.relpath(config, package_dir) if config is not None else ""
    if written is None:
        target, target_from = _MODULES, f"Vite {major}'s dev server pre-bundles packages for the default target " \
                                        f"(\"modules\"), not `build.target`"
    else:
        target = _MODULES if written == ("modules",) else written
        shown = json.dumps(list(written) if len(written) > 1 else written[0]) if written else ""
        target_from = f"`optimizeDeps.esbuildOptions.target: {shown}` of {rel}"
    if not missing_tla(target):
        return None
    # (`noDiscovery: true`: only the packages `include` names are pre-bundled, the others served
    # as they are)
    return CjsBuild(script, package_dir, (), external=tuple(("name", x) for x in exclude), config=config,
                    formats=("es",), tool="Vite", target=target, target_from=target_from, app=True,
                    packages_only=True, every_package=no_discovery,
                    no_external=tuple(("name", x) for x in include if x not in exclude) if no_discovery else ())


def _read_dev(config: str, text: str, read: Callable[[str], Optional[str]]) -> tuple:
    """(`optimizeDeps.esbuildOptions.target` as written: None not set, () not read; the names
    `optimizeDeps.exclude` and `optimizeDeps.include` list as strings; `noDiscovery` is true)."""
    reader = _Reader(config, text, read)
    for cfg in reader._configs():
        deps = reader._unwrap(reader._prop(cfg, "optimizeDeps"))
        if deps is None:
            continue
        node = reader._unwrap(reader._prop(reader._prop(deps, "esbuildOptions"), "target"))

        def names(key: str) -> tuple[str, ...]:
            listed = reader._unwrap(reader._prop(deps, key))
            return tuple(reader._string(c) for c in listed.named_children if c.type == "string") \
                if listed is not None and listed.type == "array" else ()

        flag = reader._unwrap(reader._prop(deps, "noDiscovery"))
        return _target_words(reader, node), names("exclude"), names("include"), \
            flag is not None and flag.type == "true"
    return None, (), (), False


def _target_words(reader, node) -> Optional[tuple[str, ...]]:
    """A target option as written (lower-case words): None where not set, () where `false` or
    not written as strings."""
    if node is None:
        return None
    if node.type == "string":
        return target_words(reader._string(node)) or ()
    if node.type == "array" and all(c.type == "string" for c in node.named_children if c.type != "comment"):
        return target_words([reader._string(c) for c in node.named_children if c.type == "string"]) or ()
    return ()


def _target(config: Optional[str], read: Callable[[str], Optional[str]], major: Optional[int],
            package_dir: str, target_option: Optional[tuple[tuple[str, ...], str]] = None
            ) -> tuple[tuple[str, ...], str]:
    """(the build's esbuild target, where it is set) for Vite ``major`` (None: not installed,
    taken as Vite 8); ((), "") where esbuild does not transpile the chunks (Vite 8, `false`)
    or the target is not written as strings. ``target_option``: one set over the
    configuration's (as :func:`vite_command_builds`)."""
    if major is None or major >= 8:
        return (), ""
    if target_option is not None:
        written, where = target_option
    else:
        text = read(config) if config is not None else None
        written = read_once("vite-target", config, text, lambda: _read_target(config, text, read),
                            lambda why: ()) if config is not None and text is not None else None
        if written is None:
            if major <= 6:
                return _MODULES, f"Vite {major}'s default `build.target` (\"modules\")"
            return (), ""
        rel = os.path.relpath(config, package_dir) if config is not None else ""
        shown = json.dumps(list(written) if len(written) > 1 else written[0]) if written else ""
        where = f"`build.target: {shown}` of {rel}"
    words = _MODULES if written == ("modules",) and major <= 6 else written
    return words, where if words else ""


def _read_target(config: str, text: str, read: Callable[[str], Optional[str]]) -> Optional[tuple[str, ...]]:
    """`build.target` of the configuration as written (lower-case words); None where it is not
    set, () where it is `false` or not written as strings."""
    reader = _Reader(config, text, read)
    for cfg in reader._configs():
        node = reader._unwrap(reader._prop(reader._prop(cfg, "build"), "target"))
        if node is not None:
            return _target_words(reader, node)
    return None


def _app(script: str, config: Optional[str], package_dir: str, read: Callable[[str], Optional[str]],
         major: Optional[int], target_option: Optional[tuple[tuple[str, ...], str]] = None) -> Optional[CjsBuild]:
    """Vite 7 and before transpile an app's chunks with esbuild for `build.target` (Vite 6's
    default too): one whose target has no top-level await fails on any await it bundles (a
    lazily loaded chunk's, a package's: checked with Vite 6 and 7). The build, where it does;
    its entries are the module scripts of the app's pages (:attr:`CjsBuild.app`)."""
    target, target_from = _target(config, read, major, package_dir, target_option)
    if not missing_tla(target):
        return None
    return CjsBuild(script, package_dir, (), config=config, formats=("es",), tool="Vite", target=target,
                    target_from=target_from, app=True)


def config_of(words: list[str], package_dir: str, is_file: Callable[[str], bool],
              names: tuple[str, ...] = _CONFIGS) -> Optional[str]:
    """The configuration a `vite` (or `electron-vite`) command reads: `--config`/`-c`, else the
    first of ``names`` in the package's folder."""
    for i, w in enumerate(words):
        if w in ("-c", "--config") and i + 1 < len(words):
            return os.path.normpath(os.path.join(package_dir, words[i + 1]))
        if w.startswith("--config="):
            return os.path.normpath(os.path.join(package_dir, w.split("=", 1)[1]))
    return next((os.path.join(package_dir, n) for n in names if is_file(os.path.join(package_dir, n))), None)


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
