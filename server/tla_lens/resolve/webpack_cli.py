"""How webpack-cli loads the webpack configuration (read from package.json and the folder, never
run).

`webpack`, `webpack build`, `webpack serve`, `webpack watch` (webpack-cli 6) load the files the
command names with `-c`/`--config`, else the first of webpack.config, .webpack/webpack.config,
.webpack/webpackfile with the extension .js, .mjs, .cjs, .ts, .cts, .mts there is:

- .mjs and .mts with `import()` (.mts by Node's type stripping);
- .js with `require()`, and where that throws ERR_REQUIRE_ASYNC_MODULE (a top-level await in
  its graph) with `import()`: either way a top-level await there, or an import of an async
  package or project file, only makes webpack-cli wait;
- .cjs, .cts with `require()` alone (their own require() calls are reported as anywhere), and
  .ts through a register hook (ts-node, …) whose outcome depends on it: not modelled.

Checked with webpack-cli 6.0.1 (`webpack configtest`) on Node 26.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .scripts import program_words, script_commands
from .tool_config import Loaded, depends_on, first_file

__all__ = ["DEFAULT_CONFIGS", "webpack_cli_configs"]

DEFAULT_CONFIGS = tuple(stem + ext for stem in ("webpack.config", ".webpack/webpack.config", ".webpack/webpackfile")
                        for ext in (".js", ".mjs", ".cjs", ".ts", ".cts", ".mts"))
_PROGRAMS = ("webpack", "webpack-cli")


def _named(command: list[str]) -> list[str]:
    """The files one webpack command names with `-c`/`--config` (in order)."""
    out = []
    for i, w in enumerate(command):
        if w in ("-c", "--config") and i + 1 < len(command):
            out.append(command[i + 1])
        elif w.startswith("--config="):
            out.append(w.partition("=")[2])
    return out


def _how(name: str) -> Optional[str]:
    ext = os.path.splitext(name)[1]
    if ext == ".mjs":
        return f"webpack-cli loads {name} with import()"
    if ext == ".mts":
        return f"webpack-cli loads {name} with import(), Node stripping its types"
    if ext == ".js":
        return (f"webpack-cli loads {name} with require(), and again with import() where a top-level await in its "
                f"graph makes require() throw")
    return None


def webpack_cli_configs(manifest: dict, package_dir: str, is_file: Callable[[str], bool]) -> list[Loaded]:
    """The configurations webpack-cli loads in ``package_dir`` (by Node's own loaders) whose imports only
    make webpack-cli wait, where the package (its package.json ``manifest``) runs webpack-cli
    from an npm script or depends on it."""
    commands = [c for c in (program_words(words, _PROGRAMS) for _, words in
                            script_commands(manifest.get("scripts"), "webpack")) if c is not None]
    if not commands and not depends_on(manifest, "webpack-cli"):
        return []
    named = [n for c in commands for n in _named(c)]
    if not named or any(not _named(c) for c in commands):  # (a command that names none: the folder's own)
        default = first_file(package_dir, DEFAULT_CONFIGS, is_file)
        if default is not None:
            named.append(default)
    out = []
    for name in dict.fromkeys(named):
        path = os.path.normpath(os.path.join(package_dir, name))
        how = _how(os.path.basename(path))
        if how is not None and is_file(path):
            out.append(Loaded(path, how, True))
    return out
