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


def esm_build(build, read: Callable[[Path], Optional[bytes]]) -> Optional[tuple[Path, bytes, Union[Fix, Refusal]]]:
    """(the file to edit, its text as ``read`` gives it, the edit or why there is none) for the
    build ``build`` (a :class:`~tla_lens.resolve.tsup.CjsBuild`), or None where no such edit
    applies. (Refusing for its target, a script's build needs more than a format.)"""
    if build is not None and build.tool == "SAM" and build.config is not None and build.refuses_tla:
        path = Path(build.config)  # (the template: its `Target` too, SAM's default has no top-level await)
        text = read(path)
        cjs = bool({"cjs", "iife"} & set(build.formats))
        result = sam_esm(text, build.script, path.suffix == ".json", bool(build.lacks_tla), cjs,
                         cjs and not package_is_module(read(Path(build.package_dir) / "package.json"))) \
            if text is not None else None
        return (path, text, result) if result is not None and text is not None else None
    if build is not None and build.tool == "Vite" and build.config is not None and not build.app and \
            not build.packages_only and build.declared_in is None and build.refuses_tla != "target" and \
            {"cjs", "umd", "iife"} & set(build.formats):
        path = Path(build.config)  # (a library build: its `build.lib.formats`)
        text = read(path)
        result = vite_esm(text, str(path)) if text is not None else None
        return (path, text, result) if result is not None and text is not None else None
    if build is None or not {"cjs", "iife"} & set(build.formats):
        return None
    if build.tool == "serverless-esbuild" and build.config is not None:
        path = Path(build.config)  # (a target without top-level await: the runtime is the user's to choose)
        text = read(path)
        result = serverless_esm(text, path.suffix == ".json") \
            if text is not None and build.refuses_tla != "target" else None
        return (path, text, result) if result is not None and text is not None else None
    if build.tool == "NodejsFunction" and build.config is not None and build.line:
        path = Path(build.config)
        text = read(path)
        if text is None:
            return None
        dialect = dialect_for_path(path)
        return path, text, cdk_esm(text, build.line, build.script,
                                   dialect if dialect in (Dialect.TS, Dialect.JS) else Dialect.TS)
    if build.config is not None and build.tool in ("esbuild", "Bun"):  # (their JavaScript API, in a build script)
        if not build.line or build.refuses_tla == "target":
            return None  # (a call made in a loop, or for several values: no one place to edit)
        path = Path(build.config)
        text = read(path)
        result = api_esm(text, str(path), build.line, build.tool) if text is not None else None
        return (path, text, result) if result is not None and text is not None else None
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
    if build.tool in ("tsup", "tsdown") and build.config is not None and not names_format(command, build.tool):
        config = Path(build.config)  # (the configuration decides the format)
        config_text = read(config)
        found = esm_config(config_text, str(config), build.tool) if config_text is not None else None
        return (config, config_text, found) if found is not None and config_text is not None else None
    result = esm_script(text, build.script, command, build.tool, build.config)
    return (path, text, result) if result is not None else None
