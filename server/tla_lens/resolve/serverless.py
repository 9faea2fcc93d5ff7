"""The Serverless Framework's serverless-esbuild plugin: the functions of a serverless.yml
(.yaml, .json) that the plugin bundles with esbuild when the service is packaged (read, never
run).

A service counts when its `plugins` (a list, or `plugins.modules`) name `serverless-esbuild`.
Each function (not `skipEsbuild`) is an esbuild bundle of the file its `esbuildEntrypoint` or
`handler` names (`src/app.handler`: src/app with the first of `resolveExtensions`, by default
.ts, .js, .jsx, .tsx, or src/app/index with one), relative to the service folder. The options
are `custom.esbuild`'s over the plugin's defaults (serverless-esbuild 1.57): `bundle: true`,
`platform: node`, esbuild's format for it (CommonJS; ES modules for `platform: neutral`), the
target that `provider.runtime` names (nodejs20.x: node20; `node18` without one), and as
externals `external` with `exclude` (default `aws-sdk`; none for `*`). A top-level await in a
CommonJS bundle fails `serverless package` ("Top-level await is currently not supported with
the "cjs" output format"), as it does for a target without top-level await (nodejs14.x and
before); an external package is a `require()` in a CommonJS bundle.

Options in a JavaScript file (`custom.esbuild.config`), values made by Serverless variables
(`${…}`) and JavaScript or TypeScript service files (serverless.ts) are not read: such a
function is listed unread. Checked with Serverless Framework 3.40 and serverless-esbuild 1.57
packaging services, and Node 26 running the bundles.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Optional

from .sam import load_template
from .targets import target_words
from .tsup import CjsBuild, read_once

__all__ = ["serverless_builds", "SERVICE_NAMES", "PLUGIN"]

SERVICE_NAMES = ("serverless.yml", "serverless.yaml", "serverless.json")
PLUGIN = "serverless-esbuild"
_EXTENSIONS = (".ts", ".js", ".jsx", ".tsx")
DEFAULT_TARGET = "node18"
# (the plugin's `providerRuntimeMatcher`: the runtimes it bundles for, by provider)
_AWS = {f"nodejs{v}.x": f"node{v}" for v in (12, 14, 16, 18, 20, 22, 24)}
_RUNTIMES = {"aws": _AWS, "google": {f"nodejs{v}": f"node{v}" for v in (12, 14, 16, 18, 20, 22, 24)},
             "azure": {f"nodejs{v}": f"node{v}" for v in (12, 14, 16, 18)},
             "scaleway": {f"node{v}": f"node{v}" for v in (12, 14, 16, 18, 20, 22)}}


def _variable(value: object) -> bool:
    """Is ``value`` (or a string in it) made by a Serverless variable (`${…}`)?"""
    return "${" in json.dumps(value, default=str)


def _strings(value: object) -> Optional[list[str]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def serverless_builds(folder: str, is_file: Callable[[str], bool],
                      read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The esbuild builds of the service in ``folder`` (its first serverless.yml, .yaml, .json)
    where serverless-esbuild is among its plugins, every format."""
    path = next((os.path.join(folder, n) for n in SERVICE_NAMES if is_file(os.path.join(folder, n))), None)
    text = read(path) if path is not None else None
    if path is None or text is None or PLUGIN not in text:
        return []
    data = read_once("serverless", path, text, lambda: load_template(text, path.endswith(".json")),
                     lambda why: None)
    if not isinstance(data, dict):
        return []
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        plugins = plugins.get("modules")
    if not isinstance(plugins, list) or PLUGIN not in plugins:
        return []
    functions = data.get("functions")
    if not isinstance(functions, dict):
        return []
    provider = data.get("provider") if isinstance(data.get("provider"), dict) else {}
    custom = data.get("custom") if isinstance(data.get("custom"), dict) else {}
    options = custom.get("esbuild", {})
    service = _service_options(options, provider)  # (the same for every function: read once)
    out: list[CjsBuild] = []
    for name, fn in functions.items():
        if not isinstance(fn, dict) or fn.get("skipEsbuild"):
            continue
        entrypoint = fn.get("esbuildEntrypoint") or fn.get("handler")
        why = service if isinstance(service, str) else \
            "its `handler` is not a plain string" if not isinstance(entrypoint, str) or _variable(entrypoint) else None
        if why is not None:
            out.append(CjsBuild(str(name), folder, (), config=path, unread=why, formats=("cjs",), tool=PLUGIN))
            continue
        assert isinstance(service, dict) and isinstance(entrypoint, str)
        ext = os.path.splitext(entrypoint)[1]
        stem = entrypoint[:entrypoint.rfind(ext)] if ext else entrypoint
        entry = next((c for e in service["extensions"] for c in (stem + e, os.path.join(stem, "index") + e)
                      if is_file(os.path.normpath(os.path.join(folder, c)))), None)
        out.append(CjsBuild(str(name), folder, (entry,) if entry else (), service["external"], config=path,
                            formats=(service["format"],), tool=PLUGIN, bundle=service["bundle"],
                            target=service["target"], target_from=service["target_from"]))
    return out


def _service_options(options: object, provider: dict) -> "dict | str":
    """What `custom.esbuild` (over the plugin's defaults) and `provider.runtime` make of every
    function's build, or why they are not read."""
    if not isinstance(options, dict):
        return "its `custom.esbuild` is not a mapping"
    if options.get("config") is not None:
        return "its esbuild options come from a JavaScript file (`custom.esbuild.config`), which tla-lens does not run"
    used = {k: options.get(k) for k in ("format", "platform", "target", "bundle", "external", "exclude",
                                        "resolveExtensions") if k in options}
    if _variable(used) or _variable(provider.get("runtime")):
        return "its esbuild options or runtime use Serverless variables (`${…}`)"
    external, exclude = _strings(used.get("external")), _strings(used.get("exclude", ["aws-sdk"]))
    if external is None or exclude is None:
        return "its `external` or `exclude` is not a list of names"
    fmt = used.get("format") or ("esm" if used.get("platform", "node") == "neutral" else "cjs")
    runtime = _RUNTIMES.get(str(provider.get("name", "aws")), {}).get(str(provider.get("runtime")))
    target = used.get("target")
    if target is not None:
        words = target_words(target) or ()
        shown = f"`target: {target if isinstance(target, str) else ','.join(words)}` in `custom.esbuild`"
    else:
        words = (runtime or DEFAULT_TARGET,)
        shown = (f"the target serverless-esbuild takes from `runtime: {provider.get('runtime')}`, "
                 f"`--target={runtime}`" if runtime else f"serverless-esbuild's default, `--target={DEFAULT_TARGET}`")
    kept = external + ([] if "*" in exclude else exclude)
    return {"extensions": _strings(used.get("resolveExtensions")) or list(_EXTENSIONS),
            "format": fmt if fmt in ("cjs", "esm", "iife") else "cjs", "target": words, "target_from": shown,
            "external": tuple(("wildcard" if "*" in x else "name", x) for x in kept),
            "bundle": used.get("bundle", True) is not False}
