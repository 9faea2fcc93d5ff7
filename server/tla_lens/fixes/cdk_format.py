"""The edit of an AWS CDK stack that makes a `NodejsFunction` bundle an ES module: `bundling: {
format: OutputFormat.ESM }` in its props (the format set in an existing `bundling`, the props
added where there are none), and `OutputFormat` imported beside `NodejsFunction` where the file
does not have it. Lambda runs an ES module handler (`index.mjs`), whose top-level await waits.

The file is parsed with tree-sitter; the edit inserts or replaces a few characters, and the
rest of the file stays as written. Where the construct is not written so (props passed through
a variable, `bundling` computed) the fix is refused with the reason.
"""
from __future__ import annotations

from typing import Optional, Union

from ..syntax.facts import Dialect, Span
from ..syntax.grammar import parser
from .edits import Fix, Refusal, TextEdit, indentation_of_line, node_starting_on

__all__ = ["cdk_esm"]

_MODULES = ("aws-cdk-lib/aws-lambda-nodejs", "@aws-cdk/aws-lambda-nodejs")


def _text(node, src: bytes) -> str:
    return src[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _find(root, line: int, src: bytes):
    """The `new …NodejsFunction(…)` that starts on ``line`` (1-based)."""
    def construct(node) -> bool:
        ctor = node.child_by_field_name("constructor") if node.type == "new_expression" else None
        return ctor is not None and _text(ctor, src).replace(" ", "").endswith("NodejsFunction")

    return node_starting_on(root, line, construct)


def _pair(obj, key: str, src: bytes):
    for c in obj.named_children:
        if c.type == "pair":
            k = c.child_by_field_name("key")
            if k is not None and _text(k, src).strip("'\"") == key:
                return c
    return None


def _import_edit(root, src: bytes, ctor: str) -> "tuple[Optional[TextEdit], Optional[str], str]":
    """(the edit that imports `OutputFormat`, or None when not needed; why it cannot be
    imported, or None; how to name it: `OutputFormat`, or `ns.OutputFormat` beside
    `ns.NodejsFunction`)."""
    if "." in ctor:
        return None, None, ctor.rsplit(".", 1)[0] + ".OutputFormat"
    for stmt in root.named_children:
        if stmt.type != "import_statement":
            continue
        source = stmt.child_by_field_name("source")
        if source is None or _text(source, src).strip("'\"") not in _MODULES:
            continue
        named = next((c for clause in stmt.named_children if clause.type == "import_clause"
                      for c in clause.named_children if c.type == "named_imports"), None)
        if named is None:
            continue
        specs = [c for c in named.named_children if c.type == "import_specifier"]
        names = {_text(s.child_by_field_name("alias") or s.child_by_field_name("name"), src) for s in specs}
        if "OutputFormat" in names:
            return None, None, "OutputFormat"
        if not specs:
            break
        last = specs[-1]
        return TextEdit(Span(last.end_byte, last.end_byte), ", OutputFormat"), None, "OutputFormat"
    if b"OutputFormat" in src:
        return None, None, "OutputFormat"  # (imported some other way: taken as it is)
    return None, "`NodejsFunction` is not imported by name from \"aws-cdk-lib/aws-lambda-nodejs\"", ""


def cdk_esm(text: bytes, line: int, construct: str, dialect: Dialect = Dialect.TS) -> Union[Fix, Refusal]:
    """The edit of the stack ``text`` that bundles the `NodejsFunction` ``construct`` (at
    ``line``) as an ES module."""
    title = f"Bundle `{construct}` as an ES module (`bundling: {{ format: OutputFormat.ESM }}`)"
    root = parser(dialect).parse(text).root_node
    node = _find(root, line, text)
    if node is None:
        return Refusal(title, f"no `new NodejsFunction(…)` at line {line}")
    ctor = _text(node.child_by_field_name("constructor"), text).replace(" ", "")
    args = node.child_by_field_name("arguments")
    argv = [c for c in args.named_children if c.type != "comment"] if args is not None else []
    imported, why, name = _import_edit(root, text, ctor)
    if why is not None:
        return Refusal(title, why)
    value = f"{name}.ESM"
    edits: list[TextEdit] = []
    if len(argv) < 2:
        return Refusal(title, "the construct has no id")
    if len(argv) == 2:
        edits.append(TextEdit(Span(argv[1].end_byte, argv[1].end_byte), f", {{ bundling: {{ format: {value} }} }}"))
    else:
        props = argv[2]
        if props.type != "object":
            return Refusal(title, "its props are not an object literal written here")
        bundling = _pair(props, "bundling", text)
        inner = bundling.child_by_field_name("value") if bundling is not None else None
        # (`{ bundling }`, or a spread that may hold one)
        spread = any(c.type == "spread_element" or
                     c.type == "shorthand_property_identifier" and _text(c, text) == "bundling"
                     for c in props.named_children)
        if bundling is None and spread:
            return Refusal(title, "its `bundling` is not an object literal written here")
        if bundling is None:
            opening = props.children[0]
            members = [c for c in props.named_children if c.type != "comment"]
            if members and members[0].start_point[0] != props.start_point[0]:
                pad = indentation_of_line(text, members[0].start_byte)
                edits.append(TextEdit(Span(opening.end_byte, opening.end_byte),
                                      f"\n{pad}bundling: {{ format: {value} }},"))
            else:
                sep = "," if members else ""
                edits.append(TextEdit(Span(opening.end_byte, opening.end_byte),
                                      f" bundling: {{ format: {value} }}{sep}" + ("" if members else " ")))
        elif inner is None or inner.type != "object":
            return Refusal(title, "its `bundling` is not an object literal written here")
        else:
            fmt = _pair(inner, "format", text)
            if fmt is not None:
                v = fmt.child_by_field_name("value")
                edits.append(TextEdit(Span(v.start_byte, v.end_byte), value))
            else:
                opening = inner.children[0]
                members = [c for c in inner.named_children if c.type != "comment"]
                edits.append(TextEdit(Span(opening.end_byte, opening.end_byte),
                                      f" format: {value}," if members else f" format: {value} "))
    if imported is not None:
        edits.insert(0, imported)
    return Fix(title, edits, preferred=True)
