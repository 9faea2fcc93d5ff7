"""Babel's command line in an npm script (`babel src -d lib`): the files it compiles, each alone,
into CommonJS (read, never run); and what babel-plugin-module-resolver in a Babel configuration
rewrites imports into (:func:`module_resolver`, for the resolver).

Babel (7) compiles ES modules into CommonJS where its configuration has @babel/preset-env
(`modules` "auto", which the command line takes as CommonJS, "commonjs" or "cjs"; not `false`)
or @babel/plugin-transform-modules-commonjs: each import becomes a `require()` call — an ES
module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE when the output runs. With
preset-env, `import()` becomes a `require()` too (its dynamic-import transform), unless the
preset's `exclude` names that transform; the plugin alone keeps `import()`. A top-level await
compiles as it is, into a CommonJS file Node cannot load (checked with Babel 7.29 and Node 26).

A command counts when its program is `babel` (also through `npx`, `pnpm exec`, `yarn`) with an
output (`-d`/`--out-dir`, `-o`/`--out-file`): its inputs (folders: the files with its
`--extensions`, by default .js, .jsx, .es6, .mjs, .cjs; less `--ignore`), its configuration
(`--config-file`, else babel.config.{json,js,cjs,mjs,cts} in the package's folder) and the
package's .babelrc (.babelrc, .babelrc.json, .babelrc.{js,cjs,mjs}, package.json's "babel";
unless `--no-babelrc`), `--presets`/`--plugins`, and the `env` block of the environment
(`--env-name`, else a `BABEL_ENV=`/`NODE_ENV=` assignment before the command, else
"development"). Values are read as literals (JSON5 files; JavaScript configuration objects,
also returned by a function). `overrides` that name preset-env or the modules plugin apply to the
files their `test`, `include` (path patterns as Babel reads them, relative to the configuration's
folder, or regular expressions) match and their `exclude` does not, merged over the
configuration's presets and plugins as Babel merges them (one of each, with the options of the
last); other overrides change nothing here.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from typing import Callable, Optional

from ._jsonc import parse_json
from .scripts import compiled_files, program_words, script_commands, split_options
from .bundler import js_regex
from .computed import RegexLiteral
from .tsup import CjsBuild, read_once

__all__ = ["CONFIG_NAMES", "ModuleResolver", "babel_builds", "babel_jest_modules", "babel_register_runs",
           "module_resolver"]

_CONFIGS = ("babel.config.json", "babel.config.js", "babel.config.cjs", "babel.config.mjs", "babel.config.cts")
_BABELRCS = (".babelrc", ".babelrc.json", ".babelrc.js", ".babelrc.cjs", ".babelrc.mjs")
# every name of a Babel configuration file (in a folder, in the order they are looked for)
CONFIG_NAMES = _CONFIGS + _BABELRCS
_MODULE_RESOLVER = frozenset({"module-resolver", "babel-plugin-module-resolver"})
_RESOLVER_EXTENSIONS = (".js", ".jsx", ".es", ".es6", ".mjs")  # (the plugin's default `extensions`)
_PRESET_ENV = frozenset({"@babel/preset-env", "@babel/env", "babel-preset-env"})
_CJS_PLUGIN = frozenset({"@babel/plugin-transform-modules-commonjs", "@babel/transform-modules-commonjs",
                         "transform-modules-commonjs", "babel-plugin-transform-modules-commonjs"})
_DYNAMIC_IMPORT = frozenset({"@babel/plugin-transform-dynamic-import", "@babel/transform-dynamic-import",
                             "transform-dynamic-import", "@babel/plugin-proposal-dynamic-import",
                             "proposal-dynamic-import"})
_DEFAULT_EXTENSIONS = (".js", ".jsx", ".es6", ".mjs", ".cjs")
# the command line's options with a value as the next word (the others are flags)
_VALUED = frozenset({"-d", "--out-dir", "-o", "--out-file", "-x", "--extensions", "--config-file", "--ignore",
                     "--only", "--presets", "--plugins", "--env-name", "--root-mode", "--out-file-extension",
                     "-f", "--filename", "--source-type", "--source-root", "--source-map-target",
                     "--source-file-name", "--root", "--cwd", "--relative-to", "--auxiliary-comment-before",
                     "--auxiliary-comment-after", "--retain-lines", "--compact", "--minified", "--comments",
                     "--highlight-code", "--inputSourceMap", "--input-source-map"})
_SOURCE_MAPS = frozenset({"inline", "both", "true", "false"})


def babel_builds(scripts: object, package_dir: str, is_file: Callable[[str], bool],
                 read: Callable[[str], Optional[str]], manifest: Optional[dict] = None) -> list[CjsBuild]:
    """The CommonJS compilations the npm ``scripts`` of ``package_dir`` make with Babel's
    command line (tool "Babel", each file compiled alone: ``bundle`` False)."""
    if not isinstance(scripts, dict):
        return []
    out: list[CjsBuild] = []
    for name, words in script_commands(scripts, "babel"):
        babel = program_words(words, ("babel",))
        if babel is None:
            continue
        env = next((w.split("=", 1)[1] for w in words[: words.index(babel[0])]
                    if w.startswith(("BABEL_ENV=", "NODE_ENV="))), "development")
        out += _build(name, babel[1:], package_dir, env, is_file, read, manifest or {})
    return out


# @babel/register, preloaded into Node (`node -r @babel/register FILE`)
_REGISTER = frozenset({"@babel/register", "@babel/register/index.js"})
# the files @babel/register (and @babel/node) compile by default, when Node's CommonJS loader loads them
REGISTER_EXTENSIONS = (".js", ".jsx", ".es6", ".es")


def babel_register_runs(scripts: object, package_dir: str, is_file: Callable[[str], bool],
                        read: Callable[[str], Optional[str]], manifest: Optional[dict] = None) -> list[CjsBuild]:
    """The files npm ``scripts`` run with Babel compiling what Node loads — `node -r
    @babel/register FILE` (also `--require`), `babel-node FILE` — each a build of the files
    it reaches (:attr:`CjsBuild.reaches`) when the Babel configuration compiles modules into
    CommonJS (@babel/register and @babel/node tell Babel they support no ES modules). The
    file must be one Node's CommonJS loader loads (not an ES module by its extension or its
    package's `"type"`: Node's ES module loader does not go through @babel/register)."""
    out: list[CjsBuild] = []
    for name, words in script_commands(scripts, "babel"):
        env = next((w.split("=", 1)[1] for w in words if w.startswith(("BABEL_ENV=", "NODE_ENV="))), "development")
        file = _registered_file(words)
        if file is None or os.path.splitext(file)[1] not in REGISTER_EXTENSIONS or \
                not is_file(os.path.normpath(os.path.join(package_dir, file))):
            continue
        builds = _build(name, [file, "-d", "."], package_dir, env, is_file, read, manifest or {})
        if any(b.applies for b in builds):  # (what it reaches, file by file: not modelled)
            builds = [_unread(name, package_dir, builds[0].config or package_dir,
                              "`overrides` that change how modules are compiled, with Babel compiling what Node "
                              "loads, are not read")]
        out += [dataclasses.replace(b, reaches=True) for b in builds]
    return out


def babel_jest_modules(package_dir: str, is_file: Callable[[str], bool], read: Callable[[str], Optional[str]],
                       manifest: Optional[dict] = None) -> Optional[tuple[bool, bool]]:
    """How babel-jest (Jest's default transform, in its `test` environment, telling Babel it
    supports no ES modules) compiles the modules of the package at ``package_dir``: (into
    CommonJS, keeping `import()`), or None where the configuration is not read (or its
    `overrides` change modules file by file)."""
    builds = _build("jest", ["."], package_dir, "test", is_file, read, manifest or {}, output=False)
    if not builds:
        return False, True
    if len(builds) > 1 or builds[0].unread is not None or builds[0].applies:
        return None
    return True, builds[0].keeps_import


def _registered_file(words: list[str]) -> Optional[str]:
    """The file a `node -r @babel/register FILE` or `babel-node FILE` command runs."""
    runner = program_words(words, ("babel-node",))
    if runner is not None:
        rest = [w for w in runner[1:] if not w.startswith("-")]  # (its options: flags, or `--opt=value`)
        return rest[0] if rest else None
    node = program_words(words, ("node", "node.exe"))
    if node is None:
        return None
    registered = False
    i = 1
    while i < len(node) and node[i].startswith("-"):
        opt, eq, value = node[i].partition("=")
        if opt in ("-r", "--require") and not eq and i + 1 < len(node):
            value = node[i + 1]
            i += 1
        registered = registered or (opt in ("-r", "--require") and value in _REGISTER)
        i += 1
    return node[i] if registered and i < len(node) else None


def _cli(args: list[str]) -> tuple[list[str], dict[str, list[str]], set[str]]:
    """(inputs, {option: values}, flags) of Babel's command line (`-s` takes an optional value)."""
    return split_options(args, _VALUED, lambda name, nxt: name in ("-s", "--source-maps") and nxt in _SOURCE_MAPS)


def _build(script: str, args: list[str], package_dir: str, env: str, is_file: Callable[[str], bool],
           read: Callable[[str], Optional[str]], manifest: dict, output: bool = True) -> list[CjsBuild]:
    inputs, options, flags = _cli(args)
    if output and (not inputs or not (options.get("-d") or options.get("--out-dir") or options.get("-o")
                                      or options.get("--out-file"))):
        return []  # (to standard output: no files made)
    env = (options.get("--env-name") or [env])[-1]
    items: list = []
    files: list[str] = []
    config = (options.get("--config-file") or [None])[-1]
    config_path = os.path.normpath(os.path.join(package_dir, config)) if config is not None else \
        next((os.path.join(package_dir, n) for n in _CONFIGS if is_file(os.path.join(package_dir, n))), None)
    sources: list[tuple[str, object]] = []
    if config_path is not None:
        sources.append((config_path, None))
    if "--no-babelrc" not in flags:
        rc = next((os.path.join(package_dir, n) for n in _BABELRCS if is_file(os.path.join(package_dir, n))), None)
        if rc is not None:
            sources.append((rc, None))
        elif isinstance(manifest.get("babel"), dict):
            sources.append((os.path.join(package_dir, "package.json"), manifest["babel"]))
    # items in Babel's order, each with the override it comes from (None: every file's) whose
    # conditions — (groups of patterns, excluding patterns) — decide the files it is for
    conditions: list[tuple] = []
    for path, data in sources:
        files.append(path)
        got = _options(path, data, read)
        if isinstance(got, dict) and isinstance(got.get("env"), dict) and isinstance(got["env"].get(env), dict) \
                and _overrides_modules(got["env"][env], env):
            got = "`overrides` in an `env` block that change how modules are compiled are not read"
        if isinstance(got, str):
            return [_unread(script, package_dir, path, got)]
        items += [(k, n, o, None) for k, n, o in _items(got, env)]
        overrides = got.get("overrides")
        if overrides is not None and not isinstance(overrides, list):
            return [_unread(script, package_dir, path, "`overrides` is not a list")]
        for o in overrides or ():
            if not isinstance(o, dict):
                return [_unread(script, package_dir, path, "an `overrides` entry is not an object")]
            own = _items(o, env)
            if not any(name in _PRESET_ENV or name in _CJS_PLUGIN for _, name, _ in own):
                continue  # (changes nothing about modules)
            when = _conditions(o, os.path.dirname(path))
            if isinstance(when, str):
                return [_unread(script, package_dir, path, when)]
            conditions.append(when)
            items += [(k, n, opts, len(conditions) - 1) for k, n, opts in own]
    if len(conditions) > _MAX_OVERRIDES:
        return [_unread(script, package_dir, (files or [package_dir])[0],
                        f"more than {_MAX_OVERRIDES} `overrides` that change how modules are compiled")]
    for key in ("--presets", "--plugins"):
        for value in options.get(key, []):
            items += [(key[2:], n.strip(), {}, None) for n in value.split(",") if n.strip()]
    extensions = [e.strip() for v in options.get("-x", []) + options.get("--extensions", [])
                  for e in v.split(",") if e.strip()] or list(_DEFAULT_EXTENSIONS)
    entries = compiled_files(inputs, extensions, options.get("--ignore", []), package_dir, is_file)
    out: list[CjsBuild] = []
    # one build per set of overrides a file may match (each file: the overrides whose
    # conditions hold for it), where that makes CommonJS
    for mask in range(1 << len(conditions)):
        chosen = [(k, n, o) for k, n, o, c in items if c is None or mask >> c & 1]
        cjs, keeps_import, how = _modules(_merged(chosen))
        if not cjs:
            continue
        applies = tuple((groups, excludes, bool(mask >> i & 1)) for i, (groups, excludes) in enumerate(conditions))
        out.append(CjsBuild(script, package_dir, tuple(entries), formats=("cjs",), tool="Babel", bundle=False,
                            config=(files or [None])[0], keeps_import=keeps_import, how=how, applies=applies,
                            applies_absolute=True))
    return out


def _unread(script: str, package_dir: str, path: str, why: str) -> CjsBuild:
    return CjsBuild(script, package_dir, (), config=path, unread=f"{os.path.relpath(path, package_dir)}: {why}",
                    formats=(), tool="Babel", bundle=False)


def _options(path: str, data: object, read: Callable[[str], Optional[str]]):
    """The options of a Babel configuration (a dict of literals), or why it is not read."""
    if data is not None:
        return data
    text = read(path)
    if text is None:
        return "it cannot be read"
    if path.endswith((".json", ".babelrc")):
        value, error = parse_json(text, lenient=True)
        return value if isinstance(value, dict) else "it is not a JSON object"
    return read_once("babel", path, text, lambda: _js_options(path, text, read), lambda why: why, read)


def _js_options(path: str, text: str, read: Callable[[str], Optional[str]]):
    from .bundler import _Reader, _Unread

    reader = _Reader(path, text, read)
    configs = reader._configs()
    if len(configs) != 1:
        return "its configuration is not an object literal (or a function returning one)"
    try:
        return reader.literal(configs[0])
    except _Unread as e:
        return str(e)


def _items(options: dict, env: str) -> list:
    """("presets" | "plugins", name, options) of a configuration and of its `env` block for
    ``env``; raises nothing (odd values are skipped)."""
    out = []
    blocks = [options]
    envs = options.get("env")
    if isinstance(envs, dict) and isinstance(envs.get(env), dict):
        blocks.append(envs[env])
    for block in blocks:
        for key in ("presets", "plugins"):
            for item in block.get(key) or ():
                if isinstance(item, str):
                    out.append((key, item, {}))
                elif isinstance(item, list) and item and isinstance(item[0], str):
                    out.append((key, item[0], item[1] if len(item) > 1 and isinstance(item[1], dict) else {}))
    return out


def _overrides_modules(options: dict, env: str) -> bool:
    """Does an `overrides` entry (of the configuration, or of its `env` block) name preset-env
    or the modules plugin? (Other overrides — a TypeScript preset for .ts files, say — leave the
    module transform as it is.)"""
    blocks = [options] + ([options["env"][env]] if isinstance(options.get("env"), dict)
                          and isinstance(options["env"].get(env), dict) else [])
    for block in blocks:
        overrides = block.get("overrides")
        if overrides is None:
            continue
        if not isinstance(overrides, list):
            return True
        for o in overrides:
            if not isinstance(o, dict):
                return True
            if any(name in _PRESET_ENV or name in _CJS_PLUGIN for _, name, _ in _items(o, env)):
                return True
    return False


_MAX_OVERRIDES = 6


def _conditions(override: dict, dirname: str):
    """An `overrides` entry's `test` and `include` (each a group of patterns, one of which must
    match) and `exclude` (none may), as Python patterns searched in a file's absolute path; or
    why not (a function, another value)."""
    groups = []
    for key in ("test", "include", "exclude"):
        if key not in override:
            continue
        value = override[key]
        patterns = []
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str):
                patterns.append(re.compile(_path_pattern(v, dirname)))
            elif isinstance(v, RegexLiteral):
                try:
                    patterns.append(js_regex(*v)[0])
                except ValueError as e:
                    return f"an `overrides` `{key}` has {e}"
            else:
                return f"an `overrides` `{key}` is not a path, a regular expression or a list of them"
        if key == "exclude":
            return tuple(groups), tuple(patterns)
        groups.append(tuple(patterns))
    return tuple(groups), ()


def _path_pattern(pattern: str, dirname: str) -> str:
    """Babel's reading of a path pattern (@babel/core 7's pattern-to-regex): resolved against
    the configuration's folder, a file or a folder's files, `*` one path segment, `**` any
    number of them, `*.ext` a file name ending so (no other wildcards)."""
    sep, end_sep, sub = "/", "(?:/|$)", "[^/]+"
    star, star_last = f"(?:{sub}/)", f"(?:{sub}{end_sep})"
    parts = os.path.normpath(os.path.join(dirname, pattern)).split(os.sep)
    out = ["^"]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out.append(f"{star}*?{star_last}?" if last else f"{star}*?")
        elif part == "*":
            out.append(star_last if last else star)
        elif part.startswith("*."):
            out.append(sub + re.escape(part[1:]) + (end_sep if last else sep))
        else:
            out.append(re.escape(part) + (end_sep if last else sep))
    return "".join(out)


def _merged(items: list) -> list:
    """Babel's merge of presets and plugins: one of each (preset-env under any of its names), in
    the place of its first, with the options of its last."""
    place: dict = {}
    out: list = []
    for kind, name, opts in items:
        key = (kind, "preset-env" if name in _PRESET_ENV else "modules-commonjs" if name in _CJS_PLUGIN else name)
        if key in place:
            out[place[key]] = (kind, name, opts)
        else:
            place[key] = len(out)
            out.append((kind, name, opts))
    return out


def _modules(items: list) -> tuple[bool, bool, str]:
    """(compiles into CommonJS, keeps import(), how — for the messages)."""
    cjs = False
    keeps_import = True
    how = ""
    for kind, name, opts in items:
        if kind == "presets" and name in _PRESET_ENV:
            modules = opts.get("modules", "auto")
            if modules in ("auto", "commonjs", "cjs"):
                cjs = True
                how = how or f"{name}'s `modules` " + (json.dumps(modules) if "modules" in opts else "(\"auto\")")
                excluded = opts.get("exclude") or ()
                if not any(isinstance(x, str) and x in _DYNAMIC_IMPORT for x in excluded):
                    keeps_import = False
        elif kind == "plugins" and name in _CJS_PLUGIN:
            cjs = True
            how = how or name
    return cjs, keeps_import, how


@dataclasses.dataclass(frozen=True)
class ModuleResolver:
    """babel-plugin-module-resolver's options in a Babel configuration: the plugin rewrites a
    bare import its `alias` names (`@components/Button` -> `./src/components/Button`), else
    one found in a folder of its `root`, into a relative one, before the bundler (Metro,
    webpack's babel-loader, Jest) resolves it."""
    config: str                                    # the configuration (absolute)
    # (name, targets, regular expression (JavaScript source) or None): a plain name matches
    # itself and what starts with "name/", its targets taking the rest; a regular expression
    # (a key that starts with `^` or ends with `$`) the whole import, its targets as a
    # JavaScript replacement (`$1`); targets are absolute paths or package names, tried in order
    aliases: tuple[tuple[str, tuple[str, ...], Optional[str]], ...]
    roots: tuple[str, ...]                         # absolute folders
    extensions: tuple[str, ...]                    # what the `root` lookup adds to a name


def module_resolver(path: str, read: Callable[[str], Optional[str]],
                    is_dir: Callable[[str], bool] = os.path.isdir) -> Optional[ModuleResolver]:
    """The options of babel-plugin-module-resolver (5) in the Babel configuration ``path`` (its
    `plugins`, and those of its `env` block for "development"), read as literals; None where it
    does not use the plugin, or they cannot be read. Paths are from the plugin's `cwd`: the
    configuration's folder by default (the project folder the bundler runs in), `"packagejson"`
    that of the package.json nearest to it. Checked with the plugin's 5.0.3 rewriting imports
    under @babel/core 7.29."""
    options = _options(path, None, read)
    if not isinstance(options, dict):
        return None
    plugin = next((o for kind, name, o in _items(options, "development")
                   if kind == "plugins" and name in _MODULE_RESOLVER), None)
    if plugin is None:
        return None
    cwd = os.path.dirname(path)
    if plugin.get("cwd") == "packagejson":
        d = cwd
        while not os.path.isfile(os.path.join(d, "package.json")) and os.path.dirname(d) != d:
            d = os.path.dirname(d)
        cwd = d if os.path.isfile(os.path.join(d, "package.json")) else cwd
    elif isinstance(plugin.get("cwd"), str) and plugin["cwd"] != "babelrc":
        cwd = os.path.normpath(os.path.join(cwd, plugin["cwd"]))

    def target(value: str) -> str:
        return os.path.normpath(os.path.join(cwd, value)) if value.startswith(".") or os.path.isabs(value) else value

    aliases = []
    blocks = plugin.get("alias")
    for block in (blocks if isinstance(blocks, list) else [blocks]):
        for key, value in (block.items() if isinstance(block, dict) else ()):
            values = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
            if not values or not key:
                continue
            if key.startswith("^") or key.endswith("$"):
                # the plugin builds the new import from the value alone, `\1` its groups: as a
                # replacement of the whole import (groups of the key keep their numbers)
                source = f"^[\\s\\S]*?(?:{key})[\\s\\S]*$"
                replaced = (re.sub(r"\\(\d+)", r"$\1", v.replace("$", "$$")) for v in values)
                aliases.append((key, tuple(target(v) for v in replaced), source))
            else:
                aliases.append((key, tuple(target(v) for v in values), None))
    roots = plugin.get("root")
    folders: list[str] = []
    for r in (roots if isinstance(roots, list) else [roots] if isinstance(roots, str) else []):
        if not isinstance(r, str):
            continue
        full = os.path.normpath(os.path.join(cwd, r))
        if any(c in full for c in "*?["):
            import glob
            folders += [f for f in sorted(glob.glob(full)) if is_dir(f)]
        else:
            folders.append(full)
    exts = plugin.get("extensions")
    extensions = tuple(e for e in exts if isinstance(e, str)) if isinstance(exts, list) else _RESOLVER_EXTENSIONS
    return ModuleResolver(path, tuple(aliases), tuple(folders), extensions)
