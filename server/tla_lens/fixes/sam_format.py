"""The edit of an AWS SAM template that makes a function's esbuild build an ES module: in its
`Metadata.BuildProperties`, `Format: esm`, a `Target` with top-level await (es2022) where its
own (or SAM's default, es2020) has none, and `OutExtension: [.js=.mjs]` (as AWS's examples of ES
module functions write it: Lambda runs an `.mjs` handler as an ES module) where the function's
package.json is not `"type": "module"` and no `OutExtension` is set. `BuildProperties` is added
under `Metadata` where there is none.

A YAML template is read with PyYAML's composer (positions only, CloudFormation's tags left as
they are) and edited as text: values replaced, lines inserted with the indentation of their
neighbours, the rest of the file as written. Flow-style mappings (`{ … }`) and values that are
not plain scalars (`!Ref …`) are refused with the reason. A JSON template is edited as JSON.
"""
from __future__ import annotations

from typing import Optional, Union

from .config_edit import set_value
from .edits import Fix, Refusal, apply_edits, difference

__all__ = ["sam_esm", "TLA_TARGET"]

TLA_TARGET = "es2022"
_EXTENSION = ".js=.mjs"


def sam_esm(text: bytes, function: str, json_file: bool, target: bool, format_: bool,
            out_extension: bool) -> Union[Fix, Refusal, None]:
    """The edit of the template ``text`` that builds the function ``function`` as an ES
    module: `Target` set where ``target``, `Format` where ``format_``, `OutExtension` added
    where ``out_extension`` (and none is there). None where there is nothing to change."""
    wanted = ([("Target", TLA_TARGET)] if target else []) + ([("Format", "esm")] if format_ else [])
    shown = ", ".join(f"`{k}: {v}`" for k, v in wanted)
    title = f"Build `{function}` as an ES module ({shown} in its `Metadata.BuildProperties`)"
    if not wanted:
        return None
    new = (_json if json_file else _yaml)(text, function, wanted, out_extension and format_, title)
    if isinstance(new, Refusal) or new is None:
        return new
    return Fix(title, [difference(text, new)], preferred=True)


def _json(text: bytes, function: str, wanted: list, out_extension: bool, title: str) -> Union[bytes, Refusal]:
    base = ("Resources", function, "Metadata", "BuildProperties")
    steps: list[tuple[tuple[str, ...], object]] = [(base + (k,), v) for k, v in wanted]
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return Refusal(title, "the template is not JSON tla-lens can read")
    props: object = data
    walked: list[str] = []
    for key in ("Resources", function, "Metadata", "BuildProperties"):
        if not isinstance(props, dict):
            return Refusal(title, f"`{'.'.join(walked)}` is not an object in the template" if walked else
                           "the template is not an object")
        props = props.get(key, {})
        walked.append(key)
    if out_extension and isinstance(props, dict) and "OutExtension" not in props:
        steps.append((base + ("OutExtension",), [_EXTENSION]))
    for keys, value in steps:
        result = set_value(text, keys, value, title)  # type: ignore[arg-type]
        if isinstance(result, Refusal):
            return result
        if result is not None:
            text = apply_edits(text, result.edits)
    return text


def _yaml(text: bytes, function: str, wanted: list, out_extension: bool, title: str) -> Union[bytes, Refusal, None]:
    import yaml

    try:
        source = text.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(title, "the template is not UTF-8 text")
    eol = "\r\n" if "\r\n" in source else "\n"
    steps = list(wanted) + ([("OutExtension", None)] if out_extension else [])
    changed = False
    insert_at: Optional[int] = None
    for key, value in steps:
        try:
            root = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            return Refusal(title, "the template is not YAML tla-lens can read")
        meta = _path(root, ("Resources", function, "Metadata"))
        if isinstance(meta, str):
            return Refusal(title, meta)
        found = _get(meta, "BuildProperties")
        if found is None:  # (a BuildProperties of its own, first under Metadata)
            ind = _column(meta)
            lines = [f"{ind}BuildProperties:"] + [f"{ind}  {k}: {v}" for k, v in wanted] + \
                ([f"{ind}  OutExtension:", f"{ind}    - {_EXTENSION}"] if out_extension else [])
            at = _line_start(source, meta.value[0][0].start_mark.index)
            return (source[:at] + eol.join(lines) + eol + source[at:]).encode("utf-8")
        bp_key, props = found
        if isinstance(props, yaml.ScalarNode) and props.value == "" and props.tag.endswith(":null"):
            # (`BuildProperties:` with nothing under it)
            ind = _column(meta) + "  "
            lines = [f"{ind}{k}: {v}" for k, v in wanted] + \
                ([f"{ind}OutExtension:", f"{ind}  - {_EXTENSION}"] if out_extension else [])
            at = bp_key.end_mark.index
            rest = source[at:]
            colon = rest.index(":") + 1 if ":" in rest else 0
            return (source[:at + colon] + eol + eol.join(lines) + source[at + colon:]).encode("utf-8")
        if not isinstance(props, yaml.MappingNode) or props.flow_style or not props.value:
            return Refusal(title, f"the `Metadata.BuildProperties` of `{function}` is not a block mapping")
        current = _get(props, key)
        ind = _column(props)
        if current is None or key == "OutExtension":
            if current is not None:
                continue
            # (the keys added first in the mapping, in the order given)
            at = insert_at if insert_at is not None else _line_start(source, props.value[0][0].start_mark.index)
            line = f"{ind}OutExtension:{eol}{ind}  - {_EXTENSION}{eol}" if key == "OutExtension" else \
                f"{ind}{key}: {value}{eol}"
            source = source[:at] + line + source[at:]
            insert_at = at + len(line)
        else:
            node = current[1]
            if not isinstance(node, yaml.ScalarNode) or not node.tag.startswith("tag:yaml.org,2002:"):
                return Refusal(title, f"its `{key}` is not a plain value")
            if node.value == value:
                continue
            source = source[:node.start_mark.index] + str(value) + source[node.end_mark.index:]
        changed = True
    return source.encode("utf-8") if changed else None


def _get(node, key: str):
    """(key node, value node) of ``key`` in the mapping ``node``, or None."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    return next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _path(root, keys: tuple[str, ...]):
    """The block mapping at ``keys``, or why it cannot be edited."""
    import yaml

    node = root
    for key in keys:
        found = _get(node, key)
        if found is None:
            return f"the template has no `{'.'.join(keys[:keys.index(key) + 1])}`"
        node = found[1]
        if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
            return f"`{key}` is not a block mapping in the template"
    return node


def _column(mapping) -> str:
    """The indentation of a block mapping's keys."""
    return " " * mapping.value[0][0].start_mark.column


def _line_start(source: str, index: int) -> int:
    return source.rfind("\n", 0, index) + 1


def package_is_module(manifest: Optional[bytes]) -> bool:
    """Is the function's package.json `"type": "module"` (its `.js` output an ES module)?"""
    import json

    try:
        data = json.loads(manifest or b"")
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("type") == "module"
