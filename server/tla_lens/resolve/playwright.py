"""Playwright Test runs an npm script starts (read, never run): which files are its test files,
and which of them, with what they load, it compiles into CommonJS.

Playwright Test (1.65) loads a file as an ES module by the file's own kind — `.mjs`/`.mts`, or
another extension under a package.json (the nearest one) with `"type": "module"` — and
compiles every other file into CommonJS with its Babel transform, together with everything that
file loads, `.mjs` files too. A top-level await in a file compiled that way does not compile
("await is only valid in async functions and the top level bodies of modules"): Playwright
cannot load the test file, and the whole run stops before any test runs (checked with
@playwright/test 1.65 and Node 26, `playwright test --list`).

A command counts when its program is `playwright` with the subcommand `test` (also through
`npx`, `pnpm exec`, `yarn`). The configuration — `--config`/`-c` (a file, or a folder with one),
else playwright.config.{ts,js,mts,mjs,cts,cjs} in the package's folder — gives `testDir`
(relative to the configuration's folder; that folder by default), `testMatch` (globs matched
against the absolute path as `**/`-prefixed minimatch patterns, case-insensitive, or regular
expressions; default `**/*.@(spec|test).?(c|m)[jt]s?(x)`) and `testIgnore`, written as literals
(`testDir` also as `path.join(__dirname, …)`), and `projects` (one run per project, each taking
the top level's value of what it does not set; `--project NAME` selects, with the projects
they depend on; a project with `default: false` runs only when named). The command line's test
filters (regular expressions on the file's path) narrow the files. A configuration that cannot
be read that way, or one of component testing (@playwright/experimental-ct-*), is not modelled
(:attr:`PlaywrightRun.unread` says why).
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
from dataclasses import dataclass
from typing import Callable, Optional

from .bundler import _pattern, _Reader, _Unread
from .computed import RegexLiteral, _text
from .scripts import script_commands, program_words
from .tsup import read_once

__all__ = ["PlaywrightRun", "package_playwright_runs", "CONFIG_NAMES"]

CONFIG_NAMES = tuple(f"playwright.config{ext}" for ext in (".ts", ".js", ".mts", ".mjs", ".cts", ".cjs"))
DEFAULT_TEST_MATCH = (("glob", "**/*.@(spec|test).?(c|m)[jt]s?(x)"),)
# the extensions of the files Playwright takes as tests
_EXTENSIONS = frozenset({".js", ".ts", ".mjs", ".mts", ".cjs", ".cts", ".jsx", ".tsx", ".mjsx", ".mtsx", ".cjsx",
                         ".ctsx"})
# `playwright test`'s options with a value (the next word when not written `--opt=value`)
_VALUED = frozenset({"-c", "--config", "--project", "-g", "--grep", "--grep-invert", "-j", "--workers",
                     "--reporter", "--retries", "--timeout", "--global-timeout", "--max-failures",
                     "--output", "--repeat-each", "--shard", "--trace", "--browser", "--tsconfig",
                     "--test-list", "--test-list-invert", "--only-changed", "--update-snapshots", "-u",
                     "--update-source-method", "--ui-host", "--ui-port", "--tag"})
# of those, the ones whose value may be left out (the next word is theirs unless an option)
_OPTIONAL = frozenset({"--only-changed", "--update-snapshots", "-u"})


@dataclass(frozen=True)
class PlaywrightRun:
    """Playwright Test as an npm script runs it (one per project)."""
    script: str
    package_dir: str
    config: Optional[str] = None
    unread: Optional[str] = None
    project: str = ""                  # the project's name ("": none)
    test_dir: str = ""                 # absolute; "": the package's folder
    # ("glob", pattern) or ("re", source, flags): `testMatch` and `testIgnore`
    test_match: tuple[tuple[str, ...], ...] = DEFAULT_TEST_MATCH
    test_ignore: tuple[tuple[str, ...], ...] = ()
    filters: tuple[tuple[str, str], ...] = ()  # the command line's (source, flags)
    # `globalSetup` and `globalTeardown` (absolute; an extension may be left out): loaded as
    # test files are, once per run
    setup: tuple[str, ...] = ()

    tool = "Playwright"
    esm = True           # (files are ES modules by their kind, as in Jest's ES module mode)
    compiles_all = True  # (what a file compiled into CommonJS loads is compiled too, .mjs files too)
    mapper = ()          # (Jest's moduleNameMapper: none here)
    mapper_unread = None

    def tests(self, path: str) -> bool:
        """Is the file at the absolute ``path`` one of the run's test files?"""
        posix = path.replace(os.sep, "/")
        if os.path.splitext(posix)[1] not in _EXTENSIONS:
            return False
        root = (self.test_dir or self.package_dir).replace(os.sep, "/").rstrip("/") + "/"
        if not posix.startswith(root) or "node_modules" in posix[len(root):].split("/"):
            return False
        if _matches(self.test_ignore, posix) or not _matches(self.test_match, posix):
            return False
        return not self.filters or any(p is not None and p.search(posix)
                                       for p in (_pattern(s, f) for s, f in self.filters))

    def loads_as_esm(self, path: str, package_type: Callable[[str], Optional[str]]) -> bool:
        """Does Playwright load the file at ``path`` as an ES module (when no file compiled into
        CommonJS loads it)?"""
        ext = os.path.splitext(path)[1]
        if ext in (".mjs", ".mts", ".cjs", ".cts"):
            return ext in (".mjs", ".mts")
        return package_type(path) == "module"

    def commonjs_why(self, path: str) -> str:
        ext = os.path.splitext(path)[1]
        if ext in (".cjs", ".cts"):
            return f"a `{ext}` file"
        return f"a `{ext}` file under a package.json without `\"type\": \"module\"`"


def _matches(patterns: tuple[tuple[str, ...], ...], posix: str) -> bool:
    for p in patterns:
        if p[0] == "re":
            rx = _pattern(p[1], p[2].replace("g", ""))
            if rx is not None and rx.search(posix):
                return True
        elif _glob(p[1] if p[1].startswith("**/") else "**/" + p[1]).match(posix):
            return True
    return False


@functools.lru_cache(maxsize=64)
def _glob(pattern: str):
    """minimatch as Playwright calls it (`nocase`, `dot`; braces and extended globs)."""
    from wcmatch import glob as wcglob

    return wcglob.compile([pattern], flags=wcglob.GLOBSTAR | wcglob.BRACE | wcglob.EXTGLOB | wcglob.DOTGLOB |
                          wcglob.IGNORECASE)


def _playwright_words(words: list[str]) -> Optional[list[str]]:
    """`playwright test`'s own arguments when the command runs it; else None."""
    got = program_words(words, ("playwright",))
    if got is None or len(got) < 2 or got[1] != "test":
        return None
    return got[2:]


def _options(args: list[str]) -> dict[str, list[str]]:
    """{"config": […], "project": […], "filters": the test filters, "no-deps": […]}."""
    out: dict[str, list[str]] = {}
    i = 0
    while i < len(args):
        w = args[i]
        name, eq, value = w.partition("=")
        if w.startswith("-") and name in _VALUED:
            key = {"-c": "config", "--config": "config", "--project": "project"}.get(name, name)
            if eq:
                out.setdefault(key, []).append(value)
            elif i + 1 < len(args) and not (name in _OPTIONAL and args[i + 1].startswith("-")):
                out.setdefault(key, []).append(args[i + 1])
                i += 1
            i += 1
            continue
        if w == "--no-deps":
            out["no-deps"] = [w]
        elif not w.startswith("-"):
            out.setdefault("filters", []).append(w)
        i += 1
    return out


def _force_regexp(arg: str) -> tuple[str, str]:
    """A test filter as Playwright makes it a regular expression: `/re/flags`, else the text
    itself, case-insensitive (a `file:line` location: its file part)."""
    m = re.match(r"^/(.*)/([gi]*)$", arg)
    if m:
        return m.group(1), m.group(2).replace("g", "")
    loc = re.match(r"^(.*?):(\d+):?(\d+)?$", arg)
    return (loc.group(1) if loc else arg), "i"


def package_playwright_runs(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                            read: Callable[[str], Optional[str]]) -> list[PlaywrightRun]:
    """The Playwright Test runs the npm scripts of the package.json ``manifest`` (of
    ``package_dir``) start."""
    out: list[PlaywrightRun] = []
    for name, words in script_commands(manifest.get("scripts"), "playwright"):
        args = _playwright_words(words)
        if args is None:
            continue
        options = _options(args)
        filters = tuple(_force_regexp(f) for f in options.get("filters", ()))
        for run, dependency in _runs(name, package_dir, (options.get("config") or [None])[-1], options,
                                     is_file, read):
            # (a project run only as another's dependency runs all its files)
            out.append(dataclasses.replace(run, filters=filters) if filters and run.unread is None and
                       not dependency else run)
    return out


def _runs(script: str, package_dir: str, config: Optional[str], options: dict, is_file: Callable[[str], bool],
          read: Callable[[str], Optional[str]]) -> list[tuple[PlaywrightRun, bool]]:
    """The runs of one command, each with whether its project runs only as a dependency."""
    where = os.path.normpath(os.path.join(package_dir, config)) if config is not None else package_dir
    path = where if config is not None and is_file(where) else \
        next((os.path.join(where, n) for n in CONFIG_NAMES if is_file(os.path.join(where, n))), None)
    if path is None:
        # (no configuration: Playwright's defaults, from the folder it was given)
        return [(PlaywrightRun(script, package_dir, test_dir=where), False)]
    text = read(path)
    if text is None:
        return [(PlaywrightRun(script, package_dir, config=path, unread="it cannot be read"), False)]
    got = read_once("playwright", path, text, lambda: _read(path, text, read), lambda why: why, read)
    rel = os.path.relpath(path, package_dir)
    if isinstance(got, str):
        return [(PlaywrightRun(script, package_dir, config=path, unread=f"{rel}: {got}"), False)]
    top, projects = got
    base = os.path.dirname(path)
    if projects is None:
        return [(_make(script, package_dir, path, base, top, {}), False)]
    chosen, top_level = _selected(projects, options.get("project"), "no-deps" in options)
    return [(_make(script, package_dir, path, base, top, p), p.get("name", "") not in top_level) for p in projects
            if p.get("name", "") in chosen]


def _selected(projects: list[dict], names: Optional[list[str]], no_deps: bool) -> tuple[set[str], set[str]]:
    """The names of the projects a run runs, and of those it runs for themselves (not as
    another's dependency or teardown, whose files it runs unfiltered): those named by
    `--project` (case-insensitive, `*` a wildcard), or every project that is not `default:
    false`; then, unless `--no-deps`, the projects they depend on and their teardowns."""
    def named(p: dict) -> bool:
        low = p.get("name", "").lower()
        return any(re.fullmatch(".*".join(re.escape(part) for part in n.lower().split("*")), low) for n in names or ())

    chosen = {p.get("name", "") for p in projects if (named(p) if names else p.get("default", True) is not False)}
    if no_deps:
        return chosen, chosen
    by_name = {p.get("name", ""): p for p in projects}
    reached: set[str] = set()
    todo = list(chosen)
    while todo:
        p = by_name.get(todo.pop(), {})
        for dep in [*(p.get("dependencies") or ()), *([p["teardown"]] if p.get("teardown") else [])]:
            if dep not in reached:
                reached.add(dep)
                todo.append(dep)
    return chosen | reached, chosen - reached


def _make(script: str, package_dir: str, path: str, base: str, top: dict, project: dict) -> PlaywrightRun:
    """The run of one project (``top``: the configuration's own values, for what it leaves out)."""
    def value(key: str):
        return project[key] if project.get(key) is not None else top.get(key)

    test_dir = value("testDir")
    setup = tuple(os.path.normpath(os.path.join(base, f)) for f in top.get("setup", ()))
    return PlaywrightRun(script, package_dir, config=path, project=project.get("name", ""), setup=setup,
                         test_dir=os.path.normpath(os.path.join(base, test_dir)) if test_dir is not None else base,
                         test_match=value("testMatch") or DEFAULT_TEST_MATCH, test_ignore=value("testIgnore") or ())


def _read(path: str, text: str, read: Callable[[str], Optional[str]]):
    """(the top level's values, the projects' values or None), or why not read."""
    if "@playwright/experimental-ct-" in text:
        # (component testing: the components a test imports are bundled by Vite for the
        # browser, the imports replaced by references — not what Node loads)
        return "component testing (@playwright/experimental-ct-…) is not modelled"
    reader = _Reader(path, text, read)
    configs = reader._configs()
    if len(configs) != 1:
        return "its configuration is not an object literal"
    cfg = configs[0]
    try:
        top = _values(reader, cfg)
        for key in ("globalSetup", "globalTeardown"):
            node = reader._prop(cfg, key)
            if node is not None:
                try:
                    value = reader.literal(node)
                except _Unread:
                    continue  # (computed: left out)
                top.setdefault("setup", []).extend(v for v in (value if isinstance(value, list) else [value])
                                                   if isinstance(v, str))
        node = reader._prop(cfg, "projects")
        if node is None:
            return top, None
        node = reader._unwrap(node)
        if node is None or node.type != "array":
            raise _Unread("`projects` is not an array literal")
        projects = []
        for item in node.named_children:
            item = reader._unwrap(item)
            if item is None or item.type != "object":
                raise _Unread(f"the project `{_text(item, reader.src)[:40] if item is not None else ''}` is not an "
                              "object literal")
            values = _values(reader, item)
            for key in ("name", "dependencies", "default", "teardown"):
                sub = reader._prop(item, key)
                if sub is not None:
                    values[key] = reader.literal(sub)
            if not isinstance(values.get("name", ""), str) or not isinstance(values.get("teardown") or "", str) or \
                    not isinstance(values.get("dependencies") or [], list):
                raise _Unread("a project's `name`, `teardown` or `dependencies` is not a string or a list of strings")
            projects.append(values)
        return top, projects
    except _Unread as e:
        return str(e)


def _values(reader: _Reader, obj) -> dict:
    """`testDir`, `testMatch`, `testIgnore` of a configuration or project object (those set)."""
    out: dict = {}
    node = reader._prop(obj, "testDir")
    if node is not None:
        out["testDir"] = reader._eval(node)  # (a string, or `path.join(__dirname, "e2e")`)
    for key in ("testMatch", "testIgnore"):
        node = reader._prop(obj, key)
        if node is None:
            continue
        value = reader.literal(node)
        items = value if isinstance(value, list) else [value]
        patterns = []
        for v in items:
            if isinstance(v, RegexLiteral):
                if _pattern(v[0], v[1].replace("g", "")) is None:
                    raise _Unread(f"the regular expression /{v[0]}/ of `{key}` is not read")
                patterns.append(("re", v[0], v[1]))
            elif isinstance(v, str):
                patterns.append(("glob", v))
            else:
                raise _Unread(f"`{key}` is not a glob, a regular expression or a list of them")
        out[key] = tuple(patterns)
    return out
