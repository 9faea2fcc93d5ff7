"""Angular apps, which the Angular CLI builds with esbuild (read from angular.json, never run).

Angular's application builder (`@angular/build:application`, and its older names
`@angular-devkit/build-angular:application` and `:browser-esbuild`; Angular 21) bundles
everything the app's entries reach — the project's modules and its packages', lazily loaded
routes (`import()`) too — with esbuild. An app that has Zone.js (a `polyfills` entry that is
`zone.js`, or any file path: Angular's own test, `isZonelessApp`) gets esbuild's `supported:
{"async-await": false}`, so that async functions are compiled into generators Zone.js can
follow; a top-level await has no such form, and esbuild refuses it: "Top-level await is not
available in the configured target environment", and `ng build` fails (checked by building
apps with `ng build`). A zoneless app (no Zone.js) keeps native async/await, and its bundles
take a top-level await.

The entries are the build target's `browser` (`main` for `browser-esbuild`; default: the
project's `sourceRoot`/main.ts) and `server` (the server bundle is built the same way); paths
are relative to the workspace (the folder of angular.json). The options of the target's
`defaultConfiguration` apply over its own, as `ng build` runs it. `externalDependencies` are
kept out of the bundles. webpack's builder (`@angular-devkit/build-angular:browser`) is listed
unread.
"""
from __future__ import annotations

import os
import re
from typing import Callable, Optional

from ._jsonc import parse_json
from .tsup import CjsBuild

__all__ = ["angular_builds", "application_build", "BUILDERS"]

BUILDERS = {
    "@angular/build:application": "browser",
    "@angular-devkit/build-angular:application": "browser",
    "@angular-devkit/build-angular:browser-esbuild": "main",
    # (Nx's executors that run the same builder, in a project.json)
    "@nx/angular:application": "browser",
    "@nx/angular:browser-esbuild": "main",
}
WEBPACK = ("@angular-devkit/build-angular:browser", "@angular-devkit/build-angular:server",
            "@nx/angular:webpack-browser", "@nx/angular:webpack-server")
_FILE = re.compile(r"\.[mc]?[jt]s$")


def zoneless(polyfills: list[str]) -> bool:
    """Angular's test (`isZonelessApp`): no polyfill is `zone.js` or a file."""
    return not any(p == "zone.js" or _FILE.search(p) for p in polyfills)


def angular_builds(workspace: str, is_file: Callable[[str], bool],
                   read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The esbuild builds of the applications of the Angular workspace in ``workspace`` (its
    angular.json), each with its entries; [] where there is no angular.json."""
    path = os.path.join(workspace, "angular.json")
    if not is_file(path):
        return []
    data, _ = parse_json(read(path) or "", lenient=True)  # (the Angular CLI takes comments)
    if data is None:
        return [CjsBuild("", workspace, (), config=path, unread="angular.json is not JSON", tool="Angular",
                         formats=("esm",))]
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return []
    out: list[CjsBuild] = []
    for name, project in projects.items():
        if not isinstance(project, dict):
            continue
        targets = project.get("architect") or project.get("targets")
        if not isinstance(targets, dict):
            continue
        for target_name, target in targets.items():
            if not isinstance(target, dict) or not isinstance(target.get("builder"), str):
                continue
            build = _build(workspace, path, name, project, target_name, target)
            if build is not None:
                out.append(build)
    return out


def _build(workspace: str, path: str, name: str, project: dict, target_name: str, target: dict) -> Optional[CjsBuild]:
    builder = target["builder"]
    options: dict = dict(target.get("options") or {}) if isinstance(target.get("options"), dict) else {}
    configurations = target.get("configurations")
    chosen = target.get("defaultConfiguration")
    if isinstance(configurations, dict) and isinstance(configurations.get(chosen), dict):
        options.update(configurations[chosen])
    source_root = project.get("sourceRoot")
    if not isinstance(source_root, str):
        root = project.get("root") if isinstance(project.get("root"), str) else ""
        source_root = f"{root}/src" if root else "src"
    return application_build(f"{name}:{target_name}", workspace, path, builder, options, source_root)


def application_build(script: str, workspace: str, config: str, builder: str, options: dict,
                      source_root: str) -> Optional[CjsBuild]:
    """The build the application builder ``builder`` makes with ``options`` (merged as the
    command that runs it merges them; paths relative to ``workspace``), named ``script``
    ("project:target", as `ng run` names it); None for another builder, an unread build for
    webpack's."""
    def unread(why: str) -> CjsBuild:
        return CjsBuild(script, workspace, (), config=config, unread=why, tool="Angular", formats=("esm",))

    if builder in WEBPACK:
        return unread(f"its builder `{builder}` (webpack) is not modelled")
    entry_option = BUILDERS.get(builder)
    if entry_option is None:
        return None
    polyfills = options.get("polyfills", [])
    if isinstance(polyfills, str):
        polyfills = [polyfills]
    external = options.get("externalDependencies", [])
    if not isinstance(polyfills, list) or not all(isinstance(p, str) for p in polyfills) or \
            not isinstance(external, list) or not all(isinstance(x, str) for x in external):
        return unread("its `polyfills` or `externalDependencies` is not a list of strings")
    main = options.get(entry_option)
    if main is None and entry_option == "browser" and options.get("entryPoints") is None:
        main = f"{source_root}/main.ts"
    if not isinstance(main, str) or not main:
        return unread(f"its `{entry_option}` is not a file name")
    entries = [main]
    if isinstance(options.get("server"), str) and options["server"]:
        entries.append(options["server"])
    return CjsBuild(script, workspace, tuple(os.path.normpath(e).replace(os.sep, "/") for e in entries),
                    external=tuple(("name", x) for x in external), config=config, formats=("esm",),
                    tool="Angular", zone=not zoneless(polyfills))
