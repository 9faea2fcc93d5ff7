"""tshy (the TypeScript HYbridizer, 4): a package built into ES modules and CommonJS by tsc from
the same sources (read, never run).

A package uses tshy where its package.json has a `"tshy"` object or one of its npm scripts runs
`tshy`. Unless its `dialects` leave "commonjs" out (the default is both), tshy compiles every
TypeScript file under `src/` (.ts, .tsx, .cts; not .mts, not declaration files, not what its
`exclude` globs match: tsconfig `exclude` patterns, relative to the package) a second time into
CommonJS: tsc with `module: nodenext` while a
`src/package.json` it writes for the build says `"type": "commonjs"`. There each import is a
`require()` (an async ES module throws ERR_REQUIRE_ASYNC_MODULE in the CommonJS program that
requires the package), `import()` stays `import()`, and a top-level await is tsc's error TS1309,
which fails the build. A file with a CommonJS polyfill (`src/x-cjs.cts` beside `src/x.ts`,
whose output replaces x's) keeps its ES module imports, but tsc still compiles it in the
CommonJS dialect: a top-level await in it fails the build all the same (TS1309). Checked with
tshy 4.1 (TypeScript 6) and Node 26.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Optional

from .scripts import program_words, script_commands

__all__ = ["Tshy", "package_tshy"]

_COMPILED = (".ts", ".tsx", ".cts")


@dataclass(frozen=True)
class Tshy:
    """A package tshy builds (with tsc, the whole program)."""
    package_dir: str
    origin: str                  # "the `\"tshy\"` field of package.json", "script `build` of package.json"
    exclude: tuple[str, ...]     # its `exclude` globs, relative to the package (`./` dropped)
    commonjs: bool = True        # does it build a CommonJS dialect (its `dialects`)?

    def compiles_cjs(self, path: str, is_file: Callable[[str], bool]) -> bool:
        """Does the CommonJS dialect compile the file ``path`` (absolute), its own output kept?"""
        return self._compiles(path) and self.polyfill(path, is_file) is None

    def polyfill(self, path: str, is_file: Callable[[str], bool]) -> Optional[str]:
        """The CommonJS polyfill (`x-cjs.cts` beside `x.ts`) whose output replaces that of the
        file ``path`` in the CommonJS dialect, or None. tsc compiles the file all the same (a
        top-level await in it still fails the build)."""
        if not self._compiles(path) or not path.endswith((".ts", ".tsx")):
            return None
        stem = path[: -len(".tsx")] if path.endswith(".tsx") else path[: -len(".ts")]
        return stem + "-cjs.cts" if is_file(stem + "-cjs.cts") else None

    def _compiles(self, path: str) -> bool:
        """Does tsc compile ``path`` (absolute) in the CommonJS dialect (whatever ships)?"""
        if not self.commonjs:
            return False
        rel = os.path.relpath(path, self.package_dir).replace(os.sep, "/")
        if not rel.startswith("src/") or not rel.endswith(_COMPILED) or rel.endswith((".d.ts", ".d.cts")):
            return False
        if self.exclude:
            from wcmatch import glob as wglob  # (only for a package that excludes files)

            # (tsconfig `exclude` globs, where tshy puts them: a folder stands for what is in it)
            patterns = [p for e in self.exclude for p in (e, e.rstrip("/") + "/**")]
            if wglob.globmatch(rel, patterns, flags=wglob.GLOBSTAR | wglob.DOTGLOB):
                return False
        return True


def package_tshy(manifest: dict, package_dir: str) -> Optional[Tshy]:
    """The tshy build of the package whose package.json is ``manifest`` (in ``package_dir``),
    or None."""
    config = manifest.get("tshy")
    origin = None
    if isinstance(config, dict):
        origin = "the `\"tshy\"` field of package.json"
    else:
        config = {}
        for name, words in script_commands(manifest.get("scripts"), "tshy"):
            if program_words(words, ("tshy",)):
                origin = f"script `{name}` of package.json"
                break
    if origin is None:
        return None
    dialects = config.get("dialects", ["esm", "commonjs"])
    exclude = config.get("exclude")
    globs = tuple(e[2:] if e.startswith("./") else e for e in exclude if isinstance(e, str)) \
        if isinstance(exclude, list) else ()
    return Tshy(package_dir, origin, globs, isinstance(dialects, list) and "commonjs" in dialects)
