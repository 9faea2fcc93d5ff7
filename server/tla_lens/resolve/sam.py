"""AWS SAM's esbuild builds: the Lambda functions of a SAM template (template.yaml, .yml or
.json) that `sam build` bundles with esbuild (read, never run).

A function counts when its resource is an `AWS::Serverless::Function` (or a plain
`AWS::Lambda::Function` whose `Code` is a folder: SAM builds those too, without the `Globals`)
whose `Metadata` says `BuildMethod: esbuild`. Its entries are the `EntryPoints` of its
`Metadata.BuildProperties` (relative to its `CodeUri` — or `Globals.Function.CodeUri` — or its
`Code`), else the file its `Handler` names; the functions of the nested stacks a template names
by a local template (`AWS::Serverless::Application`'s `Location`, `AWS::CloudFormation::Stack`'s
`TemplateURL`) count as well
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

__all__ = ["load_template", "sam_builds", "sam_folders", "sam_templates", "TEMPLATE_NAMES", "SAMCONFIG_NAMES"]

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
SAMCONFIG_NAMES = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")
_TEMPLATE_OPTIONS = ("-t", "--template", "--template-file")
_SAM_VALUED = frozenset({*_TEMPLATE_OPTIONS, "--config-file", "--config-env", "-b", "--build-dir", "-s",
                         "--base-dir", "-e", "--container-env-var", "-ef", "--container-env-var-file",
                         "--build-image", "--parameter-overrides", "-m", "--manifest", "-cd", "--cache-dir",
                         "--docker-network", "--hook-name", "-mw", "--mount-with", "--region",
                         "--profile", "-x", "--exclude"})
_HANDLER_EXTENSIONS = (".ts", ".js", ".mjs", ".mts", ".cjs", ".cts")
DEFAULT_TARGET = "es2020"
_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def load_template(text: str, json_file: bool) -> Optional[dict]:
    """The template (or Serverless service file) as data (CloudFormation's tags as None), or
    None when it is not a mapping."""
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


def _config_template(path: str, env: str, read: Callable[[str], Optional[str]]) -> Optional[str]:
    """The `template_file` a samconfig file (TOML or YAML) gives `sam build` in environment
    ``env`` (its `build` parameters, else its `global` ones), or None."""
    text = read(path)
    if not text or "template" not in text:
        return None
    if path.endswith(".toml"):
        from .scripts import read_toml

        data: object = read_toml(text)
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return None
    section = data.get(env) if isinstance(data, dict) else None
    for command in ("build", "global"):
        params = section.get(command) if isinstance(section, dict) else None
        params = params.get("parameters") if isinstance(params, dict) else None
        value = (params.get("template_file") or params.get("template")) if isinstance(params, dict) else None
        if isinstance(value, str) and value:
            return value
    return None


def sam_templates(folder: str, is_file: Callable[[str], bool], read: Callable[[str], Optional[str]]) -> list[str]:
    """The templates `sam build` reads when it runs in ``folder``: the one its samconfig file
    names (`template_file`), else the first of template.yaml, .yml, .json; and those the
    package.json scripts there pass with `-t`/`--template-file` (or name through a
    `--config-file`). Paths are relative to ``folder`` (where SAM runs), as SAM takes them."""
    def configured(config: str, env: str) -> Optional[str]:
        path = os.path.join(folder, config)
        return _config_template(path, env, read) if is_file(path) else None

    config = next((n for n in SAMCONFIG_NAMES if is_file(os.path.join(folder, n))), None)
    default = (configured(config, "default") if config else None) or \
        next((n for n in TEMPLATE_NAMES if is_file(os.path.join(folder, n))), None)
    named = [default] if default else []
    pkg = os.path.join(folder, "package.json")
    text = read(pkg) if is_file(pkg) else None
    try:  # (looked for on every recompute: parsed only where a script may run sam)
        manifest = json.loads(text) if text and "sam" in text else None
    except ValueError:
        manifest = None
    from .scripts import program_words, script_commands, split_options

    for _, words in script_commands(manifest.get("scripts") if isinstance(manifest, dict) else None, "sam"):
        words = program_words(words, ("sam",)) or []
        if len(words) < 2 or words[1] != "build":
            continue
        _, options, _ = split_options(words[2:], _SAM_VALUED)
        given = [v for o in _TEMPLATE_OPTIONS for v in options.get(o, [])]
        env = (options.get("--config-env") or ["default"])[-1]
        if given:
            named.append(given[-1])
        elif "--config-file" in options or env != "default":
            named.append(configured(options.get("--config-file", [config or SAMCONFIG_NAMES[0]])[-1], env) or
                         default or "")
    return [t for t in dict.fromkeys(os.path.normpath(t) for t in named if t)
            if is_file(os.path.join(folder, t))]


def sam_builds(folder: str, is_file: Callable[[str], bool], read: Callable[[str], Optional[str]],
               templates: Optional[list[str]] = None) -> list[CjsBuild]:
    """The esbuild builds of the SAM templates `sam build` reads in ``folder``
    (``templates``, by default :func:`sam_templates`), every format."""
    out: list[CjsBuild] = []
    for template in sam_templates(folder, is_file, read) if templates is None else templates:
        path = os.path.normpath(os.path.join(folder, template))
        out += _template_builds(path, os.path.dirname(path), is_file, read, set())
    return out


# nested stacks `sam build` builds too: (resource type, the property naming the local template)
_NESTED = {"AWS::Serverless::Application": "Location", "AWS::CloudFormation::Stack": "TemplateURL"}


def _template_builds(path: str, folder: str, is_file: Callable[[str], bool],
                     read: Callable[[str], Optional[str]], seen: set) -> list[CjsBuild]:
    """The esbuild builds of the template at ``path`` (its `CodeUri`s relative to ``folder``)
    and of the nested stacks it names by a local template (``seen``: the templates on the way)."""
    text = read(path) if path not in seen and len(seen) < 32 else None
    if text is None or "esbuild" not in text and not any(p in text for p in _NESTED.values()):
        return []
    seen.add(path)
    data = read_once("sam", path, text, lambda: load_template(text, path.endswith(".json")), lambda why: None)
    resources = data.get("Resources") if data is not None else None
    if not isinstance(resources, dict):
        return []
    glob = data.get("Globals") if isinstance(data.get("Globals"), dict) else {}
    glob_fn = glob.get("Function") if isinstance(glob.get("Function"), dict) else {}
    out: list[CjsBuild] = []
    for name, res in resources.items():
        nested = _NESTED.get(res.get("Type")) if isinstance(res, dict) else None  # type: ignore[arg-type]
        if nested is not None:  # (a local template: `sam build` builds its functions as well)
            props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
            where = props.get(nested)
            if isinstance(where, str) and "://" not in where:
                child = os.path.normpath(os.path.join(folder, where))
                if is_file(child):
                    out += _template_builds(child, os.path.dirname(child), is_file, read, seen)
            continue
        if not isinstance(res, dict) or res.get("Type") not in _FUNCTION_TYPES:
            continue
        meta = res.get("Metadata") if isinstance(res.get("Metadata"), dict) else {}
        if meta.get("BuildMethod") != "esbuild":
            continue
        props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
        if res["Type"] == "AWS::Lambda::Function":  # (no Globals; `Code` is the folder)
            out.append(_function(str(name), path, folder, {**props, "CodeUri": props.get("Code")}, {}, meta,
                                 is_file, read, code_key="Code"))
        else:
            out.append(_function(str(name), path, folder, props, glob_fn, meta, is_file, read))
    return out


def _function(name: str, template: str, folder: str, props: dict, glob_fn: dict, meta: dict,
              is_file: Callable[[str], bool], read: Callable[[str], Optional[str]],
              code_key: str = "CodeUri") -> CjsBuild:
    code_uri = props.get("CodeUri", glob_fn.get("CodeUri", "."))
    bp = meta.get("BuildProperties") if isinstance(meta.get("BuildProperties"), dict) else {}
    if not isinstance(code_uri, str):
        return CjsBuild(name, folder, (), config=template, unread=f"its `{code_key}` is not a folder of the project",
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
