"""How Vite loads its own configuration file (read from the folder and package.json, never run).

Every `vite` command (dev, build, preview) first loads the folder's configuration: the first of
vite.config.js, .mjs, .ts, .cjs, .mts, .cts. With its default loader ("bundle") Vite bundles the
file and the project files it imports into one module, every package kept external, then:

- as an ES module where the file is one by Node's rules (`.mjs`/`.mts`, or `.js`/`.ts` under a
  package.json with `"type": "module"`), loaded with `import()`: a top-level await there, or an
  import of an async package, only makes Vite wait for its configuration (nothing is reported
  on its imports);
- as CommonJS otherwise, which Node runs with `require()`: a top-level await in what it bundles
  fails the bundle (Vite 8's Rolldown: "Module format "cjs" does not support top-level await";
  Vite 6 and 7's esbuild: "Top-level await is currently not supported with the "cjs" output
  format"), and each package it imports is a `require()`, which throws ERR_REQUIRE_ASYNC_MODULE
  for an async package. Either way Vite fails to load its configuration.

`--configLoader native` (Node imports the file itself) and `runner` (Vite's module runner) load
it with `import()` too. Vitest (4) loads its configuration with Vite's loader, looking first for
vitest.config.* then vite.config.* (by extension: .ts, .mts, .cts, .js, .mjs, .cjs). Checked with
Vite 6.4, 7.3 and 8.4, and Vitest 4.1, on Node 26.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Optional

from .targets import installed_version
from .tool_config import depends_on
from .tsup import CjsBuild

__all__ = ["CONFIG_FILES", "VITEST_FILES", "ViteConfig", "es_module_name", "vite_configs"]

# Vite's order (DEFAULT_CONFIG_FILES)
CONFIG_FILES = ("vite.config.js", "vite.config.mjs", "vite.config.ts", "vite.config.cjs", "vite.config.mts",
                "vite.config.cts")
# Vitest's order: its own names first, then Vite's (each by extension: .ts, .mts, .cts, .js, .mjs, .cjs)
VITEST_FILES = tuple(f"{n}{e}" for n in ("vitest.config", "vite.config")
                     for e in (".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"))
_VITEST_COMMAND = re.compile(r"(?:^|[\s;&|/(])vitest(?=\s|$|[;&|)])")
_LOADER = re.compile(r"--configLoader(?:=|\s+)(\w+)")
_CONFIG_FLAG = re.compile(r"(?:^|\s)(?:-c|--config)(?:=|\s+)(['\"]?)([^\s'\"]+)\1")
_VITE_COMMAND = re.compile(r"(?:^|[\s;&|/(])vite(?=\s|$|[;&|)])")


def es_module_name(name: str) -> Optional[str]:
    """The name that makes Node (and Vite) take the file ``name`` for an ES module whatever the
    package.json says (vite.config.ts -> vite.config.mts, .js -> .mjs), or None where it has
    one already."""
    stem, ext = os.path.splitext(name)
    new = {".ts": ".mts", ".cts": ".mts", ".js": ".mjs", ".cjs": ".mjs"}.get(ext)
    return stem + new if new is not None else None


@dataclass(frozen=True)
class ViteConfig:
    tool: str             # who loads it: "Vite", or "Vitest" (with Vite's loader)
    file: str             # absolute
    esm: bool             # bundled as an ES module and loaded with import()
    why: str              # what decides it, for the messages
    build: Optional[CjsBuild] = None  # the CommonJS bundle of it (``esm`` False)
    node: bool = False    # Node's own import() takes it (`--configLoader native`): Node resolves its imports


def vite_configs(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                 read: Callable[[str], Optional[str]]) -> list[ViteConfig]:
    """How Vite, and Vitest where the package runs it, load the configurations of the package
    folder ``package_dir`` (its package.json ``manifest``): the one each of its npm scripts'
    `vite` and `vitest` commands names (`-c`/`--config`) or finds, or, with no such command, the
    folder's own."""
    out: dict[str, ViteConfig] = {}
    scripts = manifest.get("scripts")
    scripts = [s for s in scripts.values() if isinstance(s, str)] if isinstance(scripts, dict) else []
    for tool, command, names in (("Vite", _VITE_COMMAND, CONFIG_FILES), ("Vitest", _VITEST_COMMAND, VITEST_FILES)):
        runs: dict[str, list[str]] = {}  # configuration -> the command lines that load it
        segments = [seg for s in scripts for seg in _segments(s, command)]
        if tool == "Vitest" and not segments and not depends_on(manifest, "vitest"):
            continue
        found = next((n for n in names if is_file(os.path.join(package_dir, n))), None)
        for seg in segments:
            m = _CONFIG_FLAG.search(seg)
            name = os.path.normpath(m.group(2)) if m else found
            if name is not None and is_file(os.path.join(package_dir, name)):
                runs.setdefault(name, []).append(seg)
        if not segments and found is not None:
            runs[found] = []
        for name, commands in runs.items():
            path = os.path.join(package_dir, name)
            if path not in out:
                out[path] = _load(tool, name, commands, manifest, package_dir, is_file, read)
    return list(out.values())


def _segments(script: str, command: re.Pattern) -> list[str]:
    """The arguments of each run of ``command`` in the npm script ``script`` (up to the end of
    that command: `&&`, `||`, `;`, `|`)."""
    return [re.split(r"&&|\|\||[;|]", script[m.end():], maxsplit=1)[0] for m in command.finditer(script)]


def _load(tool: str, name: str, commands: list[str], manifest: dict, package_dir: str,
          is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]) -> ViteConfig:
    path = os.path.join(package_dir, name)
    loaders = [m.group(1) if m else "bundle" for m in map(_LOADER.search, commands)]
    if commands and all(x in ("native", "runner") for x in loaders):
        flag = f"`--configLoader {loaders[0]}`"
        return ViteConfig(tool, path, True, f"its npm scripts run {tool} with {flag}, which loads {name} with import()",
                          node=all(x == "native" for x in loaders))
    if name.endswith((".mjs", ".mts")):
        return ViteConfig(tool, path, True, f"{tool} bundles {name} as an ES module (by its extension) and loads it "
                                            f"with import()")
    if manifest.get("type") == "module" and not name.endswith((".cjs", ".cts")):
        return ViteConfig(tool, path, True, f"{tool} bundles {name} as an ES module (the package.json has "
                                            f"`\"type\": \"module\"`) and loads it with import()")
    why = "a CommonJS file by its extension" if name.endswith((".cjs", ".cts")) else \
        "in a package without `\"type\": \"module\"`"
    version = installed_version(package_dir, "vite", is_file, read)
    bundler = "esbuild" if version is not None and version < (8, 0, 0) else "Rolldown"
    build = CjsBuild("", package_dir, (name,), every_package=True, formats=("cjs",), tool=tool,
                     how=bundler, loads_config=why)
    return ViteConfig(tool, path, False, why, build)
