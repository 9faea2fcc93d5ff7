"""An edit of the project's configuration: a module added to `allowAsync` (async on purpose),
in tla-lens.json (JSON with comments) or in package.json's `"tlaLens"` object; a value set in a
JSON configuration of a tool (the tsconfig's `compilerOptions.target`).

The file is read with tree-sitter's JavaScript grammar (JSON with comments and trailing commas
is a JavaScript object literal once parenthesised), so the edit is a few inserted characters
and the user's comments, order and layout stay as they are.
"""
from __future__ import annotations

import json
from typing import Optional, Union

from ..syntax.facts import Dialect, Span
from ..syntax.grammar import parser
from .edits import Fix, Refusal, TextEdit

KEY = "allowAsync"
TLA_TARGET = "ES2022"  # (TypeScript's first target with top-level await)


def _string(node, src: bytes) -> Optional[str]:
    """The value of a string node (double- or single-quoted); None when it cannot be read."""
    text = src[node.start_byte:node.end_byte].decode("utf-8", "replace")
    try:
        return json.loads(text) if text.startswith('"') else text[1:-1]
    except ValueError:
        return None


def _key(pair, src: bytes) -> Optional[str]:
    k = pair.child_by_field_name("key")
    if k is None:
        return None
    if k.type == "string":
        return _string(k, src)
    return src[k.start_byte:k.end_byte].decode("utf-8", "replace")


def _object(text: bytes):
    """The top-level object of a JSON(C) document, as tree-sitter nodes over ``b"(" + text +
    b")"`` (offsets one more than in ``text``); None when the document is not one object."""
    tree = parser(Dialect.JS).parse(b"(" + text + b")")
    root = tree.root_node
    if root.has_error or root.named_child_count != 1:
        return None
    stmt = root.named_children[0]
    expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
    inner = expr.named_children[0] if expr is not None and expr.type == "parenthesized_expression" \
        and expr.named_children else None
    return inner if inner is not None and inner.type == "object" else None


def _pairs(obj, src: bytes) -> list:
    return [c for c in obj.named_children if c.type == "pair"]


def allow_async(text: bytes, pattern: str, inside: Optional[str] = None,
                title: str = "") -> Union[Fix, Refusal, None]:
    """The edit that adds ``pattern`` to `allowAsync` of the configuration ``text`` (its
    top-level object, or its ``inside`` object: package.json's "tlaLens", created when there
    is none). None: the pattern is already there."""
    obj = _object(text)
    if obj is None:
        return Refusal(title, "the configuration file is not a JSON object tla-lens can edit")
    src = b"(" + text + b")"
    value = json.dumps(pattern)

    def insert_key(o, body: str) -> list[TextEdit]:
        return _first_member(o, src, body)

    target = obj
    if inside is not None:
        holder = next((p for p in _pairs(obj, src) if _key(p, src) == inside), None)
        if holder is None:
            return Fix(title, insert_key(obj, f"{json.dumps(inside)}: {{ {json.dumps(KEY)}: [{value}] }}"))
        target = holder.child_by_field_name("value")
        if target is None or target.type != "object":
            return Refusal(title, f'"{inside}" is not an object')
    pair = next((p for p in _pairs(target, src) if _key(p, src) == KEY), None)
    if pair is None:
        return Fix(title, insert_key(target, f"{json.dumps(KEY)}: [{value}]"))
    arr = pair.child_by_field_name("value")
    if arr is None or arr.type != "array":
        return Refusal(title, f'"{KEY}" is not a list')
    return _append(arr, src, pattern, title)


def _append(arr, src: bytes, value: str, title: str) -> Optional[Fix]:
    """The JSON string ``value`` added at the end of the array ``arr`` of ``src`` (the document
    parenthesised: offsets one more than in the file), on a line of its own where the items
    are one per line; None where it is there already."""
    items = [c for c in arr.named_children if c.type != "comment"]
    if any(item.type == "string" and _string(item, src) == value for item in items):
        return None
    body = json.dumps(value)
    if not items:
        return Fix(title, [TextEdit(Span(arr.start_byte, arr.end_byte - 2), body)])
    last = items[-1]
    line = src.rfind(b"\n", 0, last.start_byte) + 1
    if len(items) > 1 or src[arr.start_byte:last.start_byte].count(b"\n"):
        ind = src[line:last.start_byte]
        if ind.strip() == b"":  # (one item per line)
            eol = "\r\n" if src[line - 2:line] == b"\r\n" else "\n"
            return Fix(title, [TextEdit(Span(last.end_byte - 1, last.end_byte - 1),
                                        "," + eol + ind.decode("utf-8", "replace") + body)])
    return Fix(title, [TextEdit(Span(last.end_byte - 1, last.end_byte - 1), ", " + body)])


def append_string(text: bytes, keys: tuple[str, ...], value: str, title: str = "") -> Union[Fix, Refusal, None]:
    """The edit that adds the string ``value`` to the array at ``keys`` of the JSON(C) document
    ``text`` (tsconfig's `include`); None where it is there already."""
    obj = _object(text)
    if obj is None:
        return Refusal(title, "the file is not a JSON object tla-lens can edit")
    src = b"(" + text + b")"
    node = obj
    for key in keys:
        pair = next((p for p in _pairs(node, src) if _key(p, src) == key), None) if node.type == "object" else None
        node = pair.child_by_field_name("value") if pair is not None else None
        if node is None:
            return Refusal(title, f'"{key}" is not there')
    if node.type != "array":
        return Refusal(title, f'"{keys[-1]}" is not a list')
    return _append(node, src, value, title)


def set_value(text: bytes, keys: tuple[str, ...], value: str, title: str = "") -> Union[Fix, Refusal, None]:
    """The edit that sets the member at ``keys`` (`("compilerOptions", "target")`) of the JSON(C)
    document ``text`` to the JSON string ``value``: its value replaced where it is there, else
    the member added as the first of its object (the objects on the way created). None: it is
    that value already."""
    obj = _object(text)
    if obj is None:
        return Refusal(title, "the file is not a JSON object tla-lens can edit")
    src = b"(" + text + b")"
    target = obj
    for depth, key in enumerate(keys):
        pair = next((p for p in _pairs(target, src) if _key(p, src) == key), None)
        if pair is None:
            member = json.dumps(value)
            for k in reversed(keys[depth + 1:]):
                member = f"{{ {json.dumps(k)}: {member} }}"
            return Fix(title, _first_member(target, src, f"{json.dumps(key)}: {member}"))
        node = pair.child_by_field_name("value")
        if depth == len(keys) - 1:
            if node is not None and node.type == "string" and _string(node, src) == value:
                return None
            return Fix(title, [TextEdit(Span(node.start_byte - 1, node.end_byte - 1), json.dumps(value))]) \
                if node is not None else Refusal(title, f'"{key}" has no value')
        if node is None or node.type != "object":
            return Refusal(title, f'"{key}" is not an object')
        target = node
    return None


def tsconfig_target(text: bytes, title: str = "") -> Union[Fix, Refusal, None]:
    """The tsconfig's `compilerOptions.target` set to ES2022, the first target with top-level
    await (None: it is that already)."""
    return set_value(text, ("compilerOptions", "target"), TLA_TARGET, title)


def _first_member(o, src: bytes, body: str) -> list[TextEdit]:
    """``body`` (a `"key": value`) inserted as the first member of the object ``o`` of ``src``
    (the document parenthesised: offsets one more than in the file)."""
    pairs = _pairs(o, src)
    if not pairs:  # `{}`, or only comments: the member in place of the inside
        return [TextEdit(Span(o.start_byte, o.end_byte - 2), " " + body + " ")]
    first = pairs[0]
    line = src.rfind(b"\n", 0, first.start_byte) + 1
    if src[line:first.start_byte].strip() == b"":  # one member per line: a line of its own
        ind = src[line:first.start_byte].decode("utf-8", "replace")
        eol = "\r\n" if src[line - 2:line] == b"\r\n" else "\n"  # (the file's own line breaks)
        return [TextEdit(Span(line - 1, line - 1), ind + body + "," + eol)]
    return [TextEdit(Span(first.start_byte - 1, first.start_byte - 1), body + ", ")]


def new_config(pattern: str) -> str:
    """A new tla-lens.json that allows ``pattern`` to be async."""
    return "{\n  " + json.dumps(KEY) + ": [" + json.dumps(pattern) + "]\n}\n"
