"""The files a package's npm scripts run with plain ``node`` (read, never run).

Node (≥ 22.18, 23.6) runs TypeScript files itself by *type stripping*: it blanks out the types
and keeps every import as written (no elision: ``import { helper }`` never used, or
``import { type T }``, still loads the module — checked with Node 26). Which TypeScript files
Node runs is known from the commands that start it; this module reads the ``scripts`` of a
package.json for ``node [options] FILE`` and gives the files.

A command counts when its program is ``node`` (or ``nodemon`` running a JavaScript file; after
``VAR=value`` assignments, ``env``,
``cross-env`` or ``dotenv --``), it does not evaluate code given on the command line
(``-e``/``-p``), it does not turn type stripping off, and it loads no module that may compile
TypeScript itself (``--import tsx``, ``-r ts-node/register``, ``--loader @swc-node/…``: those
elide imports as TypeScript does). A module of the project that ``--import`` or ``-r``
preloads runs too. ``node --test a.ts b.ts`` runs each file named, ``node --test
"src/**/*.test.ts"`` the files a glob matches, and ``node --test`` alone the files of Node's
default patterns (:data:`NODE_TEST_DEFAULTS`); the globs are given back for the caller to match
against the package's files (outside node_modules and dot-folders). The package's ``bin`` files
count when their ``#!`` line runs ``node`` the same way (``#!/usr/bin/env node``,
``#!/usr/bin/env -S node --flag``). Commands are split at ``&&``, ``||``, ``;``, ``|`` and
``&``; the script text is split into words by :mod:`shlex` (POSIX shell quoting).
"""
from __future__ import annotations

import functools
import os
import re
import shlex
from dataclasses import dataclass
from typing import Callable, Iterator

__all__ = ["split_options", "compiled_files", "program_words", "node_script_files", "node_bin_files", "bin_files", "package_node_runs", "NodeRun",
           "BunRun", "BUN_CONDITIONS", "package_bun_runs", "bun_test_runs", "bunfig_error", "node_conditions", "script_conditions",
           "first_line", "read_first_line", "NODE_TEST_DEFAULTS"]

_EXTS = "{cjs,mjs,js,cts,mts,ts}"
# what `node --test` runs without file arguments (type stripping on; checked with Node 26)
NODE_TEST_DEFAULTS = tuple(p + _EXTS for p in (
    "**/*.test.", "**/*-test.", "**/*_test.", "**/test-*.", "**/test.", "**/test/**/*."))
_GLOB_CHARS = frozenset("*?[{")

_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&"})
# node options whose value is the next word (when not written `--opt=value`)
_VALUED = frozenset({
    "-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
    "--input-type", "--env-file", "--env-file-if-exists", "--title", "--watch-path",
    "--test-reporter", "--test-reporter-destination", "--test-name-pattern",
    "--test-skip-pattern", "--test-concurrency", "--test-timeout", "--test-shard",
    "--inspect-port", "--debug-port", "--redirect-warnings", "--openssl-config", "--icu-data-dir",
    "--disable-warning", "--localstorage-file", "--secure-heap", "--secure-heap-min",
    "--heapsnapshot-signal", "--diagnostic-dir", "--report-dir", "--report-directory",
    "--report-filename", "--report-signal", "--cpu-prof-dir", "--cpu-prof-name",
    "--heap-prof-dir", "--heap-prof-name", "--stack-trace-limit", "--experimental-config-file",
    "--trace-event-categories", "--trace-event-file-pattern", "--unhandled-rejections",
    "--dns-result-order", "--max-http-header-size", "--policy-integrity", "--experimental-policy",
    "--snapshot-blob", "--watch-kill-signal", "--run",
})
_LOADERS = frozenset({"-r", "--require", "--import", "--loader", "--experimental-loader"})
# a preloaded module that may compile TypeScript (and so elide imports as TypeScript does)
_COMPILER = re.compile(r"ts-node|tsx|tsimp|@swc|swc-node|esbuild|babel|sucrase|jiti|@oxc|"
                       r"ts-blank|typescript", re.IGNORECASE)
_NO_CODE = frozenset({"-e", "--eval", "-p", "--print", "-i", "--interactive", "-c", "--check",
                      "-v", "--version", "-h", "--help", "--run", "--v8-options"})
_WRAPPERS = frozenset({"env", "cross-env", "cross-env-shell"})


def _commands(text: str) -> Iterator[list[str]]:
    lex = shlex.shlex(text, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    lex.commenters = ""
    words: list[str] = []
    try:
        for w in lex:
            if w in _SEPARATORS:
                if words:
                    yield words
                words = []
            elif w in ("(", ")", "{", "}"):
                continue
            else:
                words.append(w)
    except ValueError:  # unbalanced quotes: what was read so far
        pass
    if words:
        yield words


def script_commands(scripts: object, *needles: str) -> Iterator[tuple[str, list[str]]]:
    """(script name, the words of one of its commands) for each npm script of ``scripts`` (a
    package.json's "scripts" value) whose text mentions one of ``needles``."""
    if not isinstance(scripts, dict):
        return
    for name, text in scripts.items():
        if isinstance(name, str) and isinstance(text, str) and any(n in text for n in needles):
            for words in _commands(text):
                yield name, words


def _program(words: list[str]) -> list[str]:
    """``words`` from the program on: assignments and env wrappers skipped."""
    i = 0
    while i < len(words):
        w = words[i]
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w):
            i += 1
        elif os.path.basename(w) in _WRAPPERS:
            i += 1
            while i < len(words) and words[i].startswith("-") and words[i] != "--":
                i += 1  # env's own options (-u NAME is rare: not handled)
        elif os.path.basename(w) == "dotenv":
            # dotenv-cli: `dotenv [options] -- command`
            rest = words[i + 1:]
            if "--" not in rest:
                return []
            i = i + 1 + rest.index("--") + 1
        else:
            return words[i:]
    return []


# package runners: `npx tsup`, `pnpm exec jest`, `yarn vite build` (their own subcommand words)
_RUNNERS = {"npx": (), "bunx": (), "yarn": (), "pnpm": ("exec", "dlx"), "npm": ("exec",)}


def program_words(words: list[str], programs: tuple[str, ...]) -> "list[str] | None":
    """The words of one command from its program on, when the program is one of ``programs``
    (by name): assignments, env wrappers (:func:`_program`) and package runners with their
    own flags skipped. None when it runs another program."""
    words = _program(words)
    while words and os.path.basename(words[0]) in _RUNNERS:
        sub = _RUNNERS[os.path.basename(words[0])]
        words = words[1:]
        while words and words[0].startswith("-"):
            words = words[1:]  # (the runner's own flags: `npx --yes`)
        if words and words[0] in sub:
            words = words[1:]
        while words and words[0].startswith("-"):
            words = words[1:]
    if words and os.path.basename(words[0]) in programs:
        return words
    return None


# preloads known not to hook module resolution
_PLAIN_PRELOADS = frozenset({"dotenv/config", "dotenv/config.js", "@dotenvx/dotenvx/config",
                             "source-map-support/register", "source-map-support/register.js"})


def _node_files(words: list[str]) -> list[str]:
    """The files one ``node …`` command runs (as written), or none."""
    return _node_command(words)[0]


def _node_command(words: list[str]) -> tuple[list[str], bool]:
    """(the files one ``node …`` command runs, as written, or none; whether Node resolves
    their imports as it does by itself: no loader, no preload that may register resolution
    hooks — `module.register()` in a project's `--import ./hooks.mjs`, a package's)."""
    mon = program_words(words, ("nodemon",))  # (also `npx nodemon`)
    if mon is not None:
        return _nodemon(mon)
    words = _program(words)
    if not words or os.path.basename(words[0]) not in ("node", "node.exe"):
        return [], True
    plain = True
    preloads: list[str] = []
    test = False
    i = 1
    while i < len(words):
        w = words[i]
        if w == "--":
            i += 1
            break
        if not w.startswith("-") or w == "-":
            break
        name, eq, value = w.partition("=")
        if name in _NO_CODE or name in ("--no-experimental-strip-types", "--no-strip-types"):
            return [], True
        if name in _VALUED and not eq:
            if i + 1 >= len(words):
                return [], True
            value = words[i + 1]
            i += 1
        if name in _LOADERS:
            if _COMPILER.search(value):
                return [], True
            if value.startswith(("./", "../", "/")):
                preloads.append(value)  # (a file of the project: Node runs it too)
            if name in ("--loader", "--experimental-loader") or value not in _PLAIN_PRELOADS:
                plain = False
        if name == "--test":
            test = True
        i += 1
    rest = words[i:]
    if test:
        files = [w for w in rest if not w.startswith("-")]
        return preloads + (files or list(NODE_TEST_DEFAULTS)), plain
    if not rest:
        return [], True
    return preloads + [rest[0]], plain  # (the rest are the program's own arguments)


# nodemon's options with a value as the next word
_NODEMON_VALUED = frozenset({"-e", "--ext", "-w", "--watch", "-i", "--ignore", "-x", "--exec", "--delay", "-d",
                             "--signal", "-s", "--config", "--cwd", "-P", "--polling-interval"})


def _nodemon(words: list[str]) -> tuple[list[str], bool]:
    """`nodemon [options] FILE`: Node runs a JavaScript FILE (nodemon restarts it on changes);
    a TypeScript one goes to ts-node (nodemon's default `execMap`), `--exec` to another
    program: none."""
    i = _operand(words, 1, _NODEMON_VALUED, frozenset({"-x", "--exec"}))
    if i is None or i >= len(words) or words[i].endswith((".ts", ".mts", ".cts", ".tsx")):
        return [], True
    return [words[i]], True


def _operand(words: list[str], i: int, valued: frozenset, stop: frozenset = frozenset()) -> "int | None":
    """The index of the first word from ``i`` on that is neither an option nor an option's
    value (``valued``: the options whose value is the next word; after `--`, the next word);
    None where an option of ``stop`` comes first."""
    while i < len(words):
        w = words[i]
        if w == "--":
            return i + 1
        if not w.startswith("-"):
            return i
        name, eq, _ = w.partition("=")
        if name in stop:
            return None
        if name in valued and not eq:
            i += 1
        i += 1
    return i


def node_conditions(words: list[str]) -> tuple[str, ...]:
    """The export conditions one ``node …`` (or ``tsx …``, which passes them on) command adds to
    Node's (``-C name``, ``--conditions=name``, also in a ``NODE_OPTIONS=…`` assignment before
    it), in order."""
    prog = program_words(words, ("node", "node.exe", "tsx"))
    if not prog:
        return ()
    if os.path.basename(prog[0]) == "tsx" and len(prog) > 1 and prog[1] == "watch":
        prog = prog[1:]
    options: list[str] = []
    for w in words[:len(words) - len(prog)]:
        if w.startswith("NODE_OPTIONS="):
            try:
                options += shlex.split(w[len("NODE_OPTIONS="):])
            except ValueError:
                pass
    i = 1
    while i < len(prog) and prog[i].startswith("-") and prog[i] != "--":
        options.append(prog[i])
        if prog[i] in _VALUED and i + 1 < len(prog):
            options.append(prog[i + 1])
            i += 1
        i += 1
    out: list[str] = []
    for k, w in enumerate(options):
        name, eq, value = w.partition("=")
        if w == "-C" or name == "--conditions":  # (node refuses `-C=name`)
            if not eq:
                value = options[k + 1] if k + 1 < len(options) else ""
            if value and value not in out:
                out.append(value)
    return tuple(out)


def node_script_files(scripts: object, package_dir: str,
                      is_file: Callable[[str], bool] = os.path.isfile,
                      globs: "list[tuple[str, str]] | None" = None,
                      plain: "set[str] | None" = None,
                      conditions: "dict[str, tuple[str, ...]] | None" = None) -> list[tuple[str, str]]:
    """(script name, absolute file) for each existing file a script of ``scripts`` (a
    package.json's "scripts" value) runs with ``node``; paths are relative to
    ``package_dir``, where npm runs scripts. The globs of ``node --test`` go to ``globs``
    (script name, pattern relative to ``package_dir``), when given; the files a command runs
    without resolution hooks (:func:`_node_command`) to ``plain``, when given; the export
    conditions a command adds (:func:`node_conditions`) to ``conditions`` (by file, and by
    script name for its globs), when given."""
    out: list[tuple[str, str]] = []
    if not isinstance(scripts, dict):
        return out
    seen: set[str] = set()
    for name, words in script_commands(scripts, "node"):
        files, unhooked = _node_command(words)
        conds = node_conditions(words) if conditions is not None and files else ()
        if conds:
            conditions.setdefault(name, conds)
        for f in files:
            if _GLOB_CHARS.intersection(f):
                if globs is not None and (name, f) not in globs:
                    globs.append((name, f[2:] if f.startswith("./") else f))
                continue
            path = _main_file(os.path.normpath(os.path.join(package_dir, f)), is_file)
            if path is not None and unhooked and plain is not None:
                plain.add(path)
            if path is not None and conds:
                conditions.setdefault(path, conds)
            if path is not None and path not in seen:
                seen.add(path)
                out.append((name, path))
    return out


def _main_file(path: str, is_file: Callable[[str], bool]) -> "str | None":
    """The file ``node path`` runs: ``path`` itself, else as CommonJS finds a main module
    (``path.js``, ``path/index.js``; Node adds no TypeScript extension)."""
    for candidate in (path, path + ".js", os.path.join(path, "index.js")):
        if is_file(candidate):
            return candidate
    return None


def _shebang_words(line: str) -> list[str]:
    """The command a ``#!`` ``line`` runs, as words (`#!/usr/bin/env -S node --flag` ->
    ["node", "--flag"]); [] for a line that is not one."""
    if not line.startswith("#!"):
        return []
    words = line[2:].split()
    if words and os.path.basename(words[0]) == "env":
        words = words[1:]
        if words and words[0] in ("-S", "--split-string"):
            words = words[1:]
    return words


def _shebang_runs_node(line: str, file: str, unhooked: bool = False) -> bool:
    """Does the ``#!`` ``line`` of ``file`` run it with plain node (and, with ``unhooked``,
    without resolution hooks)?"""
    words = _shebang_words(line)
    if not words:
        return False
    files, plain = _node_command(words + [file])
    return files == [file] and (plain or not unhooked)


def bin_files(bin_field: object, package_dir: str) -> list[tuple[str, str]]:
    """(command name, absolute file) for each file of a package.json's "bin"."""
    if isinstance(bin_field, str):
        items = [("bin", bin_field)]
    elif isinstance(bin_field, dict):
        items = [(k, v) for k, v in bin_field.items() if isinstance(k, str) and isinstance(v, str)]
    else:
        return []
    return [(name, os.path.normpath(os.path.join(package_dir, rel))) for name, rel in items]


def node_bin_files(bin_field: object, package_dir: str,
                   first_line: Callable[[str], "str | None"]) -> list[tuple[str, str]]:
    """(command name, absolute file) for each file of a package.json's "bin" whose ``#!``
    line runs it with node. ``first_line(path)``: the file's first line, or None."""
    out: list[tuple[str, str]] = []
    for name, path in bin_files(bin_field, package_dir):
        line = first_line(path)
        if line is not None and _shebang_runs_node(line, path):
            out.append((name, path))
    return out


def first_line(data: bytes) -> str:
    """The first line of a file's bytes (of its first 512)."""
    return data[:512].split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")


def read_first_line(path: str) -> "str | None":
    """The first line of the file at ``path``, or None when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return first_line(f.read(512))
    except OSError:
        return None


@dataclass(frozen=True)
class NodeRun:
    """A file a package runs with node."""
    how: str   # "script" (an npm script) or "bin" (a command whose `#!` line runs node)
    name: str  # the script's or the command's name
    file: str  # absolute
    plain: bool = True  # run without resolution hooks (:func:`_node_command`)
    conditions: "tuple[str, ...]" = ()  # export conditions added (`--conditions`)


def package_node_runs(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                      first_line: Callable[[str], "str | None"]) -> tuple[list[NodeRun], list[tuple[str, str]]]:
    """What the package.json ``manifest`` of ``package_dir`` runs with node: the files of its
    scripts and `bin` commands, and the globs of its `node --test` scripts (script name,
    pattern relative to ``package_dir``), for the caller to match."""
    globs: list[tuple[str, str]] = []
    plain: set[str] = set()
    conds: dict[str, tuple[str, ...]] = {}
    runs = [NodeRun("script", name, f, f in plain, conds.get(f, ()))
            for name, f in node_script_files(manifest.get("scripts"), package_dir, is_file, globs, plain, conds)]
    for name, f in node_bin_files(manifest.get("bin"), package_dir, first_line):
        line = first_line(f) or ""
        runs.append(NodeRun("bin", name, f, _shebang_runs_node(line, f, unhooked=True),
                            node_conditions(_shebang_words(line))))
    return runs, globs


def script_conditions(scripts: object) -> "dict[str, tuple[str, ...]]":
    """Script name -> the export conditions its (first such) ``node`` command adds."""
    out: dict[str, tuple[str, ...]] = {}
    for name, words in script_commands(scripts, "-C", "--conditions", "NODE_OPTIONS"):
        conds = node_conditions(words)
        if conds:
            out.setdefault(name, conds)
    return out


# tsx's options with a value as the next word (its own; node's are in _VALUED)
_TSX_VALUED = frozenset({"--tsconfig", "--include", "--exclude", "--ignore"}) | _VALUED
_TSX_PRELOADS = re.compile(r"^tsx(?:/(?:cjs|esm)(?:/api)?)?$")


def _tsx_file(words: list[str]) -> "str | None":
    """The file one command runs with tsx (`tsx [watch] FILE`, `node --import tsx FILE`,
    `node -r tsx/cjs FILE`), as written; None when it runs none."""
    words = program_words(words, ("node", "node.exe", "tsx"))
    if not words:
        return None
    prog = os.path.basename(words[0])
    if prog in ("node", "node.exe"):
        loads = False
        i = 1
        while i < len(words):
            w = words[i]
            if not w.startswith("-") or w == "--":
                break
            name, eq, value = w.partition("=")
            if name in _NO_CODE:
                return None
            if name in _VALUED and not eq:
                value = words[i + 1] if i + 1 < len(words) else ""
                i += 1
            if name in _LOADERS and _TSX_PRELOADS.match(value):
                loads = True
            i += 1
        rest = [w for w in words[i:] if w != "--"]
        return rest[0] if loads and rest else None
    if prog != "tsx":
        return None
    i = _operand(words, 2 if len(words) > 1 and words[1] == "watch" else 1, _TSX_VALUED, _NO_CODE)
    return words[i] if i is not None and i < len(words) else None


def tsx_script_files(scripts: object, package_dir: str,
                     is_file: Callable[[str], bool] = os.path.isfile) -> list[tuple[str, str]]:
    """(script name, absolute file) for each existing file a script of ``scripts`` runs with tsx.
    tsx compiles a TypeScript file of a package without `"type": "module"` into CommonJS: its
    imports are require() calls (its import()s stay; checked with tsx 4.23 and Node 26)."""
    out: list[tuple[str, str]] = []
    if not isinstance(scripts, dict):
        return out
    for name, words in script_commands(scripts, "tsx"):
        f = _tsx_file(words)
        if f is None:
            continue
        path = os.path.normpath(os.path.join(package_dir, f))
        if is_file(path) and path not in (p for _, p in out):
            out.append((name, path))
    return out


def split_options(args: list[str], valued: frozenset,
                  takes_next: Callable[[str, str], bool] = lambda name, nxt: False
                  ) -> tuple[list[str], dict[str, list[str]], set[str]]:
    """(inputs, {option: values}, flags) of a compiler's command line (Babel's, swc's): an
    option of ``valued`` takes its value after `=` or as the next word; ``takes_next(name,
    next word)`` says where a flag's optional value follows (skipped)."""
    inputs: list[str] = []
    options: dict[str, list[str]] = {}
    flags: set[str] = set()
    i = 0
    while i < len(args):
        w = args[i]
        name, eq, value = w.partition("=")
        if w.startswith("-") and name in valued:
            if not eq:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            options.setdefault(name, []).append(value)
        elif not eq and i + 1 < len(args) and takes_next(name, args[i + 1]):
            i += 1
        elif w.startswith("-"):
            flags.add(name)
        else:
            inputs.append(w)
        i += 1
    return inputs, options, flags


def compiled_files(inputs: list[str], exts: list[str], ignores: list[str], package_dir: str,
                   is_file: Callable[[str], bool]) -> list[str]:
    """The files a compiler's command line compiles, as entries relative to ``package_dir``:
    each input file, each input folder's files with one of ``exts`` (without the dot), less
    the comma-separated patterns of ``ignores`` (`!pattern`)."""
    exts = [e[1:] if e.startswith(".") else e for e in exts]
    pattern = "*." + (exts[0] if len(exts) == 1 else "{" + ",".join(exts) + "}")
    entries: list[str] = []
    for i in inputs:
        rel = os.path.relpath(os.path.normpath(os.path.join(package_dir, i)), package_dir).replace(os.sep, "/")
        entries.append(rel if is_file(os.path.join(package_dir, rel)) else f"{rel}/**/{pattern}")
    for ignore in ignores:
        entries += ["!" + p.strip().removeprefix("./") for p in ignore.split(",") if p.strip()]
    return entries


# -- Bun ---------------------------------------------------------------------------------
# Bun (1.4) runs JavaScript and TypeScript itself: `bun FILE`, `bun run FILE`, `bun test`, a
# `#!/usr/bin/env bun` line. What it does differently from Node and tsc is in project/bun.py.

# Bun's export conditions against Node's ("-name": one Node has that Bun lacks): its own
# first; neither module-sync nor node-addons (checked with Bun 1.4)
BUN_CONDITIONS = ("bun", "-module-sync", "-node-addons")
# bun's options with a value as the next word (runtime, `run` and `test` options)
_BUN_VALUED = frozenset({
    "-r", "--preload", "--require", "--import", "-d", "--define", "-l", "--loader", "--tsconfig-override",
    "--conditions", "--main-fields", "--extension-order", "--jsx-factory", "--jsx-fragment",
    "--jsx-import-source", "--jsx-runtime", "--env-file", "--cwd", "-c", "--config", "--port",
    "--console-depth", "--elide-lines", "-F", "--filter", "--shell", "--title", "--install",
    "--fetch-preconnect", "--max-http-header-size", "--dns-result-order", "--unhandled-rejections",
    "--user-agent", "--timeout", "--rerun-each", "--retry", "-t", "--test-name-pattern",
    "--coverage-reporter", "--coverage-dir", "--reporter", "--reporter-outfile", "--seed",
    "--max-concurrency", "--redis-preconnect", "--sql-preconnect",
})
# options that make bun run code given on the command line, or run no file of the project
_BUN_NO_FILE = frozenset({"-e", "--eval", "-p", "--print", "-v", "--version", "-h", "--help", "--revision",
                          "--filter", "-F", "--workspaces"})
# bun's subcommands that run no file of the project
_BUN_OTHER = frozenset({
    "x", "exec", "repl", "install", "i", "add", "a", "remove", "rm", "update", "link", "unlink", "pm",
    "build", "init", "create", "c", "upgrade", "publish", "outdated", "patch", "patch-commit", "why",
    "audit", "info", "completions", "feedback", "help", "ci",
})
# what Bun adds to a path it runs (`bun ./index` runs index.ts), then an index file
_BUN_EXTENSIONS = (".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts")
# the test files `bun test` finds (under its folder, not in node_modules or a dot-folder)
_BUN_TEST = re.compile(r"(?:\.test|_test|\.spec|_spec)\.(?:[cm]?[jt]s|[jt]sx)$")


@dataclass(frozen=True)
class BunRun:
    """What one ``bun …`` command runs: a file (``file``, absolute), or `bun test`'s test files
    (``test``: the filters written, each a substring of the paths it runs, or a path of its
    own when it starts with `./` or `/`; empty: every test file; ``base``: the folder)."""
    how: str            # "script" or "bin"
    name: str           # the script's or the command's name
    file: "str | None" = None
    test: "tuple[str, ...] | None" = None
    base: str = ""


def _bun_file(path: str, is_file: Callable[[str], bool]) -> "str | None":
    """The file `bun path` runs: ``path``, else with one of Bun's extensions, else its folder's
    index file (checked with Bun 1.4)."""
    if is_file(path):
        return path
    for candidate in [path + e for e in _BUN_EXTENSIONS] + [os.path.join(path, "index" + e) for e in _BUN_EXTENSIONS]:
        if is_file(candidate):
            return candidate
    return None


@functools.lru_cache(maxsize=16)
def _toml(text: str) -> "tuple[dict, str | None]":
    """(the settings, None), or ({}, the parser's message) where ``text`` is not TOML.
    (Remembered: a package's bunfig.toml is read for each of its bun commands; never changed
    by the callers.)"""
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # (Python 3.10)
        import tomli as tomllib  # type: ignore[import-not-found,no-redef]
    try:
        data = tomllib.loads(text)
    except Exception as e:
        return {}, str(e)
    return (data if isinstance(data, dict) else {}), None


def read_toml(text: "str | None") -> dict:
    """A TOML file's settings (bunfig.toml, samconfig.toml): {} where there is none, or it is
    not TOML."""
    return _toml(text)[0] if text else {}



def bunfig_error(text: "str | None") -> "str | None":
    """Why a bunfig.toml's ``text`` is not TOML (Bun then runs nothing), or None."""
    return _toml(text)[1] if text else None


def _bunfig_preloads(value: object) -> list[str]:
    """A bunfig.toml `preload` (a string or a list of them): the project's files among them."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [v for v in items if isinstance(v, str) and v.startswith(("./", "../", "/"))]


def _bun_command(words: list[str], scripts: dict, package_dir: str, name: str, how: str,
                 is_file: Callable[[str], bool],
                 read_text: "Callable[[str], str | None]" = lambda p: None) -> list[BunRun]:
    """What one command runs with bun (after assignments and env wrappers): `bun [options]
    [run] FILE`, `bun test [filters]`; none for its other subcommands, for code on the command
    line, for `bun run SCRIPT` (the script is read by itself) and for a file not found. The
    bunfig.toml of the folder it runs in (or `--config`'s) adds its preloads (`preload`, or
    `[test].preload` for `bun test`) and `[test].root`, where `bun test` looks for tests."""
    words = program_words(words, ("bun", "bun.exe"))
    if not words:
        return []
    base = package_dir
    preloads: list[str] = []
    config = None
    sub = None
    i = 1
    while i < len(words):
        w = words[i]
        if w == "--":
            i += 1
            break
        if not w.startswith("-") or w == "-":
            if sub is None and w in ("run", "test"):
                sub = w
                i += 1
                continue
            break
        opt, eq, value = w.partition("=")
        if opt in _BUN_NO_FILE:
            return []
        if opt in _BUN_VALUED and not eq:
            if i + 1 >= len(words):
                return []
            value = words[i + 1]
            i += 1
        if opt == "--cwd":
            base = os.path.normpath(os.path.join(package_dir, value))
        elif opt in ("-c", "--config"):
            config = value
        elif opt in ("-r", "--preload", "--require", "--import") and value.startswith(("./", "../", "/")):
            preloads.append(value)  # (a file of the project: Bun runs it first)
        i += 1
    rest = words[i:]
    bunfig_path = os.path.normpath(os.path.join(base, config if config is not None else "bunfig.toml"))
    bunfig = read_toml(read_text(bunfig_path))
    here = os.path.dirname(bunfig_path)
    section = bunfig.get("test") if sub == "test" else bunfig
    section = section if isinstance(section, dict) else {}
    runs = []
    for p in [os.path.join(here, f) for f in _bunfig_preloads(section.get("preload"))] + \
            [os.path.join(base, f) for f in preloads]:
        found = _bun_file(os.path.normpath(p), is_file)
        if found is not None:
            runs.append(BunRun(how, name, file=found))
    if sub == "test":
        root = section.get("root")
        if isinstance(root, str) and root:
            base = os.path.normpath(os.path.join(here, root))
        return runs + [BunRun(how, name, test=tuple(w for w in rest if not w.startswith("-")), base=base)]
    if not rest or rest[0] in _BUN_OTHER and sub is None:
        return runs
    operand = rest[0]
    if isinstance(scripts, dict) and operand in scripts and not operand.startswith(("./", "../", "/")):
        return runs  # (`bun run build`: the script, read by itself)
    found = _bun_file(os.path.normpath(os.path.join(base, operand)), is_file)
    return runs + ([BunRun(how, name, file=found)] if found is not None else [])


def bun_test_runs(rel: str, filters: "tuple[str, ...]") -> bool:
    """Does `bun test` with ``filters`` run the file at ``rel`` (a path relative to its folder,
    `/`-separated, outside node_modules and dot-folders)? Without filters, every file named as
    a test; with a filter that starts with `./` or `/`, the file it names or the test files in
    the folder it names (the other filters are then ignored); else the test files whose path
    contains one of the filters (checked with Bun 1.4)."""
    named = [os.path.normpath(f).replace(os.sep, "/") for f in filters if f.startswith(("./", "../", "/"))]
    test = bool(_BUN_TEST.search(rel))
    if named:
        return any(n == rel or n.endswith("/" + rel) or test and (n == "." or rel.startswith(n + "/"))
                   for n in named)
    return test and (not filters or any(w in rel for w in filters))


def _shebang_runs_bun(line: str) -> bool:
    """Does a ``#!`` ``line`` run its file with bun (`#!/usr/bin/env bun`, `#!/usr/bin/env -S bun
    --smol`, `#!/home/u/.bun/bin/bun`)?"""
    words = _shebang_words(line)
    return bool(words) and os.path.basename(words[0]) == "bun" and \
        not any(w.partition("=")[0] in _BUN_NO_FILE for w in words[1:])


def package_bun_runs(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                     first_line: Callable[[str], "str | None"],
                     read_text: "Callable[[str], str | None]" = lambda p: None) -> list[BunRun]:
    """What the package.json ``manifest`` of ``package_dir`` runs with bun: the files of its
    scripts, its `bun test` runs, its `bin` commands whose `#!` line runs bun; and, for a
    package that declares Bun's types (`@types/bun`, `bun-types`: what `bun init` writes,
    with no script), the TypeScript file its `module` (or `main`) field names."""
    scripts = manifest.get("scripts")
    runs: list[BunRun] = []
    for name, words in script_commands(scripts, "bun"):
        runs += _bun_command(words, scripts if isinstance(scripts, dict) else {}, package_dir, name, "script", is_file,
                             read_text)
    for name, f in bin_files(manifest.get("bin"), package_dir):
        line = first_line(f)
        if line is not None and _shebang_runs_bun(line) and is_file(f):
            runs.append(BunRun("bin", name, file=f))
    deps = [manifest.get(k) for k in ("devDependencies", "dependencies")]
    if any(isinstance(d, dict) and ("@types/bun" in d or "bun-types" in d) for d in deps):
        for field_name in ("module", "main"):
            entry = manifest.get(field_name)
            if isinstance(entry, str) and entry.endswith((".ts", ".tsx", ".mts", ".cts")):
                path = os.path.normpath(os.path.join(package_dir, entry))
                if is_file(path):
                    runs.append(BunRun("field", field_name, file=path))
                break
    return runs
