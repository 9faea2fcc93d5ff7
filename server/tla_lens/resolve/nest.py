"""NestJS's CLI builds (read from the package.json's scripts and nest-cli.json, never run).

`nest build` (and `nest start`, which builds before it runs) compiles with tsc by default: the
whole program, as `tsc` does, so a re-export of names that are only types is dropped (checked
with @nestjs/cli 12 and Node 26). Another builder is chosen by `--builder`/`-b` (webpack, swc,
rspack), `--webpack`, or nest-cli.json's `compilerOptions.builder` (a name, or `{ "type": … }`)
and `compilerOptions.webpack` (`--tsc` turns webpack off again). A monorepo's apps may choose
builders of their own (`projects.<app>.compilerOptions`): only a standard layout is read.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from . import _jsonc
from .scripts import program_words, script_commands

CONFIG_NAMES = ("nest-cli.json", ".nest-cli.json")
_VALUED = frozenset({"-c", "--config", "-p", "--path", "-b", "--builder", "--webpackPath", "--rspackPath",
                     "--parallel", "--sourceRoot", "--entryFile", "-e", "--exec", "--env-file", "-d", "--debug"})


def _config(package_dir: str, named: Optional[str], read_text: Callable[[str], Optional[str]]) -> Optional[dict]:
    """The nest-cli.json the command reads (``named`` by `--config`, else the folder's), or None."""
    names = [named] if named else list(CONFIG_NAMES)
    for n in names:
        text = read_text(os.path.normpath(os.path.join(package_dir, n)))
        if text is not None:
            data, _ = _jsonc.parse_json(text, lenient=True)
            return data if isinstance(data, dict) else {}
    return None


def _builder(words: list[str], package_dir: str, read_text: Callable[[str], Optional[str]]) -> Optional[str]:
    """The builder one `nest build|start …` command uses ("tsc", "webpack", "swc", "rspack"), or
    None where it cannot be told (a monorepo, a builder not written as a literal)."""
    flag: Optional[str] = None
    webpack: Optional[bool] = None
    config: Optional[str] = None
    i = 2
    while i < len(words):
        name, eq, value = words[i].partition("=")
        if name in _VALUED and not eq and i + 1 < len(words) and not words[i + 1].startswith("-"):
            value = words[i + 1]
            i += 1
        if name in ("-b", "--builder"):
            flag = value or None
        elif name == "--webpack":
            webpack = True if webpack is None else webpack
        elif name == "--tsc":
            webpack = False
        elif name in ("-c", "--config"):
            config = value or None
        i += 1
    data = _config(package_dir, config, read_text) or {}
    if data.get("monorepo") is True:
        return None
    options = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
    if webpack is None:
        webpack = options.get("webpack") is True
    if webpack:
        return "webpack"
    if flag is not None:
        return flag
    builder = options.get("builder", "tsc")
    if isinstance(builder, dict):
        builder = builder.get("type", "tsc")
    return builder if isinstance(builder, str) else None


def nest_builds_with_tsc(scripts: object, package_dir: str, read_text: Callable[[str], Optional[str]]) -> bool:
    """Does a script of the package build it with `nest build` or `nest start` through tsc?"""
    for _, words in script_commands(scripts, "nest"):
        words = program_words(words, ("nest",)) or []
        if len(words) >= 2 and words[1] in ("build", "start") and _builder(words, package_dir, read_text) == "tsc":
            return True
    return False
