"""Jest runs an npm script starts (read, never run): which files are its test files, and whether
it runs them as CommonJS.

Jest (30) runs every test file, and every module it loads, as CommonJS unless Node runs it with
`--experimental-vm-modules` (its ES module mode): its transform (babel-jest with a Babel
configuration that compiles modules, ts-jest) turns imports into `require()` calls, and a
module with a top-level await does not compile there ("await is only valid in async functions
and the top level bodies of modules"); without such a transform the module's `import`/`export`
syntax fails the same way. The test file fails to run (checked with Jest 30.5 and Node 26).

A command counts when its program is `jest` (also through `npx`, `pnpm exec`, `yarn`), or
`node [options] …/jest/bin/jest.js` (`…/.bin/jest`); `--experimental-vm-modules` among the
node options or in a `NODE_OPTIONS=` assignment before the command makes it Jest's ES module
mode (not modelled: top-level await works there). The configuration — `--config`/`-c FILE`,
else jest.config.{js,ts,mjs,cjs,cts,json} in the package's folder, else package.json's "jest"
— gives `testMatch` (globs) or `testRegex` where written as literals; Jest's defaults
otherwise. A configuration that uses `projects`, or whose test patterns are computed, is not
modelled (:attr:`JestRun.unread` says why).
"""
from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from typing import Callable, Optional

from .bundler import _Reader, _Unread
from .scripts import _commands, program_words
from .tsup import read_once

__all__ = ["JestRun", "package_jest_runs", "DEFAULT_TEST_MATCH", "CONFIG_NAMES"]

CONFIG_NAMES = ("jest.config.js", "jest.config.ts", "jest.config.mjs", "jest.config.cjs", "jest.config.cts",
                "jest.config.json")
# Jest 30's default testMatch
DEFAULT_TEST_MATCH = ("**/__tests__/**/*.?([mc])[jt]s?(x)", "**/?(*.)+(spec|test).?([mc])[jt]s?(x)")
_VM_MODULES = "--experimental-vm-modules"
_JEST_FILE = re.compile(r"(^|/)(jest/bin/jest(\.js)?|\.bin/jest)$")


@dataclass(frozen=True)
class JestRun:
    """Jest as an npm script runs it."""
    script: str
    package_dir: str
    esm: bool                          # `--experimental-vm-modules`: ES module mode
    # globs Jest matches against a file's absolute path (`<rootDir>`: the package's folder)
    test_match: tuple[str, ...] = DEFAULT_TEST_MATCH
    test_regex: tuple[str, ...] = ()   # JavaScript regular expressions ("source\x00flags"), on the path
    config: Optional[str] = None
    unread: Optional[str] = None

    def tests(self, path: str) -> bool:
        """Is the file at the absolute ``path`` one of the run's test files?"""
        posix = path.replace(os.sep, "/")
        if "/node_modules/" in posix:
            return False  # (testPathIgnorePatterns' default)
        if self.test_regex:
            from .bundler import _pattern

            return any(p is not None and p.search(posix)
                       for p in (_pattern(*r.split("\x00", 1)) for r in self.test_regex))
        root = self.package_dir.replace(os.sep, "/")
        return bool(_matcher(tuple(m.replace("<rootDir>", root) for m in self.test_match)).match(posix))


@functools.lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]):
    """The globs compiled once (a match is ~10x faster than wcmatch's globmatch), with
    micromatch's options as Jest sets them: `**`, braces, extended globs, dot files."""
    from wcmatch import glob as wcglob

    return wcglob.compile(list(patterns), flags=wcglob.GLOBSTAR | wcglob.BRACE | wcglob.EXTGLOB | wcglob.DOTGLOB)


def _jest_words(words: list[str]) -> Optional[tuple[list[str], bool]]:
    """(Jest's own arguments, ES module mode) when the command runs Jest; else None."""
    vm = any(w.startswith("NODE_OPTIONS=") and _VM_MODULES in w for w in words)
    jest = program_words(words, ("jest", "node", "node.exe"))
    if jest is None:
        return None
    if os.path.basename(jest[0]) == "jest":
        return jest[1:], vm
    i = 1
    while i < len(jest) and jest[i].startswith("-"):
        vm = vm or jest[i] == _VM_MODULES
        i += 1
    if i < len(jest) and _JEST_FILE.search(jest[i].replace("\\", "/")):
        return jest[i + 1:], vm
    return None


def package_jest_runs(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                      read: Callable[[str], Optional[str]]) -> list[JestRun]:
    """The Jest runs the npm scripts of the package.json ``manifest`` (of ``package_dir``) start."""
    scripts = manifest.get("scripts")
    if not isinstance(scripts, dict):
        return []
    out: list[JestRun] = []
    for name, text in scripts.items():
        if not isinstance(name, str) or not isinstance(text, str) or "jest" not in text:
            continue
        for words in _commands(text):
            got = _jest_words(words)
            if got is None:
                continue
            args, esm = got
            config = None
            for i, w in enumerate(args):
                if w in ("-c", "--config") and i + 1 < len(args):
                    config = args[i + 1]
                elif w.startswith("--config="):
                    config = w.split("=", 1)[1]
            out.append(_run(name, package_dir, esm, config, manifest, is_file, read))
    return out


def _run(script: str, package_dir: str, esm: bool, config: Optional[str], manifest: dict,
         is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]) -> JestRun:
    if config is not None and config.lstrip().startswith("{"):
        path, text = None, config  # (`--config '{"testMatch": […]}'`: JSON on the command line)
    else:
        path = os.path.normpath(os.path.join(package_dir, config)) if config is not None else \
            next((os.path.join(package_dir, n) for n in CONFIG_NAMES if is_file(os.path.join(package_dir, n))), None)
        text = read(path) if path is not None else None
        if path is None and isinstance(manifest.get("jest"), dict):
            path, text = os.path.join(package_dir, "package.json"), json.dumps(manifest["jest"])
    if text is None:
        if path is not None:
            return JestRun(script, package_dir, esm, config=path, unread="it cannot be read")
        return JestRun(script, package_dir, esm)
    rel = os.path.relpath(path, package_dir) if path is not None else "--config"
    got = read_once("jest", path or "", text, lambda: _read(path, text, read), lambda why: why, read)
    if isinstance(got, str):
        return JestRun(script, package_dir, esm, config=path, unread=f"{rel}: {got}")
    match, regex = got
    return JestRun(script, package_dir, esm, match or DEFAULT_TEST_MATCH if not regex else (), regex, path)


def _read(path: Optional[str], text: str, read: Callable[[str], Optional[str]]):
    """(testMatch globs relative to the package, testRegex sources), or why not read."""
    if path is None or path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return "it is not JSON"
        if not isinstance(data, dict):
            return "it is not an object"
        if "projects" in data:
            return "it runs several projects (`projects`)"
        match, regex = data.get("testMatch"), data.get("testRegex")
        if isinstance(match, str):
            match = [match]
        if isinstance(regex, str):
            regex = [regex]
        if match is not None and not (isinstance(match, list) and all(isinstance(m, str) for m in match)):
            return "`testMatch` is not a list of strings"
        if regex is not None and not (isinstance(regex, list) and all(isinstance(r, str) for r in regex)):
            return "`testRegex` is not a string or a list of strings"
        return tuple(match or ()), tuple(r + "\x00" for r in regex or ())
    reader = _Reader(path, text, read)
    configs = reader._configs()
    if len(configs) != 1:
        return "its configuration is not an object literal"
    cfg = configs[0]
    if reader._prop(cfg, "projects") is not None:
        return "it runs several projects (`projects`)"
    try:
        match = reader.literal_patterns(reader._unwrap(reader._prop(cfg, "testMatch")), "testMatch")
        regex = reader.literal_patterns(reader._unwrap(reader._prop(cfg, "testRegex")), "testRegex")
    except _Unread as e:
        return str(e)
    if any(kind != "exact" for kind, _ in match):
        return "`testMatch` is not written as strings"
    return tuple(v for _, v in match), tuple(v if kind == "regex" else v + "\x00" for kind, v in regex)
