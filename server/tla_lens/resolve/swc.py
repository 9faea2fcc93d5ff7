"""swc's command line in an npm script (`swc src -d dist`): the files it compiles, each alone, into
CommonJS (read, never run).

swc (@swc/core 1.16 with @swc/cli 0.8) compiles ES modules into CommonJS where its configuration
says `module.type: "commonjs"` (or "umd"): each import becomes a `require()` call — an ES module
with top-level await there throws ERR_REQUIRE_ASYNC_MODULE when the output runs — and so does
each `import()` (`Promise.resolve().then(() => require(…))`) unless `module.ignoreDynamic` is
true. A top-level await is left as it is, in a CommonJS file Node cannot load. Without a
`module` setting swc keeps ES modules (checked by compiling with swc and running the output with
Node 26).

A command counts when its program is `swc` (also through `npx`, `pnpm exec`, `yarn`) with an
output (`-d`/`--out-dir`, `-o`/`--out-file`): its inputs (folders: the files with its
`--extensions`, by default .js, .jsx, .es6, .es, .mjs, .ts, .tsx, .cts, .mts; less `--ignore`),
its configuration (`--config-file`, else the .swcrc of the package's folder, unless
`--no-swcrc`) and `-C module.type=…`/`-C module.ignoreDynamic=…` on the command line, which win.
A .swcrc that is a list of configurations, or that has `test`/`exclude` patterns choosing the
files it applies to, is not modelled (the build is unread then).
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from ._jsonc import parse_json
from .scripts import compiled_files, program_words, script_commands, split_options
from .tsup import CjsBuild

__all__ = ["swc_builds"]

_DEFAULT_EXTENSIONS = ("js", "jsx", "es6", "es", "mjs", "ts", "tsx", "cts", "mts")
# the command line's options with a value as the next word (the others are flags)
_VALUED = frozenset({"-d", "--out-dir", "-o", "--out-file", "--config-file", "-C", "--config", "--extensions",
                     "--ignore", "--only", "--env-name", "--filename", "-f", "--source-maps", "-s",
                     "--source-map-target", "--source-file-name", "--source-root", "--out-file-extension",
                     "--cli-config-file", "--workers"})
_CJS = ("commonjs", "umd")


def swc_builds(scripts: object, package_dir: str, is_file: Callable[[str], bool],
               read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The CommonJS compilations the npm ``scripts`` of ``package_dir`` make with swc's command
    line (tool "swc", each file compiled alone: ``bundle`` False)."""
    if not isinstance(scripts, dict):
        return []
    out: list[CjsBuild] = []
    for name, words in script_commands(scripts, "swc"):
        swc = program_words(words, ("swc",))
        if swc is None:
            continue
        build = _build(name, swc[1:], package_dir, is_file, read)
        if build is not None:
            out.append(build)
    return out


def _build(script: str, args: list[str], package_dir: str, is_file: Callable[[str], bool],
           read: Callable[[str], Optional[str]]) -> Optional[CjsBuild]:
    inputs, options, flags = split_options(args, _VALUED)
    if not inputs or not any(options.get(o) for o in ("-d", "--out-dir", "-o", "--out-file")):
        return None  # (to standard output: no files made)
    config = (options.get("--config-file") or [None])[-1]
    path = os.path.normpath(os.path.join(package_dir, config)) if config is not None else \
        None if "--no-swcrc" in flags else os.path.join(package_dir, ".swcrc")
    module: dict = {}
    if path is not None and is_file(path):
        data, error = parse_json(read(path) or "", lenient=True)
        if error is not None and data is None:
            return _unread(script, package_dir, path, "it is not JSON")
        if not isinstance(data, dict):
            return _unread(script, package_dir, path, "a list of configurations is not modelled")
        if "test" in data or "exclude" in data:
            return _unread(script, package_dir, path, "`test`/`exclude` (the files it applies to) are not modelled")
        if isinstance(data.get("module"), dict):
            module = dict(data["module"])
    else:
        path = None
    how = f"`module.type: \"{module.get('type')}\"` in {os.path.basename(path)}" if path and module.get("type") else ""
    for c in options.get("-C", []) + options.get("--config", []):
        key, _, value = c.partition("=")
        if key == "module.type":
            module["type"] = value
            how = f"`-C module.type={value}`"
        elif key == "module.ignoreDynamic":
            module["ignoreDynamic"] = value == "true"
    if module.get("type") not in _CJS:
        return None
    exts = [e.strip() for v in options.get("--extensions", []) for e in v.split(",") if e.strip()] \
        or list(_DEFAULT_EXTENSIONS)
    entries = compiled_files(inputs, exts, options.get("--ignore", []), package_dir, is_file)
    return CjsBuild(script, package_dir, tuple(entries), formats=("cjs",), tool="swc", bundle=False, config=path,
                    keeps_import=module.get("ignoreDynamic") is True, how=how)


def _unread(script: str, package_dir: str, path: str, why: str) -> CjsBuild:
    return CjsBuild(script, package_dir, (), config=path, unread=f"{os.path.relpath(path, package_dir)}: {why}",
                    formats=(), tool="swc", bundle=False)
