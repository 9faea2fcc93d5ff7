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
A .swcrc may be a list of configurations: a file is compiled by the first whose `test` (a
regular expression, or a list of them, searched in the file's path as the command line names it:
`src/a.ts`) matches and whose `exclude` does not (checked with swc); each configuration that
makes CommonJS is a build of the files it takes.
"""
from __future__ import annotations

import os
import re
from typing import Callable, Optional

from ._jsonc import parse_json
from .scripts import compiled_files, program_words, script_commands, split_options
from .tsup import CjsBuild

__all__ = ["swc_builds", "swc_command_builds"]

_DEFAULT_EXTENSIONS = ("js", "jsx", "es6", "es", "mjs", "ts", "tsx", "cts", "mts")
# the command line's options with a value as the next word (the others are flags)
_VALUED = frozenset({"-d", "--out-dir", "-o", "--out-file", "--config-file", "-C", "--config", "--extensions",
                     "--ignore", "--only", "--env-name", "--filename", "-f", "--source-maps", "-s",
                     "--source-map-target", "--source-file-name", "--source-root", "--out-file-extension",
                     "--cli-config-file", "--workers"})
_CJS = ("commonjs", "umd")
_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def swc_builds(scripts: object, package_dir: str, is_file: Callable[[str], bool],
               read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The CommonJS compilations the npm ``scripts`` of ``package_dir`` make with swc's command
    line (tool "swc", each file compiled alone: ``bundle`` False)."""
    if not isinstance(scripts, dict):
        return []
    out: list[CjsBuild] = []
    for name, words in script_commands(scripts, "swc"):
        swc = program_words(words, ("swc",))
        if swc is not None:
            out += swc_command_builds(name, swc[1:], package_dir, is_file, read)
    return out


def _patterns(value: object) -> Optional[tuple]:
    """A `test`/`exclude` value (a regular expression, or a list of them), compiled; None where
    it is neither or one does not compile (Python's `re` standing in for Rust's regex crate)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        return None
    try:
        return tuple(re.compile(_rust_regex(v)) for v in items)
    except re.error:
        return None


def _rust_regex(source: str) -> str:
    """A pattern of Rust's regex crate as Python reads it: a repetition of a repetition (`/**`
    in Nx's generated .swcrc: Rust's `(?:/*)*`), which Python refuses, as the one repetition it
    amounts to."""
    out: list[str] = []
    i, n, in_class = 0, len(source), False
    while i < n:
        c = source[i]
        if c == "\\" and i + 1 < n:
            out.append(source[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "*+" and out and out[-1] in ("*", "+", "?"):
            # (a*)*, (a+)*, (a?)+ …: a*, unless both are `+`
            out[-1] = "+" if out[-1] == "+" and c == "+" else "*"
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def swc_command_builds(script: str, args: list[str], package_dir: str, is_file: Callable[[str], bool],
                       read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The CommonJS compilations of the swc command line ``args`` (after `swc`) run in
    ``package_dir``."""
    inputs, options, flags = split_options(args, _VALUED)
    if not inputs or not any(options.get(o) for o in ("-d", "--out-dir", "-o", "--out-file")):
        return []  # (to standard output: no files made)
    config = (options.get("--config-file") or [None])[-1]
    path = os.path.normpath(os.path.join(package_dir, config)) if config is not None else \
        None if "--no-swcrc" in flags else os.path.join(package_dir, ".swcrc")
    # each configuration: (its `module`, its `test` patterns, its `exclude` patterns)
    configs: list[tuple[dict, tuple, tuple]] = []
    data = None
    if path is not None and is_file(path):
        data, error = parse_json(read(path) or "", lenient=True)
        if error is not None and data is None:
            return [_unread(script, package_dir, path, "it is not JSON")]
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                return [_unread(script, package_dir, path, "a configuration in it is not an object")]
            test, exclude = _patterns(item.get("test")), _patterns(item.get("exclude"))
            if test is None or exclude is None:
                return [_unread(script, package_dir, path, "a `test`/`exclude` is not a regular expression or a "
                                                           "list of them that Python's `re` reads")]
            configs.append((dict(item["module"]) if isinstance(item.get("module"), dict) else {}, test, exclude))
    else:
        path = None
    if not configs:
        configs = [({}, (), ())]
    exts = [e.strip() for v in options.get("--extensions", []) for e in v.split(",") if e.strip()] \
        or list(_DEFAULT_EXTENSIONS)
    entries = compiled_files(inputs, exts, options.get("--ignore", []), package_dir, is_file)
    chosen = len(configs) > 1 or any(t or x for _, t, x in configs)
    out: list[CjsBuild] = []
    for i, (module, test, exclude) in enumerate(configs):
        where = f"the {_ORDINALS[i] if i < len(_ORDINALS) else f'#{i + 1}'} configuration of " \
            if isinstance(data, list) else ""
        how = f"`module.type: \"{module.get('type')}\"` in {where}{os.path.basename(path)}" \
            if path and module.get("type") else ""
        for c in options.get("-C", []) + options.get("--config", []):
            key, _, value = c.partition("=")
            if key == "module.type":
                module["type"] = value
                how = f"`-C module.type={value}`"
            elif key == "module.ignoreDynamic":
                module["ignoreDynamic"] = value == "true"
        if module.get("type") not in _CJS:
            continue
        # (a file is compiled by the first configuration that takes it: the ones before not)
        applies = tuple(((t,) if t else (), x, False) for _, t, x in configs[:i]) + \
            (((test,) if test else (), exclude, True),) if chosen else ()
        out.append(CjsBuild(script, package_dir, tuple(entries), formats=("cjs",), tool="swc", bundle=False,
                            config=path, keeps_import=module.get("ignoreDynamic") is True, how=how,
                            applies=applies))
    return out


def _unread(script: str, package_dir: str, path: str, why: str) -> CjsBuild:
    return CjsBuild(script, package_dir, (), config=path, unread=f"{os.path.relpath(path, package_dir)}: {why}",
                    formats=(), tool="swc", bundle=False)
