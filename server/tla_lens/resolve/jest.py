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
mode, where Jest loads a file as an ES module as Node would, by its own rule
(:meth:`JestRun.loads_as_esm`: `.mjs`; `.js` under a package.json with `"type": "module"`;
another extension when `extensionsToTreatAsEsm` lists it) and every other file as CommonJS; a
CommonJS file there fails on a top-level await as before, and on a require() of an ES module
with a top-level await in its graph (ERR_REQUIRE_ASYNC_MODULE, as Node; checked with Jest
30.5). A `preset` (found as Jest finds it from `rootDir`: a path starting with `.`, else
`NAME/jest-preset.{json,js,cjs,mjs}` in node_modules) is read as a configuration is and the
configuration's options applied over it as Jest merges them; ts-jest's presets, whose values its
code computes, by what they set (`extensionsToTreatAsEsm`, checked against ts-jest 29.4). In
that mode a preset that is not found or not read makes the run not modelled unless the
configuration sets `extensionsToTreatAsEsm` itself. `moduleNameMapper` (written as
literals) maps an import's specifier as Jest does (:meth:`JestRun.mapped`): the first rule
whose regular expression matches, `$1`… replaced, the first of its names that resolves. The
configuration — `--config`/`-c FILE`,
else jest.config.{js,ts,mjs,cjs,cts,json} in the package's folder, else package.json's "jest"
— gives `testMatch` (globs) or `testRegex` where written as literals; Jest's defaults
otherwise. `roots`, `rootDir`, `testPathIgnorePatterns` and `modulePathIgnorePatterns` (in
the configuration or on the command line, which wins) and the command line's test path
patterns (its words that are no option's value: case-insensitive regular expressions) narrow
them, as `jest --listTests` does. `projects` gives one run per project: an inline object
(its `rootDir` from the root configuration's), or a path or glob naming configuration files
and folders (their jest.config.*, else their package.json's "jest", else Jest's defaults
there); the root configuration's own options do not apply to them. A configuration whose
test patterns are computed, or a project folder without a configuration of its own (Jest
looks above it), is not modelled (:attr:`JestRun.unread` says why).
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
from dataclasses import dataclass
from typing import Callable, Optional

from .bundler import _Reader, _Unread, js_regex
from .computed import RegexLiteral
from .scripts import script_commands, program_words
from .tool_config import depends_on, first_file
from .tsup import read_once

__all__ = ["JestRun", "package_jest_runs", "DEFAULT_TEST_MATCH", "CONFIG_NAMES", "config_loading",
           "dependency_config"]

# (Jest 30's order)
CONFIG_NAMES = ("jest.config.js", "jest.config.ts", "jest.config.mjs", "jest.config.mts", "jest.config.cjs",
                "jest.config.cts", "jest.config.json")
# Jest 30's default testMatch
DEFAULT_TEST_MATCH = ("**/__tests__/**/*.?([mc])[jt]s?(x)", "**/?(*.)+(spec|test).?([mc])[jt]s?(x)")
_VM_MODULES = "--experimental-vm-modules"
_GROUP_REF = re.compile(r"\$(\d+)")
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
    root_dir: str = ""                 # `<rootDir>` (the configuration's folder, or `rootDir`); "": package_dir
    roots: tuple[str, ...] = ("<rootDir>",)  # the folders Jest looks for test files in
    # regular expressions (sources) a test file's path must not match: `testPathIgnorePatterns`
    # (its default: "/node_modules/") and `modulePathIgnorePatterns`, from the configuration or
    # the command line
    ignore: tuple[str, ...] = ("/node_modules/",)
    module_ignore: tuple[str, ...] = ()
    path_patterns: tuple[str, ...] = ()  # the command line's test path patterns (case-insensitive)
    esm_extensions: tuple[str, ...] = ()  # `extensionsToTreatAsEsm` (ES module mode)
    # `moduleNameMapper`: (regular expression source, module names (`<rootDir>` replaced)), in order
    mapper: tuple[tuple[str, tuple[str, ...]], ...] = ()
    mapper_unread: Optional[str] = None  # why `moduleNameMapper` is not read (then none is applied)
    # `setupFiles` and `setupFilesAfterEnv` that are paths (absolute, as written: an extension
    # may be left out): Jest loads them before every test file, as it loads test files
    setup: tuple[str, ...] = ()
    # `globalSetup` and `globalTeardown` that are paths ((option, path)): loaded once, in Jest's
    # own process (its transform compiling them and the project's files they load into CommonJS)
    global_setup: tuple[tuple[str, str], ...] = ()
    # its `transform`: "default" (unset, without a preset: babel-jest), "none" (`{}`: Node loads
    # every file itself), "ts-jest" (ts-jest's CommonJS presets: TypeScript compiled into
    # CommonJS), "ts-jest+js" (the js-with-ts one: JavaScript too), "other"
    transform: str = "default"
    preset_file: Optional[str] = None  # the preset's file read (a project's own is watched)

    tool = "Jest"
    compiles_all = False  # (a file it loads as CommonJS may load ES modules: as Node does)

    def mapped(self, specifier: str) -> Optional[tuple[str, ...]]:
        """The module names Jest's `moduleNameMapper` maps an import's ``specifier`` to (the
        first rule whose regular expression matches it; `$1`… replaced by its groups), to be
        tried in order from the importing file's folder; None where no rule matches."""
        from .bundler import _pattern

        for source, names in self.mapper:
            pattern = _pattern(source, "")
            m = pattern.search(specifier) if pattern is not None else None
            if m is not None:
                groups = (m.group(0),) + m.groups()
                return tuple(_GROUP_REF.sub(lambda g: (groups[int(g.group(1))] or "") if int(g.group(1)) < len(groups)
                                            else "", name) for name in names)
        return None

    def loads_as_esm(self, path: str, package_type: Callable[[str], Optional[str]]) -> bool:
        """Does the run load the file at ``path`` as an ES module? Only in ES module mode, by
        Jest's rule (its `shouldLoadAsEsm`); ``package_type``: the "type" of the package.json
        nearest a file."""
        if not self.esm:
            return False
        ext = os.path.splitext(path)[1]
        if ext in (".mjs", ".cjs"):
            return ext == ".mjs"
        if ext != ".js":
            return ext in self.esm_extensions
        return package_type(path) == "module"

    def commonjs_why(self, path: str) -> str:
        """Why the run loads ``path`` (not :meth:`loads_as_esm`) as CommonJS, in words."""
        if not self.esm:
            return "no `--experimental-vm-modules`"
        ext = os.path.splitext(path)[1]
        if ext == ".js":
            return ("in its ES module mode, a `.js` file is an ES module only under a package.json with "
                    "`\"type\": \"module\"`")
        if ext == ".cjs":
            return "a `.cjs` file"
        return f"in its ES module mode, `{ext}` is not in `extensionsToTreatAsEsm`"

    def tests(self, path: str) -> bool:
        """Is the file at the absolute ``path`` one of the run's test files?"""
        from .bundler import _pattern

        posix = path.replace(os.sep, "/")
        if "/node_modules/" in posix:
            return False  # (Jest's file map leaves node_modules out)
        root = (self.root_dir or self.package_dir).replace(os.sep, "/")
        if not any(posix.startswith(r.replace("<rootDir>", root).rstrip("/") + "/") for r in self.roots):
            return False
        if any(p is not None and p.search(posix) for p in (_pattern(r.replace("<rootDir>", root), "")
                                                            for r in self.ignore + self.module_ignore)):
            return False
        if self.path_patterns and not any(p is not None and p.search(posix)
                                          for p in (_pattern(r, "i") for r in self.path_patterns)):
            return False
        if self.test_regex:
            return any(p is not None and p.search(posix)
                       for p in (_pattern(*r.split("\x00", 1)) for r in self.test_regex))
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
    out: list[JestRun] = []
    for name, words in script_commands(manifest.get("scripts"), "jest"):
        got = _jest_words(words)
        if got is None:
            continue
        args, esm = got
        options = _options(args)
        config = (options.get("config") or [None])[-1]
        for run in _runs(name, package_dir, esm, config, manifest, is_file, read):
            out.append(_with_command_line(run, options, package_dir))
    return out


def config_loading(path: str) -> Optional[str]:
    """How Jest loads its configuration file ``path``, where an async graph only makes it wait:
    Jest 30 require()s it (a TypeScript one by Node's type stripping) and, where that throws
    ERR_REQUIRE_ASYNC_MODULE, imports it with import() (checked with Jest 30.5 on Node 26).
    None for a .cjs/.cts one (its own require() calls throw on both tries) and JSON."""
    name = os.path.basename(path)
    if not name.endswith((".js", ".ts", ".mjs", ".mts")):
        return None
    return (f"Jest loads {name} with require(), and again with import() where a top-level await in its graph "
            f"makes require() throw")


def config_by_node(path: str, package_type: Optional[str], text: Optional[str]) -> bool:
    """Does Node's own loader take Jest's configuration ``path`` (one :func:`config_loading`
    names), so that Node resolves its imports as written? A JavaScript one, yes; a TypeScript
    one where Jest keeps the outcome of trying Node's type stripping first: a .mts one always, a
    .ts one unless its docblock names a loader (`@jest-config-loader`) or its package says
    `"type": "commonjs"` (Node then takes its import syntax for a SyntaxError, and Jest falls
    back to ts-node). Checked with Jest 30.5 on Node 26."""
    if not path.endswith(".ts"):
        return True
    return package_type != "commonjs" and (text is None or "@jest-config-loader" not in text)


def dependency_config(manifest: dict, package_dir: str, is_file: Callable[[str], bool]) -> Optional[str]:
    """The configuration Jest finds in ``package_dir`` where the package has Jest as a
    dependency but no npm script runs it (run as `npx jest`); else None."""
    if not depends_on(manifest, "jest") or \
            any(_jest_words(words) is not None for _, words in script_commands(manifest.get("scripts"), "jest")):
        return None
    name = first_file(package_dir, CONFIG_NAMES, is_file)
    return os.path.join(package_dir, name) if name is not None else None


def _with_command_line(run: JestRun, options: dict[str, list[str]], package_dir: str) -> JestRun:
    """The command line's options win over the configuration's (each project's)."""
    if run.unread is not None:
        return run
    changes: dict = {}
    if "rootDir" in options:
        changes["root_dir"] = os.path.normpath(os.path.join(package_dir, options["rootDir"][-1]))
    root_dir = changes.get("root_dir") or run.root_dir or package_dir
    if "roots" in options:
        changes["roots"] = tuple(_in(r, root_dir) for r in options["roots"])
    if "testPathIgnorePatterns" in options:
        changes["ignore"] = tuple(options["testPathIgnorePatterns"])
    if options.get("patterns"):
        changes["path_patterns"] = tuple(options["patterns"])
    return dataclasses.replace(run, **changes) if changes else run


# Jest's options that take a value (the word after one is not a test path pattern); the
# others are flags
_VALUED = frozenset({
    "-c", "--config", "-w", "--maxWorkers", "-t", "--testNamePattern", "--testTimeout", "--reporters",
    "--coverageReporters", "--coverageDirectory", "--collectCoverageFrom", "--outputFile", "--selectProjects",
    "--ignoreProjects", "--shard", "--seed", "--testEnvironment", "--env", "--setupFiles",
    "--setupFilesAfterEach", "--setupFilesAfterEnv", "--maxConcurrency", "--roots", "--rootDir",
    "--testPathIgnorePatterns", "--testPathPatterns", "--testPathPattern", "--testMatch", "--testRegex",
    "--changedSince", "--coverageProvider", "--globalSetup", "--globalTeardown", "--testRunner",
    "--testSequencer", "--transform", "--moduleNameMapper", "--modulePaths", "--moduleDirectories",
    "--cacheDirectory", "--filter", "--logHeapUsage", "--notifyMode", "--projects", "--runner",
    "--snapshotSerializers", "--workerIdleMemoryLimit", "--workerThreads", "--testFailureExitCode",
    "--coverageThreshold", "--displayName", "--preset", "--resolver", "--openHandlesTimeout",
})
# options that are lists (several words after them, up to the next option)
_LISTS = frozenset({"--roots", "--testPathIgnorePatterns", "--testPathPatterns", "--testPathPattern",
                    "--testMatch", "--reporters", "--coverageReporters", "--collectCoverageFrom",
                    "--selectProjects", "--ignoreProjects", "--setupFiles", "--setupFilesAfterEnv",
                    "--projects", "--modulePaths", "--moduleDirectories", "--snapshotSerializers"})


def _options(args: list[str]) -> dict[str, list[str]]:
    """Jest's command line: {"config": […], "roots": […], "testPathIgnorePatterns": […],
    "patterns": the test path patterns (words that are no option's value, and
    `--testPathPatterns`)}."""
    out: dict[str, list[str]] = {}
    i = 0
    while i < len(args):
        w = args[i]
        name, eq, value = w.partition("=")
        if w.startswith("-") and name in _VALUED:
            key = {"-c": "config", "--config": "config", "--testPathPattern": "patterns",
                   "--testPathPatterns": "patterns"}.get(name, name.lstrip("-"))
            if eq:
                out.setdefault(key, []).append(value)
                i += 1
                continue
            i += 1
            while i < len(args) and not args[i].startswith("-"):
                out.setdefault(key, []).append(args[i])
                i += 1
                if name not in _LISTS:
                    break
            continue
        if not w.startswith("-"):
            out.setdefault("patterns", []).append(w)
        i += 1
    return out


def _in(path: str, root_dir: str) -> str:
    """A folder option (`roots`) as Jest takes it: `<rootDir>` kept, else relative to the
    root folder."""
    if path.startswith("<rootDir>"):
        return path
    return os.path.normpath(os.path.join(root_dir, path)).replace(os.sep, "/")


def _runs(script: str, package_dir: str, esm: bool, config: Optional[str], manifest: dict,
          is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]) -> list[JestRun]:
    """The run's configuration: one, or one per project of its `projects`."""
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
            return [JestRun(script, package_dir, esm, config=path, unread="it cannot be read")]
        return [JestRun(script, package_dir, esm)]
    got = _load(path, text, read)
    rel = os.path.relpath(path, package_dir) if path is not None else "--config"
    if isinstance(got, str):
        return [JestRun(script, package_dir, esm, config=path, unread=f"{rel}: {got}")]
    base = os.path.dirname(path) if path is not None else package_dir  # (`rootDir`'s default)
    if got.get("projects") is None:
        return [_make(script, package_dir, esm, path, got, base, is_file, read)]
    root_dir = os.path.normpath(os.path.join(base, got["rootDir"])) if got.get("rootDir") is not None else base
    out: list[JestRun] = []
    for kind, value in got["projects"]:
        if kind == "inline":  # (an object: its rootDir relative to the root configuration's)
            out.append(_make(script, package_dir, esm, path, value, root_dir, is_file, read))
            continue
        for project in _project_paths(value, root_dir):
            out.append(_project(script, package_dir, esm, project, is_file, read))
    return out


def _project_paths(pattern: str, root_dir: str) -> list[str]:
    """The folders and configuration files a `projects` entry names (a glob, expanded)."""
    from wcmatch import glob as wcglob

    pattern = pattern.replace("<rootDir>", root_dir)
    if not os.path.isabs(pattern):
        pattern = os.path.join(root_dir, pattern)
    pattern = os.path.normpath(pattern)
    if not _GLOB.search(pattern):
        return [pattern]
    # (node_modules is not walked: no project lives there, and a `**` would read all of it)
    found = wcglob.glob(pattern, flags=wcglob.GLOBSTAR | wcglob.BRACE | wcglob.EXTGLOB,
                        exclude=[os.path.join(os.sep, "**", "node_modules"),
                                 os.path.join(os.sep, "**", "node_modules", "**")])
    # (Jest leaves out the files that are no configuration it could load)
    return sorted(p for p in found if os.path.isdir(p) or p.endswith(_CONFIG_EXTENSIONS))


_GLOB = re.compile(r"[*?[{]")
_CONFIG_EXTENSIONS = (".js", ".ts", ".mjs", ".cjs", ".cts", ".json")


def _project(script: str, package_dir: str, esm: bool, project: str, is_file: Callable[[str], bool],
             read: Callable[[str], Optional[str]]) -> JestRun:
    """A project named by a path: a configuration file, or a folder with its jest.config.*, or
    a package.json (its "jest", else Jest's defaults there)."""
    rel = os.path.relpath(project, package_dir)
    if is_file(project):
        path: Optional[str] = project
        text = read(project)
        if project.endswith("package.json"):
            data = _json(text)
            text = json.dumps(data.get("jest") if isinstance(data, dict) and isinstance(data.get("jest"), dict)
                              else {})
    else:
        path = next((os.path.join(project, n) for n in CONFIG_NAMES if is_file(os.path.join(project, n))), None)
        text = read(path) if path is not None else None
        if path is None and is_file(os.path.join(project, "package.json")):
            data = _json(read(os.path.join(project, "package.json")))
            path = os.path.join(project, "package.json")
            text = json.dumps(data.get("jest") if isinstance(data, dict) and isinstance(data.get("jest"), dict)
                              else {})
        elif path is None:
            return JestRun(script, package_dir, esm, config=project,
                           unread=f"project {rel}: it has no configuration of its own (Jest looks above it)")
    if text is None:
        return JestRun(script, package_dir, esm, config=path, unread=f"project {rel}: it cannot be read")
    got = _load(path, text, read)
    if isinstance(got, str):
        return JestRun(script, package_dir, esm, config=path, unread=f"{os.path.relpath(path or project, package_dir)}: "
                                                                     f"{got}")
    if got.get("projects") is not None:
        return JestRun(script, package_dir, esm, config=path, unread=f"project {rel}: it has projects of its own")
    return _make(script, package_dir, esm, path, got, os.path.dirname(path) if path is not None else project,
                 is_file, read)


def _json(text: Optional[str]):
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def _load(path: Optional[str], text: str, read: Callable[[str], Optional[str]]):
    return read_once("jest", path or "", text, lambda: _read(path, text, read), lambda why: why, read)


def _make(script: str, package_dir: str, esm: bool, path: Optional[str], got: dict, base: str,
          is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]) -> JestRun:
    """The run of one configuration's options (``base``: where its `rootDir` starts), over its
    `preset`'s."""
    root_dir = os.path.normpath(os.path.join(base, got["rootDir"])) if got.get("rootDir") is not None else base
    if got.get("preset") is not None:
        preset = _preset(got["preset"], root_dir, is_file, read)
        if isinstance(preset, dict):
            got = _over_preset(got, preset)
        elif esm and got["extensionsToTreatAsEsm"] is None:
            rel = os.path.relpath(path, package_dir) if path is not None else "--config"
            return JestRun(script, package_dir, esm, config=path,
                           unread=f"{rel}: its `preset` may set `extensionsToTreatAsEsm` ({preset})")
    return JestRun(script, package_dir, esm, got["testMatch"] or DEFAULT_TEST_MATCH if not got["testRegex"] else (),
                   got["testRegex"], path, root_dir=root_dir,
                   roots=tuple(_in(r, root_dir) for r in got["roots"]) if got["roots"] is not None else ("<rootDir>",),
                   ignore=got["testPathIgnorePatterns"] if got["testPathIgnorePatterns"] is not None
                   else ("/node_modules/",),
                   module_ignore=got["modulePathIgnorePatterns"] or (),
                   esm_extensions=got["extensionsToTreatAsEsm"] or (),
                   mapper=tuple((source, tuple(_root_dir_in(n, root_dir) for n in names))
                                for source, names in got["moduleNameMapper"]) if got["moduleNameMapper"] else (),
                   mapper_unread=got.get("mapperUnread"), preset_file=got.get("presetFile"),
                   setup=tuple(os.path.normpath(os.path.join(root_dir, _root_dir_in(f, root_dir)))
                               for f in (got.get("setupFiles") or ()) + (got.get("setupFilesAfterEnv") or ())
                               if _is_path(f)),
                   global_setup=tuple((k, os.path.normpath(os.path.join(root_dir, _root_dir_in(got[k], root_dir))))
                                      for k in _GLOBAL_OPTIONS if isinstance(got.get(k), str) and _is_path(got[k])),
                   transform=_transform_of(got))


# ts-jest's presets (29.4: its `presets` module, whose values are computed by its code): what
# they set that Jest's view of a file depends on, `extensionsToTreatAsEsm` (their `transform`
# compiles TypeScript, as Jest's mode asks)
_TS_JEST_ESM = {"default-esm": (".ts", ".tsx", ".mts"), "js-with-ts-esm": (".jsx", ".ts", ".tsx", ".mts"),
                "js-with-babel-esm": (".jsx", ".ts", ".tsx", ".mts")}
_TS_JEST_PRESETS = {"ts-jest": ()} | {
    f"ts-jest/presets/{name}{legacy}": _TS_JEST_ESM.get(name, ())
    for name in ("default", "default-esm", "js-with-ts", "js-with-ts-esm", "js-with-babel", "js-with-babel-esm")
    for legacy in ("", "-legacy")}
_PRESET_EXTENSIONS = (".json", ".js", ".cjs", ".mjs")


def _preset(name: str, root_dir: str, is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]):
    """The options of the preset ``name`` as Jest finds it from ``root_dir`` (a path starting
    with `.`: that file; else `NAME/jest-preset` with .json, .js, .cjs, .mjs, from the
    node_modules folders up), read as a configuration is (JSON, or a JavaScript object of
    literals); ts-jest's by what they set. Else why it is not read (a string)."""
    name = name.replace("<rootDir>", root_dir)
    if name in _TS_JEST_PRESETS:
        # (their `transform`: ts-jest for TypeScript — for JavaScript too in the js-with-ts ones,
        # Babel's in the js-with-babel ones —, into CommonJS but in the -esm ones)
        kind = "other" if name.removesuffix("-legacy").endswith("-esm") or "js-with-babel" in name else \
            "ts-jest+js" if "js-with-ts" in name else "ts-jest"
        return {"extensionsToTreatAsEsm": _TS_JEST_PRESETS[name], "transformKind": kind}
    if name.startswith("."):
        candidates = [os.path.normpath(os.path.join(root_dir, name))]
        candidates += [candidates[0] + e for e in _PRESET_EXTENSIONS]
    else:
        candidates = []
        d = root_dir
        while True:
            stem = os.path.join(d, "node_modules", name, "jest-preset") if not os.path.isabs(name) else \
                os.path.join(name, "jest-preset")
            candidates += [stem + e for e in _PRESET_EXTENSIONS]
            up = os.path.dirname(d)
            if up == d or os.path.isabs(name):
                break
            d = up
    found = next((c for c in candidates if is_file(c)), None)
    text = read(found) if found is not None else None
    if text is None:
        return f"the preset `{name}` is not found"
    got = _load(found, text, read)
    if isinstance(got, str):
        return f"its preset {os.path.basename(os.path.dirname(found))}/{os.path.basename(found)}: {got}"
    if got.get("projects") is not None:
        return f"the preset `{name}` has projects"
    return {**got, "presetFile": found}


def _over_preset(got: dict, preset: dict) -> dict:
    """A configuration's options over its preset's, as Jest merges them: the configuration's
    where set (the preset's `setupFiles`, `setupFilesAfterEnv` and `modulePathIgnorePatterns`
    before its own, its `moduleNameMapper` rules after the configuration's)."""
    out = dict(got)
    for key, value in preset.items():
        if key in ("preset", "projects", "rootDir") or value is None:
            continue
        own = got.get(key)
        if own is None or (key == "testRegex" and not own):  # (an unset testRegex reads as ())
            out[key] = value
        elif key in _SETUP_OPTIONS or key == "modulePathIgnorePatterns":
            out[key] = tuple(value) + tuple(own)
        elif key == "moduleNameMapper":
            keys = {k for k, _ in own}
            out[key] = list(own) + [(k, v) for k, v in value if k not in keys]
    return out


def _is_path(name: str) -> bool:
    """A setup file named by a path (not a package, which is not the project's)."""
    return name.startswith(("<rootDir>", ".", "/"))


def _root_dir_in(name: str, root_dir: str) -> str:
    """A module name (mapped, or a setup file's) with a leading `<rootDir>` made a path, as
    Jest does."""
    if not name.startswith("<rootDir>"):
        return name
    return os.path.normpath(os.path.join(root_dir, "./" + name[len("<rootDir>"):]))


_LIST_OPTIONS = ("testMatch", "roots", "testPathIgnorePatterns", "modulePathIgnorePatterns", "extensionsToTreatAsEsm")
# read where written as literals, else left out (the run is read all the same)
_SETUP_OPTIONS = ("setupFiles", "setupFilesAfterEnv")
_GLOBAL_OPTIONS = ("globalSetup", "globalTeardown")
_TRANSFORMS = {"babel": "default", "ts-jest": "ts-jest", "ts-jest+js": "ts-jest+js"}


def _read(path: Optional[str], text: str, read: Callable[[str], Optional[str]]):
    """{"testMatch": globs, "testRegex": sources + "\\x00" + flags, "roots", the ignore
    patterns (None: not set), "rootDir"}, or why not read."""
    if path is None or path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return "it is not JSON"
        if not isinstance(data, dict):
            return "it is not an object"
        return _options_of(data)
    reader = _Reader(path, text, read)
    configs = reader._configs()
    if len(configs) != 1:
        return "its configuration is not an object literal"
    return _options_in(reader, configs[0])


def _options_of(data: dict, top: bool = True):
    """The options of a configuration written as JSON (or an inline project's)."""
    out: dict = {}
    projects = data.get("projects") if top else None
    if projects is not None:
        if not isinstance(projects, list) or not all(isinstance(p, (str, dict)) for p in projects):
            return "`projects` is not a list of paths and objects"
        out["projects"] = []
        for p in projects:
            if isinstance(p, dict):
                inner = _options_of(p, top=False)
                if isinstance(inner, str):
                    return inner
                out["projects"].append(("inline", inner))
            else:
                out["projects"].append(("path", p))
    for key in (*_LIST_OPTIONS, "testRegex"):
        value = data.get(key)
        if isinstance(value, (str, RegexLiteral)):
            value = [value]
        # (a regular expression literal: `testRegex` in a JavaScript configuration)
        kinds = (str, RegexLiteral) if key == "testRegex" else str
        if value is not None and not (isinstance(value, list) and all(isinstance(m, kinds) for m in value)):
            return f"`{key}` is not a string or a list of strings"
        out[key] = tuple(value) if value is not None else None
    for r in out["testRegex"] or ():
        if isinstance(r, RegexLiteral):
            try:
                js_regex(*r)
            except ValueError as e:
                return f"its `testRegex` has {e}"
    out["testRegex"] = tuple("\x00".join(r) if isinstance(r, RegexLiteral) else r + "\x00"
                             for r in out["testRegex"] or ())
    mapper = data.get("moduleNameMapper")
    out["moduleNameMapper"] = None
    if isinstance(mapper, dict) and all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
                                        for v in mapper.values()):
        out["moduleNameMapper"] = [(k, (v,) if isinstance(v, str) else tuple(v)) for k, v in mapper.items()]
        bad = next((k for k in mapper if _pattern_of(k) is None), None)
        if bad is not None:
            out["moduleNameMapper"], out["mapperUnread"] = None, f"its regular expression `{bad}` is not read"
    elif mapper is not None:
        out["mapperUnread"] = data.get("mapperUnread") or "it is not an object of strings"
    elif data.get("mapperUnread"):
        out["mapperUnread"] = data["mapperUnread"]
    for key in _SETUP_OPTIONS:
        value = data.get(key)
        out[key] = tuple(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else None
    for key in ("rootDir", "preset"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            return f"`{key}` is not a string"
        out[key] = value
    for key in _GLOBAL_OPTIONS:  # (a computed one: left out)
        out[key] = data.get(key) if isinstance(data.get(key), str) else None
    # (`{}`; "babel", "ts-jest", "ts-jest+js" for a transform by babel-jest or ts-jest alone; else "?")
    out["transform"] = _transform_kind(data.get("transform"))
    return out


def _transform_of(got: dict) -> str:
    """JestRun.transform of a configuration's options (over its preset's)."""
    transform = got.get("transform")
    if transform == {}:
        return "none"
    if transform is not None:
        return _TRANSFORMS.get(transform, "other") if isinstance(transform, str) else "other"
    return got.get("transformKind") or ("other" if got.get("preset") is not None else "default")


def _transform_kind(transform: object):
    """A configuration's `transform`, for how Jest's own process loads its global hooks: None
    (unset), {} (none), "babel" (babel-jest for every pattern), "ts-jest" / "ts-jest+js" (ts-jest
    for every pattern, into CommonJS — `useESM` not set —, JavaScript too for "+js"), "?"."""
    if transform is None or transform == {}:
        return transform
    if not isinstance(transform, dict):
        return "?"
    names = set()
    js = False
    for pattern, value in transform.items():
        name, opts = (value, {}) if isinstance(value, str) else \
            (value[0], value[1] if len(value) > 1 else {}) if isinstance(value, list) and value else (None, None)
        if name not in ("babel-jest", "ts-jest") or not isinstance(opts, dict) or opts.get("useESM"):
            return "?"
        rx = _pattern_of(pattern)
        if rx is None:
            return "?"
        js = js or bool(rx.search("/x/a.js"))
        names.add(name)
    if names == {"babel-jest"}:
        return "babel"
    if names == {"ts-jest"}:
        return "ts-jest+js" if js else "ts-jest"
    return "?"


def _pattern_of(source: str):
    from .bundler import _pattern

    return _pattern(source, "")


def _options_in(reader: _Reader, cfg):
    """The options of a configuration object of a JavaScript file, as data (written as
    literals: :meth:`literal`), read as a JSON configuration's are."""
    data: dict = {}
    try:
        projects = reader._prop(cfg, "projects")
        if projects is not None and projects.type != "array":
            return "`projects` is not an array literal"
        for key in ("projects", *_LIST_OPTIONS, "testRegex", "rootDir"):
            node = reader._prop(cfg, key)
            if node is not None:
                data[key] = reader.literal(node)
        for key in (*_SETUP_OPTIONS, *_GLOBAL_OPTIONS, "transform"):
            node = reader._prop(cfg, key)
            if node is not None:
                try:
                    data[key] = reader.literal(node)
                except _Unread:
                    data[key] = None if key != "transform" else "?"  # (computed: left out)
        node = reader._prop(cfg, "moduleNameMapper")
        if node is not None:  # (computed — ts-jest's pathsToModuleNameMapper(…) — is no mapping read)
            try:
                data["moduleNameMapper"] = reader.literal(node)
            except _Unread as e:
                data["mapperUnread"] = str(e)
        node = reader._prop(cfg, "preset")
        if node is not None:  # (only whether there is one matters: a computed name is one too)
            try:
                data["preset"] = str(reader.literal(node))
            except _Unread:
                data["preset"] = "?"
    except _Unread as e:
        return str(e)
    return _options_of(data)
