"""Values set in a YAML file (a SAM template, a Serverless service) as text: the mapping at a
path of keys found with PyYAML's composer (positions only; tags such as CloudFormation's `!Ref`
left as they are), a plain value replaced where its key is there, else a line added with the
indentation of its neighbours — the mappings on the way created where missing —, and the rest
of the file as written. Flow-style mappings (`{ … }`) and values that are not plain scalars are
refused with the reason. The JSON form of the same files is edited as JSON
(:func:`json_set`)."""
from __future__ import annotations

import json
from typing import Optional, Union

from .config_edit import set_value
from .edits import Fix, Refusal, apply_edits, difference

__all__ = ["yaml_set", "json_set", "values_fix"]

# a value: a string, or a list of strings (a sequence, added only where the key is missing)
Value = Union[str, list]


def _get(node, key: str):
    """(key node, value node) of ``key`` in the mapping ``node``, or None."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    return next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _block(node) -> bool:
    import yaml

    return isinstance(node, yaml.MappingNode) and not node.flow_style and bool(node.value)


def _null(node) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode) and node.value == "" and node.tag.endswith(":null")


def _lines(keys: tuple[str, ...], values: list[tuple[str, Value]], indent: str, eol: str) -> str:
    """``keys`` as nested mappings (each two spaces in) holding ``values``, from ``indent``."""
    out = []
    for depth, key in enumerate(keys):
        out.append(f"{indent}{'  ' * depth}{key}:")
    inner = indent + "  " * len(keys)
    for key, value in values:
        if isinstance(value, list):
            out.append(f"{inner}{key}:")
            out += [f"{inner}  - {v}" for v in value]
        else:
            out.append(f"{inner}{key}: {value}")
    return eol.join(out) + eol


def _line_start(source: str, index: int) -> int:
    return source.rfind("\n", 0, index) + 1


def yaml_set(text: bytes, keys: tuple[str, ...], values: list[tuple[str, Value]],
             title: str) -> Union[bytes, Refusal, None]:
    """``text`` with ``values`` set in the mapping at ``keys`` (each missing key added first in
    the mapping, in the order given; a mapping missing on the way added with them), or why it
    cannot be; None where every value is there already."""
    import yaml

    try:
        source = text.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(title, "the file is not UTF-8 text")
    eol = "\r\n" if "\r\n" in source else "\n"
    changed = False
    insert_at: Optional[int] = None
    for key, value in values:
        try:
            node = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            return Refusal(title, "the file is not YAML tla-lens can read")
        if node is None or _null(node):
            return (source + ("" if source.endswith("\n") or not source else eol) +
                    _lines(keys, values, "", eol)).encode("utf-8")
        parent, key_node = node, None
        for depth, step in enumerate(keys):
            if not _block(parent):
                shown = "the file" if depth == 0 else f"`{'.'.join(keys[:depth])}`"
                return Refusal(title, f"{shown} is not a block mapping")
            found = _get(parent, step)
            if found is None:  # (the rest of the path added, with every value)
                if parent is node:  # (at the top: after the rest of the file)
                    return (source + ("" if source.endswith("\n") else eol) +
                            _lines(keys[depth:], values, "", eol)).encode("utf-8")
                indent = " " * parent.value[0][0].start_mark.column
                at = _line_start(source, parent.value[0][0].start_mark.index)
                return (source[:at] + _lines(keys[depth:], values, indent, eol) + source[at:]).encode("utf-8")
            key_node, child = found
            if _null(child):  # (`esbuild:` with nothing under it: the rest there)
                indent = " " * (key_node.start_mark.column + 2)
                at = source.index(":", key_node.end_mark.index) + 1
                return (source[:at] + eol + _lines(keys[depth + 1:], values, indent, eol).rstrip("\r\n") +
                        source[at:]).encode("utf-8")
            parent = child
        if not _block(parent):
            return Refusal(title, f"`{'.'.join(keys)}` is not a block mapping")
        current = _get(parent, key)
        indent = " " * parent.value[0][0].start_mark.column
        if current is None:
            at = insert_at if insert_at is not None else _line_start(source, parent.value[0][0].start_mark.index)
            line = _lines((), [(key, value)], indent, eol)
            source = source[:at] + line + source[at:]
            insert_at = at + len(line)
        elif isinstance(value, list):
            continue  # (a sequence that is there: kept)
        else:
            node = current[1]
            if not isinstance(node, yaml.ScalarNode) or not node.tag.startswith("tag:yaml.org,2002:"):
                return Refusal(title, f"its `{key}` is not a plain value")
            if node.value == value:
                continue
            source = source[:node.start_mark.index] + value + source[node.end_mark.index:]
        changed = True
    return source.encode("utf-8") if changed else None


def json_set(text: bytes, keys: tuple[str, ...], values: list[tuple[str, Value]],
             title: str) -> Union[bytes, Refusal, None]:
    """The same for a JSON file (comments and layout kept): a list value only where missing."""
    try:
        data = json.loads(text)
    except ValueError:
        return Refusal(title, "the file is not JSON tla-lens can read")
    walked: list[str] = []
    for key in keys:
        if not isinstance(data, dict):
            return Refusal(title, f"`{'.'.join(walked)}` is not an object" if walked else "the file is not an object")
        data = data.get(key, {})
        walked.append(key)
    if not isinstance(data, dict):
        return Refusal(title, f"`{'.'.join(keys)}` is not an object")
    changed = False
    for key, value in values:
        if isinstance(value, list) and key in data:
            continue
        result = set_value(text, keys + (key,), value, title)  # type: ignore[arg-type]
        if isinstance(result, Refusal):
            return result
        if result is not None:
            text = apply_edits(text, result.edits)
            changed = True
    return text if changed else None


def values_fix(text: bytes, json_file: bool, keys: tuple[str, ...], values: list[tuple[str, Value]],
               title: str) -> Union[Fix, Refusal, None]:
    """:func:`yaml_set` (or :func:`json_set` for a JSON file) as one preferred fix: the span
    that differs, replaced."""
    new = (json_set if json_file else yaml_set)(text, keys, values, title)
    if new is None or isinstance(new, Refusal):
        return new
    return Fix(title, [difference(text, new)], preferred=True)
