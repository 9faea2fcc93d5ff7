"""The edit that makes a build output ES modules where its CommonJS (or IIFE) output refuses a
top-level await or require()s an async package: an AWS CDK stack's `NodejsFunction` props
(:mod:`cdk_format`), or the npm script of an esbuild, tsup, tsdown or `bun build` command line
(:mod:`script_format`), an AWS SAM template's function (:mod:`sam_format`), a Serverless
service's serverless-esbuild options (:mod:`serverless_format`), a Vite library's
`build.lib.formats`, or the tsup (tsdown) configuration that sets the format where the script
does not (:mod:`config_format`), or a call of esbuild's or Bun's JavaScript API made once in a
build script (its `format`). Builds configured elsewhere (Rollup configurations, Nx targets)
get none.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional, Union

from ..syntax.facts import Dialect
from ..syntax.grammar import dialect_for_path
from .cdk_format import cdk_esm
from .config_format import api_esm, esm_config, vite_esm
from .edits import Fix, Refusal
from .sam_format import package_is_module, sam_esm
from .serverless_format import serverless_esm
from .script_format import esm_script, names_format

__all__ = ["esm_build"]

_SCRIPT_TOOLS = ("esbuild", "Bun", "tsup", "tsdown")


def _edit(path: Path, read: Callable[[Path], Optional[bytes]],
          make: Callable[[bytes], Union[Fix, Refusal, None]]) -> Optional[tuple[Path, bytes, Union[Fix, Refusal]]]:
    """(``path``, its text, ``make(text)``), or None where the file cannot be read or there is
    nothing to edit."""
    text = read(path)
    result = make(text) if text is not None else None
    return (path, text, result) if result is not None and text is not None else None


def esm_build(build, read: Callable[[Path], Optional[bytes]]) -> Optional[tuple[Path, bytes, Union[Fix, Refusal]]]:
    """(the file to edit, its text as ``read`` gives it, the edit or why there is none) for the
    build ``build`` (a :class:`~tla_lens.resolve.tsup.CjsBuild`), or None where no such edit
    applies. (Refusing for its target, a script's build needs more than a format.)"""
    if build is None:
        return None
    config = Path(build.config) if build.config is not None else None
    cjs = bool({"cjs", "iife"} & set(build.formats))
    if build.tool == "SAM" and config is not None and build.refuses_tla:  # (its `Target` too: SAM's default has no top-level await)
        out_extension = cjs and not package_is_module(read(Path(build.package_dir) / "package.json"))
        return _edit(config, read, lambda text: sam_esm(text, build.script, config.suffix == ".json",
                                                         bool(build.lacks_tla), cjs, out_extension))
    if build.tool == "Vite" and config is not None and not build.app and not build.packages_only and \
            build.declared_in is None and build.refuses_tla != "target" and {"cjs", "umd", "iife"} & set(build.formats):
        return _edit(config, read, lambda text: vite_esm(text, str(config)))  # (a library: `build.lib.formats`)
    if not cjs:
        return None
    if build.tool == "serverless-esbuild" and config is not None:
        if build.refuses_tla == "target":
            return None  # (a runtime without top-level await: the user's to choose)
        return _edit(config, read, lambda text: serverless_esm(text, config.suffix == ".json"))
    if build.tool == "NodejsFunction" and config is not None and build.line:
        dialect = dialect_for_path(config)
        return _edit(config, read, lambda text: cdk_esm(text, build.line, build.script,
                                                        dialect if dialect in (Dialect.TS, Dialect.JS) else Dialect.TS))
    if config is not None and build.tool in ("esbuild", "Bun"):  # (their JavaScript API, in a build script)
        if not build.line or build.refuses_tla == "target":
            return None  # (a call made in a loop, or for several values: no one place to edit)
        return _edit(config, read, lambda text: api_esm(text, str(config), build.line, build.tool))
    if build.tool not in _SCRIPT_TOOLS or build.refuses_tla == "target" or build.declared_in is not None:
        return None
    path = Path(build.package_dir) / "package.json"
    text = read(path)
    try:
        scripts = json.loads(text or b"").get("scripts")
    except (ValueError, AttributeError):
        return None
    command = scripts.get(build.script) if isinstance(scripts, dict) else None
    if text is None or not isinstance(command, str):
        return None
    if build.tool in ("tsup", "tsdown") and config is not None and not names_format(command, build.tool):
        return _edit(config, read, lambda t: esm_config(t, str(config), build.tool))  # (the configuration decides)
    result = esm_script(text, build.script, command, build.tool, build.config)
    return (path, text, result) if result is not None else None
