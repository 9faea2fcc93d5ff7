"""Builds Nx runs with its esbuild executor (`@nx/esbuild:esbuild`), read from a project's
project.json (or its package.json's `"nx"`) and nx.json's `targetDefaults` — read, never run.

The executor (Nx 23) calls esbuild's API once per `format` (default `["esm"]`) with the
target's options: `main` and `additionalEntryPoints` (relative to the workspace root; Nx's
`{projectRoot}` and `{workspaceRoot}` replaced), `bundle` (default true), `platform` (default
node), `external` and `esbuildOptions.external`, and, unless `thirdParty` is true, every npm
package the project depends on kept external as well (less `excludeFromExternal`). In a
CommonJS output an import of an external is a `require()`: a package that is an ES module with
top-level await there throws ERR_REQUIRE_ASYNC_MODULE when the app runs; and esbuild refuses a
top-level await it bundles into CommonJS ("Top-level await is currently not supported with the
"cjs" output format": the build fails). The options of the target's `defaultConfiguration`
apply over its own, as `nx build` runs it. With `bundle: false` esbuild compiles each file alone:
the entries and the files the `include` of the project's tsconfig names (tsconfig.app.json,
tsconfig.lib.json or tsconfig.json in the project's folder), in CommonJS every import a require()
and a top-level await refused (the workspace libraries Nx adds for a Node CommonJS build are not
followed). A target with `esbuildConfig` (a JavaScript file) is not modelled (its build's
`unread` says why).

Vite (:mod:`vite_lib`): the `@nx/vite:build` executor builds with the project's vite.config.*
(or `configFile`, relative to the workspace root), its `target` option over `build.target`;
`@nx/vite:dev-server` serves with its `buildTarget`'s configuration; and @nx/vite/plugin, listed
in nx.json's `plugins` (its `include`/`exclude` globs matched against the configuration's path),
infers `build` (`vite build`) and `dev`/`serve` (`vite`) for a project whose folder has a
vite.config.* and a project.json or package.json (a react-router.config.* there: none), a target
of the project's own with an executor or command replacing the inferred one (Nx 23).

swc (:mod:`swc`): the `@nx/js:swc` executor runs swc's command line in the project's folder on
its `sourceRoot` (relative to the project; the project's folder where `main` is outside it; src
where no `sourceRoot` is set and there is one) with the project's .swcrc (or `swcrc`, relative to
the workspace root).

A target that runs Angular's application builder (`@angular/build:application`, or Nx's
`@nx/angular:application`) gives the build :mod:`angular` reads from angular.json, with the
target's options merged the same way.
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Callable, Iterable, Optional

from .angular import BUILDERS as ANGULAR, WEBPACK as ANGULAR_WEBPACK, application_build
from .targets import target_words
from .tsup import CjsBuild

__all__ = ["nx_builds", "workspace_builds", "EXECUTORS", "workspace_root"]

EXECUTORS = ("@nx/esbuild:esbuild", "@nrwl/esbuild:esbuild")
VITE_BUILD = ("@nx/vite:build", "@nrwl/vite:build")
SWC = ("@nx/js:swc", "@nrwl/js:swc")
VITE_DEV = ("@nx/vite:dev-server", "@nrwl/vite:dev-server")
VITE_PLUGIN = "@nx/vite/plugin"
_VITE_EXTENSIONS = ("js", "mjs", "ts", "cjs", "mts", "cts")


def workspace_root(folder: str, is_file: Callable[[str], bool], stop: str) -> Optional[str]:
    """The Nx workspace (the folder with nx.json) at or above ``folder``, not above ``stop``."""
    d = folder
    while True:
        if is_file(os.path.join(d, "nx.json")):
            return d
        up = os.path.dirname(d)
        if d == stop or up == d:
            return None
        d = up


def workspace_builds(root: str, folders: Iterable[str], is_file: Callable[[str], bool],
                     read: Callable[[str], Optional[str]]) -> tuple[Optional[str], list[CjsBuild]]:
    """(the Nx workspace at or above ``root``, the esbuild executor's builds of the projects in
    ``folders`` — read only when there is a workspace); (None, []) outside one."""
    nx_root = workspace_root(root, is_file, os.path.abspath(os.sep))
    if nx_root is None:
        return None, []
    return nx_root, [b for f in dict.fromkeys(folders) for b in nx_builds(nx_root, f, is_file, read)]


def _jsonc(text: Optional[str]):
    """A tsconfig's JSON (comments and trailing commas allowed); False where it is not JSON."""
    from ._jsonc import parse_json

    if text is None:
        return None
    value, error = parse_json(text, lenient=True)
    return False if error is not None and value is None else value


def _json(text: Optional[str]):
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def nx_builds(root: str, project_dir: str, is_file: Callable[[str], bool],
              read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The builds of the Nx project in ``project_dir`` (its project.json, else its
    package.json's `"nx"`) of the workspace ``root``: its esbuild executor's, every format; its
    Angular builder's; its Vite builds and dev servers (the executors', and the targets
    @nx/vite/plugin infers from a vite.config.* beside the project's file)."""
    path = os.path.join(project_dir, "project.json")
    data = _json(read(path)) if is_file(path) else None
    manifest = None
    if data is None:
        path = os.path.join(project_dir, "package.json")
        manifest = _json(read(path)) if is_file(path) else None
        data = manifest.get("nx") if isinstance(manifest, dict) else None
        if data is None and isinstance(manifest, dict):
            data = {}  # (a project by its package.json alone: only inferred targets)
    if not isinstance(data, dict):
        return []
    targets = data.get("targets") if isinstance(data.get("targets"), dict) else {}
    nx = _json(read(os.path.join(root, "nx.json"))) or {}
    defaults = nx.get("targetDefaults") if isinstance(nx, dict) and isinstance(nx.get("targetDefaults"), dict) else {}
    project_root = os.path.relpath(project_dir, root).replace(os.sep, "/")
    project = data.get("name") if isinstance(data.get("name"), str) else \
        manifest.get("name") if isinstance(manifest, dict) and isinstance(manifest.get("name"), str) else \
        os.path.basename(project_dir)
    out: list[CjsBuild] = _inferred_vite(nx, root, project_dir, project, targets, is_file, read)
    for name, target in targets.items():
        if not isinstance(target, dict):
            continue
        by_name = defaults.get(name) if isinstance(defaults.get(name), dict) else {}
        executor = target.get("executor") or by_name.get("executor")
        if executor not in EXECUTORS and executor not in ANGULAR and executor not in ANGULAR_WEBPACK and \
                executor not in VITE_BUILD and executor not in VITE_DEV and executor not in SWC:
            continue
        options = _target_options(target, executor, by_name, defaults)
        if executor in EXECUTORS:
            build = _build(name, options, root, project_root, path, lambda p: _jsonc(read(p)) if is_file(p) else None)
            if build is not None:
                out.append(build)
            continue
        if executor in SWC:
            out += _swc_executor(name, options, root, project_dir, project, path,
                                 data.get("sourceRoot") if isinstance(data.get("sourceRoot"), str) else None,
                                 is_file, read)
            continue
        if executor in VITE_BUILD or executor in VITE_DEV:
            out += _vite_executor(name, executor, options, root, project_dir, project, path, targets, is_file, read)
            continue
        # Angular's application builder, run by Nx with the target's options (paths relative to
        # the workspace root, as in angular.json)
        source_root = data.get("sourceRoot") if isinstance(data.get("sourceRoot"), str) else f"{project_root}/src"
        build = application_build(f"{project}:{name}", root, path, executor,
                                  {k: _tokens(v, project_root) if isinstance(v, str) else v for k, v in options.items()},
                                  source_root)
        if build is not None:
            out.append(build)
    return out


def _target_options(target: dict, executor: object, by_name: dict, defaults: dict) -> dict:
    """The options Nx runs a target's executor with: nx.json's `targetDefaults` (by the
    target's name, then by its executor), the target's `options`, its `defaultConfiguration`'s."""
    options: dict = {}
    for layer in (by_name if by_name.get("executor") in (None, executor) else {}, defaults.get(executor), target):
        if isinstance(layer, dict) and isinstance(layer.get("options"), dict):
            options.update(layer["options"])
    configurations = target.get("configurations")
    chosen = target.get("defaultConfiguration")
    if isinstance(configurations, dict) and isinstance(configurations.get(chosen), dict):
        options.update(configurations[chosen])
    return options


WEBPACK = ("@nx/webpack:webpack", "@nrwl/webpack:webpack")


def webpack_target_options(config: str, is_file: Callable[[str], bool],
                           read: Callable[[str], Optional[str]]) -> Optional[dict]:
    """The options the Nx target whose `@nx/webpack:webpack` executor builds with the webpack
    configuration ``config`` (its `webpackConfig`) runs it with — nx.json's `targetDefaults`,
    the target's `options`, its `defaultConfiguration`'s — which `withNx()` passes to the
    configuration; None where no project.json between its folder and the workspace's root
    names it."""
    folder = os.path.dirname(config)
    root = workspace_root(folder, is_file, os.path.abspath(os.sep))
    if root is None:
        return None
    nx = _json(read(os.path.join(root, "nx.json"))) or {}
    defaults = nx.get("targetDefaults") if isinstance(nx, dict) and isinstance(nx.get("targetDefaults"), dict) else {}
    while True:
        path = os.path.join(folder, "project.json")
        data = _json(read(path)) if is_file(path) else None
        targets = data.get("targets") if isinstance(data, dict) and isinstance(data.get("targets"), dict) else {}
        for name, target in targets.items():
            if not isinstance(target, dict):
                continue
            by_name = defaults.get(name) if isinstance(defaults.get(name), dict) else {}
            executor = target.get("executor") or by_name.get("executor")
            if executor not in WEBPACK:
                continue
            options = _target_options(target, executor, by_name, defaults)
            named = options.get("webpackConfig")
            if isinstance(named, str) and os.path.normpath(os.path.join(root, named)) == os.path.normpath(config):
                return options
        if os.path.normpath(folder) == os.path.normpath(root) or os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def _vite_config(root: str, project_dir: str, config_file: object, is_file: Callable[[str], bool]) -> Optional[str]:
    """The Vite configuration Nx's executors use: `configFile` (relative to the workspace root),
    else the first vite.config.{js,mjs,ts,cjs,mts,cts} in the project's folder."""
    if isinstance(config_file, str) and config_file:
        return os.path.normpath(os.path.join(root, config_file))
    return next((os.path.join(project_dir, f"vite.config.{e}") for e in _VITE_EXTENSIONS
                 if is_file(os.path.join(project_dir, f"vite.config.{e}"))), None)


def _vite_executor(name: str, executor: str, options: dict, root: str, project_dir: str, project: str,
                   path: str, targets: dict, is_file: Callable[[str], bool],
                   read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """@nx/vite:build (Vite's build with the project's configuration, the executor's `target`
    over its `build.target`) and @nx/vite:dev-server (the configuration of its `buildTarget`)."""
    from .vite_lib import vite_command_builds

    if executor in VITE_DEV:
        build_target = options.get("buildTarget")
        other = targets.get(build_target.rpartition(":")[2]) if isinstance(build_target, str) and \
            build_target.rpartition(":")[0] in ("", project) else None
        config_file = other.get("options", {}).get("configFile") if isinstance(other, dict) and \
            isinstance(other.get("options"), dict) else None
        words = ["vite"]
        target_option = None
    else:
        config_file = options.get("configFile")
        words = ["vite", "build"]
        written = options.get("target")
        target_option = None
        if written is not None:
            got = target_words(written) if written is not False else ()
            shown = json.dumps(written)
            target_option = (got or (), f"`\"target\": {shown}` of the target's options in "
                                       f"{os.path.relpath(path, root).replace(os.sep, '/')}")
    config = _vite_config(root, project_dir, config_file, is_file)
    if config is not None:
        words += ["--config", config]
    builds = vite_command_builds([(f"{project}:{name}", words)], project_dir, is_file, read, target_option)
    return [replace(b, declared_in=path) for b in builds]


def _swc_executor(name: str, options: dict, root: str, project_dir: str, project: str, path: str,
                  source_root: Optional[str], is_file: Callable[[str], bool],
                  read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """@nx/js:swc: swc's command line run in the project's folder on its source folder (its
    `sourceRoot`, or src where there is one; the project's folder where `main` is outside it)
    with the project's .swcrc (or `swcrc`, relative to the workspace root) — each file compiled
    alone, as :mod:`swc` reads such a command (Nx 23)."""
    from .swc import swc_command_builds

    main = options.get("main")
    if not isinstance(main, str) or not isinstance(options.get("outputPath"), str):
        return []
    if source_root is not None:
        main_rel = os.path.relpath(os.path.join(root, main), os.path.join(root, source_root))
        input_dir = "." if main_rel.startswith("..") else os.path.relpath(os.path.join(root, source_root), project_dir)
    else:
        input_dir = "src" if os.path.isdir(os.path.join(project_dir, "src")) else "."
    swcrc = options.get("swcrc")
    config = os.path.join(root, swcrc) if isinstance(swcrc, str) and swcrc else os.path.join(project_dir, ".swcrc")
    dest = os.path.relpath(os.path.join(root, options["outputPath"]), project_dir)
    builds = swc_command_builds(f"{project}:{name}", [input_dir or ".", "-d", dest, "--config-file", config],
                                project_dir, is_file, read)
    return [replace(b, declared_in=path) for b in builds]


def _inferred_vite(nx: object, root: str, project_dir: str, project: str, targets: dict,
                   is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The targets @nx/vite/plugin (listed in nx.json's `plugins`) infers for a project whose
    folder has a vite.config.*: `build` runs `vite build` there, `serve` and `dev` run `vite`
    (the plugin's `buildTargetName`, `serveTargetName`, `devTargetName` rename them; a target
    of that name with an executor or command of its own replaces it)."""
    from .vite_lib import vite_command_builds

    plugins = nx.get("plugins") if isinstance(nx, dict) and isinstance(nx.get("plugins"), list) else []
    entry = next((p for p in plugins if p == VITE_PLUGIN or isinstance(p, dict) and p.get("plugin") == VITE_PLUGIN),
                 None)
    if entry is None:
        return []
    config = _vite_config(root, project_dir, None, is_file)
    if config is None or any(is_file(os.path.join(project_dir, f"react-router.config.{e}"))
                             for e in ("ts", "js", "mts", "mjs")):
        return []
    rel = os.path.relpath(config, root).replace(os.sep, "/")
    options = entry.get("options") if isinstance(entry, dict) and isinstance(entry.get("options"), dict) else {}
    if isinstance(entry, dict):
        from wcmatch import glob

        flags = glob.GLOBSTAR | glob.BRACE | glob.DOTGLOB
        include, exclude = entry.get("include"), entry.get("exclude")
        if isinstance(include, list) and include and not glob.globmatch(rel, [i for i in include if isinstance(i, str)],
                                                                          flags=flags):
            return []
        if isinstance(exclude, list) and exclude and glob.globmatch(rel, [i for i in exclude if isinstance(i, str)],
                                                                    flags=flags):
            return []
    commands = []
    for option, default, words in (("buildTargetName", "build", ["vite", "build"]),
                                   ("devTargetName", "dev", ["vite"]), ("serveTargetName", "serve", ["vite"])):
        name = options.get(option) if isinstance(options.get(option), str) else default
        own = targets.get(name)
        if isinstance(own, dict) and (own.get("executor") or own.get("command")):
            continue
        commands.append((f"{project}:{name}", words))
    nx_json = os.path.join(root, "nx.json")
    return [replace(b, declared_in=nx_json, inferred_from=config)
            for b in vite_command_builds(commands, project_dir, is_file, read)]


def _tokens(value: str, project_root: str) -> str:
    return value.replace("{projectRoot}", project_root).replace("{workspaceRoot}/", "").replace("{workspaceRoot}", ".")


def _strings(value) -> Optional[list[str]]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _build(target: str, options: dict, root: str, project_root: str, path: str,
           read_json: Callable[[str], object]) -> Optional[CjsBuild]:
    def unread(why: str) -> CjsBuild:
        return CjsBuild(target, root, (), config=path, unread=why, tool="Nx")

    main = options.get("main")
    extra = _strings(options.get("additionalEntryPoints"))
    formats = options.get("format", ["esm"])
    if isinstance(formats, str):
        formats = [formats]
    external = _strings(options.get("external"))
    esbuild_options = options.get("esbuildOptions") or {}
    if not isinstance(esbuild_options, dict):
        return unread("`esbuildOptions` is not an object")
    more = _strings(esbuild_options.get("external"))
    excluded = _strings(options.get("excludeFromExternal"))
    if not isinstance(main, str) or extra is None or _strings(formats) is None or external is None or more is None \
            or excluded is None:
        return unread("`main`, `additionalEntryPoints`, `format`, `external` or `excludeFromExternal` is not a "
                      "string or a list of strings")
    if options.get("esbuildConfig") is not None:
        return unread("its `esbuildConfig` is a JavaScript file (not read)")
    entries = tuple(_tokens(e, project_root) for e in [main, *extra])
    # (the executor's `target`, esnext by default, is esbuild's: over `esbuildOptions.target`)
    env = options.get("target") if isinstance(options.get("target"), str) else None
    words = target_words(env) or () if env else ()
    shown_target = f"`\"target\": \"{env}\"` of the target's options" if env else ""
    kinds = tuple("cjs" if f == "cjs" else "iife" if f == "iife" else "esm" for f in formats)
    if options.get("bundle", True) is False:
        # each file compiled alone: the entries and the files the project's tsconfig includes
        # (Nx looks for tsconfig.app.json, tsconfig.lib.json, tsconfig.json in the project's
        # folder, its `tsConfig` taken relative to that folder too)
        files = _included(root, project_root, options.get("tsConfig"), read_json)
        if isinstance(files, str):
            return unread(files)
        # (ES modules: the files are esbuild's all the same, not tsc's)
        return CjsBuild(target, root, entries + files, config=path, formats=("cjs",) if "cjs" in kinds else kinds,
                        tool="Nx", bundle=False, target=words, target_from=shown_target)
    return CjsBuild(target, root, entries,
                    external=tuple(("wildcard" if "*" in n else "name", n) for n in [*more, *external]
                                   if n not in excluded),
                    no_external=tuple(("name", n) for n in excluded),
                    every_package=options.get("thirdParty") is not True,
                    config=path, formats=kinds, tool="Nx", target=words, target_from=shown_target)


def _included(root: str, project_root: str, ts_config: object, read_json: Callable[[str], object]):
    """The files Nx's esbuild executor compiles each alone (`bundle: false`): the `include` globs
    of the project's tsconfig (its `tsConfig` joined to the project's folder, else
    tsconfig.app.json, tsconfig.lib.json, tsconfig.json there), less its `exclude`, as entries
    relative to the workspace root; or why not read."""
    names = ([ts_config] if isinstance(ts_config, str) else []) + ["tsconfig.app.json", "tsconfig.lib.json",
                                                                    "tsconfig.json"]
    for name in names:
        data = read_json(os.path.join(root, project_root, name))
        if data is None:
            continue
        if not isinstance(data, dict):
            return f"{name} is not a JSON object"
        include, exclude = _strings(data.get("include")), _strings(data.get("exclude"))
        if include is None or exclude is None:
            return f"the `include` or `exclude` of {name} is not a list of strings"
        base = project_root.rstrip("/") + "/" if project_root not in ("", ".") else ""
        return tuple(base + p.removeprefix("./") for p in include) + \
            tuple("!" + base + p.removeprefix("./") for p in exclude)
    return ()
