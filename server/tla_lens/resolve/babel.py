"""Babel's command line in an npm script (`babel src -d lib`): the files it compiles, each alone,
into CommonJS (read, never run).

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
also returned by a function); `overrides` that name preset-env or the modules plugin are not
modelled (the build is unread then), others change nothing here.
"""
from __future__ import annotations

import dataclasses
import json
import os
from typing import Callable, Optional

from ._jsonc import parse_json
from .scripts import compiled_files, program_words, script_commands, split_options
from .tsup import CjsBuild, read_once

__all__ = ["babel_builds", "babel_register_runs"]

_CONFIGS = ("babel.config.json", "babel.config.js", "babel.config.cjs", "babel.config.mjs", "babel.config.cts")
_BABELRCS = (".babelrc", ".babelrc.json", ".babelrc.js", ".babelrc.cjs", ".babelrc.mjs")
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
        build = _build(name, babel[1:], package_dir, env, is_file, read, manifest or {})
        if build is not None:
            out.append(build)
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
        build = _build(name, [file, "-d", "."], package_dir, env, is_file, read, manifest or {})
        if build is not None:
            out.append(dataclasses.replace(build, reaches=True))
    return out


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
           read: Callable[[str], Optional[str]], manifest: dict) -> Optional[CjsBuild]:
    inputs, options, flags = _cli(args)
    if not inputs or not (options.get("-d") or options.get("--out-dir") or options.get("-o")
                          or options.get("--out-file")):
        return None  # (to standard output: no files made)
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
    for path, data in sources:
        files.append(path)
        got = _options(path, data, read)
        if isinstance(got, dict) and _overrides_modules(got, env):
            got = "`overrides` that change how modules are compiled are not read"
        if isinstance(got, str):
            return _unread(script, package_dir, path, got)
        items += _items(got, env)
    for key in ("--presets", "--plugins"):
        for value in options.get(key, []):
            items += [(key[2:], n.strip(), {}) for n in value.split(",") if n.strip()]
    cjs, keeps_import, how = _modules(items)
    if not cjs:
        return None
    extensions = [e.strip() for v in options.get("-x", []) + options.get("--extensions", [])
                  for e in v.split(",") if e.strip()] or list(_DEFAULT_EXTENSIONS)
    entries = compiled_files(inputs, extensions, options.get("--ignore", []), package_dir, is_file)
    return CjsBuild(script, package_dir, tuple(entries), formats=("cjs",), tool="Babel", bundle=False,
                    config=(files or [None])[0], keeps_import=keeps_import, how=how)


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
