"""Library builds whose outputs package.json names: pkgroll (2) and unbuild (3), both Rollup
underneath (read, never run).

Both take the files the package publishes — `exports` (every target, by condition), `main`,
`module`, `bin` — as the outputs to build, and find the source of each under `src/`
(`dist/utils/x.cjs` from `src/utils/x.ts`, or another of its extensions). An output is CommonJS
by its extension (`.cjs`; `.mjs` is an ES module), else by its condition (`require`; `import`
is an ES module), else — pkgroll — by the package.json's "type" (unbuild: an ES module, except
`main` and `bin` outputs, by "type"). pkgroll builds each output in its own format; unbuild,
once any output is CommonJS, builds every entry in both formats. Both keep external the
`dependencies`, `peerDependencies` and `optionalDependencies` (a name covers its subpaths) and
bundle the rest (devDependencies too): in the CommonJS output an import of an external is a
`require()` — an ES module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE —, an
`import()` stays, and a top-level await the CommonJS output bundles fails the build (Rollup:
"Module format "cjs" does not support top-level await").

A script counts when its program is `pkgroll` (`--src`, `--dist` read) or `unbuild` (not
`--stub`). unbuild's build.config.* (or the package.json's "unbuild" / "build" key) is read for
`entries` (strings or `{ input }`; without them it infers them as above) and `rollup.emitCJS`
written as literals; a configuration read otherwise makes a build :attr:`CjsBuild.unread`.
Checked with pkgroll 2.28 and unbuild 3.6 building packages and Node 26 requiring the output.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Optional

from .computed import _Unread
from .scripts import program_words, script_commands
from .tsup import CjsBuild

__all__ = ["pkglib_builds", "CONFIG_NAMES"]

CONFIG_NAMES = ("build.config.ts", "build.config.js", "build.config.mjs", "build.config.cjs", "build.config.mts",
                "build.config.cts", "build.config.json")
# the source extensions tried for an output's extension (pkgroll 2.28's order)
_SOURCES = {
    ".js": (".js", ".ts", ".tsx", ".mts", ".cts"),
    ".mjs": (".mjs", ".js", ".cjs", ".mts", ".cts", ".ts", ".tsx"),
    ".cjs": (".cjs", ".js", ".mjs", ".mts", ".cts", ".ts", ".tsx"),
}
_ANY_SOURCE = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_DECLARATION = (".d.ts", ".d.mts", ".d.cts")
_SECTIONS = ("dependencies", "peerDependencies", "optionalDependencies")


def pkglib_builds(scripts: object, manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                  read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The builds the npm ``scripts`` make with pkgroll or unbuild, every format."""
    out: list[CjsBuild] = []
    seen: set[str] = set()
    for name, words in script_commands(scripts, "pkgroll", "unbuild"):
        words = program_words(words, ("pkgroll", "unbuild"))
        if not words:
            continue
        tool = os.path.basename(words[0])
        if tool in seen:
            continue  # (one build per tool: `build` and `prepack` running the same)
        seen.add(tool)
        build = _pkgroll(name, words, manifest, package_dir, is_file) if tool == "pkgroll" else \
            _unbuild(name, words, manifest, package_dir, is_file, read)
        if build is not None:
            out.append(build)
    return out


def _outputs(manifest: dict, unbuild: bool) -> list[tuple[str, str, bool]]:
    """(file as written, its format by the rules of pkgroll or unbuild: "cjs" or "esm", is it
    decided by "type") for each JavaScript file package.json publishes."""
    module = manifest.get("type") == "module"
    found: list[tuple[str, Optional[str]]] = []

    def walk(value: object, conditions: list[str]) -> None:
        if isinstance(value, str):
            found.append((value, next((("cjs" if c == "require" else "esm") for c in reversed(conditions)
                                       if c in ("require", "import")), None)))
        elif isinstance(value, list):
            for v in value:
                walk(v, conditions)
        elif isinstance(value, dict):
            for key, v in value.items():
                if isinstance(key, str) and key != "types" and not key.endswith(".json"):
                    walk(v, conditions + [key])

    walk(manifest.get("exports"), [])
    exports_count = len(found)
    for key in ("main", "bin"):
        value = manifest.get(key)
        for v in ([value] if isinstance(value, str) else list(value.values()) if isinstance(value, dict) else []):
            if isinstance(v, str):
                found.append((v, None))
    if isinstance(manifest.get("module"), str):
        found.append((manifest["module"], "esm"))
    out = []
    for i, (file, by_condition) in enumerate(found):
        if file.endswith(_DECLARATION) or "*" in file or not file.endswith((".js", ".mjs", ".cjs")):
            continue
        if file.endswith(".cjs"):
            out.append((file, "cjs", False))
        elif file.endswith(".mjs"):
            out.append((file, "esm", False))
        elif by_condition is not None:
            out.append((file, by_condition, False))
        elif unbuild and i < exports_count:
            out.append((file, "esm", False))  # (unbuild: an `exports` target under no condition)
        else:
            out.append((file, "esm" if module else "cjs", True))
    return out


def _source(output: str, src: str, package_dir: str, is_file: Callable[[str], bool],
            suffixes: bool) -> Optional[str]:
    """The source file (relative to the package) of ``output``: under ``src``, the output's
    path less its first folder (`dist/`), with the extensions its own allows; with
    ``suffixes`` (unbuild), also shorter tails of that path."""
    rel = os.path.normpath(output).replace(os.sep, "/").lstrip("/")
    stem, ext = os.path.splitext(rel)
    parts = stem.split("/")
    tails = [parts[i:] for i in range(1, len(parts))] if suffixes else [parts[1:]] if len(parts) > 1 else []
    for tail in tails:
        for e in (_ANY_SOURCE if suffixes else _SOURCES.get(ext, _ANY_SOURCE)):
            candidate = "/".join([src, *tail]) + e
            if is_file(os.path.join(package_dir, candidate)):
                return candidate
    return None


def _externals(manifest: dict) -> tuple[tuple[str, str], ...]:
    names: dict[str, None] = {}
    for sec in _SECTIONS:
        v = manifest.get(sec)
        if isinstance(v, dict):
            names.update((k, None) for k in v if isinstance(k, str))
    return tuple(("name", n) for n in names)


def _pkgroll(script: str, words: list[str], manifest: dict, package_dir: str,
             is_file: Callable[[str], bool]) -> Optional[CjsBuild]:
    """pkgroll: its CommonJS outputs' sources are the build's entries."""
    src = "src"
    i = 1
    while i < len(words):
        opt, eq, value = words[i].partition("=")
        if opt in ("--src", "--dist") and not eq and i + 1 < len(words):
            value = words[i + 1]
            i += 1
        if opt == "--src" and value:
            src = os.path.normpath(value).replace(os.sep, "/").strip("/") or "src"
        i += 1
    entries = [s for f, fmt, _ in _outputs(manifest, False) if fmt == "cjs"
               for s in [_source(f, src, package_dir, is_file, False)] if s is not None]
    if not entries:
        return None
    return CjsBuild(script, package_dir, tuple(dict.fromkeys(entries)), _externals(manifest), formats=("cjs",),
                    tool="pkgroll")


def _unbuild(script: str, words: list[str], manifest: dict, package_dir: str, is_file: Callable[[str], bool],
             read: Callable[[str], Optional[str]]) -> Optional[CjsBuild]:
    """unbuild: its entries (configured, or inferred from package.json) in both formats once
    CommonJS is asked for (`rollup.emitCJS`, or a CommonJS output in package.json)."""
    if "--stub" in words:
        return None  # (jiti stubs that load the sources: no build)
    config_path = next((os.path.join(package_dir, n) for n in CONFIG_NAMES if is_file(os.path.join(package_dir, n))),
                       None)
    options: dict = {}
    if config_path is not None:
        try:
            options = _read_config(config_path, read)
        except _Unread as e:
            return CjsBuild(script, package_dir, (), config=config_path, unread=f"{os.path.basename(config_path)}: {e}",
                            formats=("esm", "cjs"), tool="unbuild")
    else:
        for key in ("unbuild", "build"):
            value = manifest.get(key)
            if isinstance(value, dict):
                try:
                    options = _options_of(value)
                except _Unread as e:
                    return CjsBuild(script, package_dir, (), unread=f"package.json's `{key}`: {e}",
                                    formats=("esm", "cjs"), tool="unbuild")
                break
    emit_cjs = options.get("emitCJS") is True
    entries = options.get("entries")
    if entries is None:
        inferred = [(s, fmt) for f, fmt, _ in _outputs(manifest, True)
                    for s in [_source(f, "src", package_dir, is_file, True)] if s is not None]
        entries = list(dict.fromkeys(s for s, _ in inferred))
        emit_cjs = emit_cjs or any(fmt == "cjs" for _, fmt in inferred)
    else:
        found = []
        for e in entries:
            e = os.path.normpath(e).replace(os.sep, "/")
            hit = e if os.path.splitext(e)[1] in _ANY_SOURCE and is_file(os.path.join(package_dir, e)) else \
                next((e + x for x in _ANY_SOURCE if is_file(os.path.join(package_dir, e + x))), None)
            if hit is not None:
                found.append(hit)  # (a folder — mkdist's file-to-file build — is not modelled)
        entries = found
    if not emit_cjs or not entries:
        return None
    externals = _externals(manifest) + tuple(("name", x) for x in options.get("externals", ()))
    return CjsBuild(script, package_dir, tuple(entries), externals, config=config_path, formats=("esm", "cjs"),
                    tool="unbuild")


def _options_of(value: dict) -> dict:
    """The options read from a configuration object given as JSON."""
    out: dict = {}
    entries = value.get("entries")
    if entries is not None:
        if not isinstance(entries, list):
            raise _Unread("its `entries` is not a list")
        out["entries"] = [e if isinstance(e, str) else e.get("input") for e in entries
                          if isinstance(e, str) or isinstance(e, dict) and isinstance(e.get("input"), str)]
    rollup = value.get("rollup")
    if isinstance(rollup, dict) and isinstance(rollup.get("emitCJS"), bool):
        out["emitCJS"] = rollup["emitCJS"]
    externals = value.get("externals")
    if isinstance(externals, list):
        out["externals"] = [x for x in externals if isinstance(x, str)]
    return out


def _read_config(path: str, read: Callable[[str], Optional[str]]) -> dict:
    """unbuild's build.config.*: one configuration object (`export default
    defineBuildConfig({…})`, `export default {…}`), its `entries`, `rollup.emitCJS` and
    `externals` as literals."""
    text = read(path)
    if text is None:
        raise _Unread("it cannot be read")
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            raise _Unread("it is not JSON")
        if not isinstance(data, dict):
            raise _Unread("it is not one object")
        return _options_of(data)
    from .bundler import _Reader, _text
    from .computed import arguments_of

    reader = _Reader(path, text, read)
    cfg = reader._default_export()
    if cfg is not None and cfg.type == "call_expression":
        argv = arguments_of(cfg)
        cfg = reader._unwrap(argv[0]) if argv else None
    if cfg is None or cfg.type != "object":
        raise _Unread("its configuration is not one object literal (a list of builds, or computed)")
    out: dict = {}
    entries = reader._prop(cfg, "entries")
    if entries is not None:
        if entries.type != "array":
            raise _Unread("its `entries` is not an array literal")
        got = []
        for item in entries.named_children:
            if item.type == "comment":
                continue
            item = reader._unwrap(item)
            if item is not None and item.type == "object":
                item = reader._prop(item, "input")
            if item is None or item.type != "string":
                raise _Unread(f"an entry `{_text(item, reader.src)[:40] if item is not None else ''}` is not a string")
            got.append(reader._string(item))
        out["entries"] = got
    rollup = reader._prop(cfg, "rollup")
    emit = reader._prop(rollup, "emitCJS") if rollup is not None else None
    if emit is not None:
        if emit.type not in ("true", "false"):
            raise _Unread("its `rollup.emitCJS` is not `true` or `false`")
        out["emitCJS"] = emit.type == "true"
    externals = reader._prop(cfg, "externals")
    if externals is not None:
        out["externals"] = [v for kind, v in reader.literal_patterns(externals, "externals") if kind == "exact"]
    return out
