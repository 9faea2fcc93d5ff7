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
apply over its own, as `nx build` runs it. A target with `esbuildConfig` (a JavaScript file)
or `bundle: false` (each file of the project compiled alone) is not modelled (its build's
`unread` says why).

A target that runs Angular's application builder (`@angular/build:application`, or Nx's
`@nx/angular:application`) gives the build :mod:`angular` reads from angular.json, with the
target's options merged the same way.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Iterable, Optional

from .angular import BUILDERS as ANGULAR, WEBPACK as ANGULAR_WEBPACK, application_build
from .targets import target_words
from .tsup import CjsBuild

__all__ = ["nx_builds", "workspace_builds", "EXECUTORS", "workspace_root"]

EXECUTORS = ("@nx/esbuild:esbuild", "@nrwl/esbuild:esbuild")


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


def _json(text: Optional[str]):
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def nx_builds(root: str, project_dir: str, is_file: Callable[[str], bool],
              read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The esbuild executor's builds of the Nx project in ``project_dir`` (its project.json,
    else its package.json's `"nx"`) of the workspace ``root``, every format."""
    path = os.path.join(project_dir, "project.json")
    data = _json(read(path)) if is_file(path) else None
    if data is None:
        path = os.path.join(project_dir, "package.json")
        manifest = _json(read(path)) if is_file(path) else None
        data = manifest.get("nx") if isinstance(manifest, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("targets"), dict):
        return []
    nx = _json(read(os.path.join(root, "nx.json"))) or {}
    defaults = nx.get("targetDefaults") if isinstance(nx, dict) and isinstance(nx.get("targetDefaults"), dict) else {}
    project_root = os.path.relpath(project_dir, root).replace(os.sep, "/")
    out: list[CjsBuild] = []
    for name, target in data["targets"].items():
        if not isinstance(target, dict):
            continue
        by_name = defaults.get(name) if isinstance(defaults.get(name), dict) else {}
        executor = target.get("executor") or by_name.get("executor")
        if executor not in EXECUTORS and executor not in ANGULAR and executor not in ANGULAR_WEBPACK:
            continue
        options: dict = {}
        for layer in (by_name if by_name.get("executor") in (None, executor) else {}, defaults.get(executor), target):
            if isinstance(layer, dict) and isinstance(layer.get("options"), dict):
                options.update(layer["options"])
        configurations = target.get("configurations")
        chosen = target.get("defaultConfiguration")
        if isinstance(configurations, dict) and isinstance(configurations.get(chosen), dict):
            options.update(configurations[chosen])
        if executor in EXECUTORS:
            out.append(_build(name, options, root, project_root, path))
            continue
        # Angular's application builder, run by Nx with the target's options (paths relative to
        # the workspace root, as in angular.json)
        source_root = data.get("sourceRoot") if isinstance(data.get("sourceRoot"), str) else f"{project_root}/src"
        project = data.get("name") if isinstance(data.get("name"), str) else os.path.basename(project_dir)
        build = application_build(f"{project}:{name}", root, path, executor,
                                  {k: _tokens(v, project_root) if isinstance(v, str) else v for k, v in options.items()},
                                  source_root)
        if build is not None:
            out.append(build)
    return out


def _tokens(value: str, project_root: str) -> str:
    return value.replace("{projectRoot}", project_root).replace("{workspaceRoot}/", "").replace("{workspaceRoot}", ".")


def _strings(value) -> Optional[list[str]]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _build(target: str, options: dict, root: str, project_root: str, path: str) -> CjsBuild:
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
    if options.get("bundle", True) is False:
        return unread("`bundle: false` (each file of the project compiled alone) is not modelled")
    entries = tuple(_tokens(e, project_root) for e in [main, *extra])
    # (the executor's `target`, esnext by default, is esbuild's: over `esbuildOptions.target`)
    env = options.get("target") if isinstance(options.get("target"), str) else None
    return CjsBuild(target, root, entries,
                    external=tuple(("wildcard" if "*" in n else "name", n) for n in [*more, *external]
                                   if n not in excluded),
                    no_external=tuple(("name", n) for n in excluded),
                    every_package=options.get("thirdParty") is not True,
                    config=path, formats=tuple("cjs" if f == "cjs" else "iife" if f == "iife" else "esm"
                                               for f in formats),
                    tool="Nx", target=target_words(env) or () if env else (),
                    target_from=f"`\"target\": \"{env}\"` of the target's options" if env else "")
