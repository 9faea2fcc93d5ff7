"""AWS SAM's esbuild builds: the Lambda functions of a SAM template (template.yaml, .yml or
.json) that `sam build` bundles with esbuild (read, never run).

A function counts when its resource is an `AWS::Serverless::Function` whose `Metadata` says
`BuildMethod: esbuild`. Its entries are the `EntryPoints` of its `Metadata.BuildProperties`
(relative to its `CodeUri`, or `Globals.Function.CodeUri`), else the file its `Handler` names
(`app.handler`: app.ts or app.js). SAM (1.170, through aws-lambda-builders) bundles for
`--platform=node` with `--target=es2020` and `--format=cjs` unless `Target` and `Format` say
otherwise: a top-level await in the bundle fails `sam build` — for the default target first
("Top-level await is not available in the configured target environment ("es2020")"), also in
ES module format —, and a package `External` lists is a `require()` in a CommonJS bundle.

Templates are YAML with CloudFormation's tags (`!Ref`, `!Sub`, …: read as unknown values) or
JSON; a template that cannot be read is skipped, one function read otherwise is listed unread.
Checked with SAM CLI 1.170 building functions and Node 26 requiring the bundles.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterable, Optional

from .targets import target_words
from .tsup import CjsBuild, read_once

__all__ = ["sam_builds", "sam_folders", "TEMPLATE_NAMES"]

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
_HANDLER_EXTENSIONS = (".ts", ".js", ".mjs", ".mts", ".cjs", ".cts")
DEFAULT_TARGET = "es2020"


def _load(text: str, json_file: bool) -> Optional[dict]:
    """The template as data (CloudFormation's tags as None), or None when it is not a mapping."""
    if json_file:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None
    import yaml  # (only where a template is there)

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc, valid-type]
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader with CloudFormation's tags
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def sam_folders(root: Path, package_dirs: Iterable[Path]) -> list[str]:
    """Where templates are looked for: the folder analysed, the packages in it and the folders
    between (a SAM app's template sits above the packages its functions' `CodeUri`s name)."""
    found = {root}
    for d in package_dirs:
        found.update(p for p in (d, *d.parents) if p == root or root in p.parents)
    return sorted(str(p) for p in found)


def sam_builds(folder: str, is_file: Callable[[str], bool],
               read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The esbuild builds of the SAM template in ``folder`` (the first of its names), every
    format."""
    path = next((os.path.join(folder, n) for n in TEMPLATE_NAMES if is_file(os.path.join(folder, n))), None)
    text = read(path) if path is not None else None
    if path is None or text is None or "esbuild" not in text:
        return []
    data = read_once("sam", path, text, lambda: _load(text, path.endswith(".json")), lambda why: None)
    resources = data.get("Resources") if data is not None else None
    if not isinstance(resources, dict):
        return []
    glob = data.get("Globals") if isinstance(data.get("Globals"), dict) else {}
    glob_fn = glob.get("Function") if isinstance(glob.get("Function"), dict) else {}
    out: list[CjsBuild] = []
    for name, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Serverless::Function":
            continue
        meta = res.get("Metadata") if isinstance(res.get("Metadata"), dict) else {}
        if meta.get("BuildMethod") != "esbuild":
            continue
        props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
        out.append(_function(str(name), path, folder, props, glob_fn, meta, is_file, read))
    return out


def _function(name: str, template: str, folder: str, props: dict, glob_fn: dict, meta: dict,
              is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]) -> CjsBuild:
    code_uri = props.get("CodeUri", glob_fn.get("CodeUri", "."))
    bp = meta.get("BuildProperties") if isinstance(meta.get("BuildProperties"), dict) else {}
    if not isinstance(code_uri, str):
        return CjsBuild(name, folder, (), config=template, unread="its `CodeUri` is not a folder of the project",
                        formats=("cjs",), tool="SAM")
    code_dir = os.path.normpath(os.path.join(folder, code_uri))
    entries = bp.get("EntryPoints")
    if entries is None:
        handler = props.get("Handler", glob_fn.get("Handler"))
        stem = handler.rsplit(".", 1)[0] if isinstance(handler, str) and "." in handler else None
        found = next((stem + e for e in _HANDLER_EXTENSIONS if stem and is_file(os.path.join(code_dir, stem + e))),
                     None)
        entries = [found] if found else []
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return CjsBuild(name, code_dir, (), config=template, unread="its `EntryPoints` is not a list of files",
                        formats=("cjs",), tool="SAM")
    fmt = bp.get("Format", "cjs")
    fmt = fmt if fmt in ("cjs", "esm", "iife") else "cjs"
    target = bp.get("Target", DEFAULT_TARGET)
    target = target if isinstance(target, str) else DEFAULT_TARGET
    external = bp.get("External")
    external = [x for x in external if isinstance(x, str)] if isinstance(external, list) else []
    if "./node_modules/*" in external:  # (aws-lambda-builders: every dependency of the package.json)
        try:
            manifest = json.loads(read(os.path.join(code_dir, "package.json")) or "")
        except ValueError:
            manifest = {}
        deps = manifest.get("dependencies") if isinstance(manifest, dict) else None
        external = [x for x in external if x != "./node_modules/*"] + \
            [d for d in (deps if isinstance(deps, dict) else {}) if isinstance(d, str)]
    shown = f"`Target: {target}` in its BuildProperties" if "Target" in bp else \
        f"SAM's default, `--target={DEFAULT_TARGET}`"
    return CjsBuild(name, code_dir, tuple(entries), tuple(("wildcard" if "*" in x else "name", x) for x in external),
                    config=template, formats=(fmt,), tool="SAM", target=target_words(target) or (),
                    target_from=shown)
