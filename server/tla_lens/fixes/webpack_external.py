"""An edit of a webpack configuration for an external the bundle loads with `require()` and
whose module is async (ERR_REQUIRE_ASYNC_MODULE when the bundle runs): webpack bundles it
instead — its entry removed from `externals`, or, for webpack-node-externals, the request added
to `allowlist` — and its importers become async modules, which the bundle runs. A few characters
inserted or removed where the external is written; the rest of the file stays as it is."""
from __future__ import annotations

import json
from typing import Union

from ..resolve.bundler import FUNCTION_RULE, BundlerExternal
from ..syntax.facts import Dialect, Span
from ..syntax.grammar import parser
from .edits import Fix, Refusal, TextEdit

_TS = (".ts", ".mts", ".cts")


def _quoted(value: str, quote: str) -> str:
    if quote == "'":
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


def _unwrap(node):
    while node is not None and node.type in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        node = node.named_children[0] if node.named_children else None
    return node


def _at(text: bytes, name: str, span: Span):
    """The node the external was read from (its key, or the rule's call), if the text still
    has it there."""
    root = parser(Dialect.TS if name.endswith(_TS) else Dialect.JS).parse(text).root_node
    node = root.descendant_for_byte_range(span.start, span.end)
    while node is not None and (node.start_byte, node.end_byte) != (span.start, span.end):
        node = node.parent if node.parent is not None and node.parent.start_byte == span.start else None
    return node


def external_fix(text: bytes, name: str, ext: BundlerExternal, request: str) -> Union[Fix, Refusal]:
    """The edit of the configuration ``text`` (file name ``name``) for the external ``ext``
    matched by ``request``: webpack bundles the module instead (its importers become async
    modules, which a bundle runs). An external of type `import` would do as well only where
    webpack's target has import() (not `target: "node"` without a version: a build error)."""
    shown = name.rsplit("/", 1)[-1]
    node = _at(text, name, Span(ext.start, ext.end))
    if ext.via.startswith(FUNCTION_RULE):
        return Refusal(f"Bundle `{request}`: leave it out of externals ({shown})",
                       f"{ext.via} makes it an external: change the function")
    if ext.via == "NxAppWebpackPlugin":
        return Refusal(f"Bundle `{request}`: leave it out of externals ({shown})",
                       "NxAppWebpackPlugin keeps every package external: list the ones to keep in its "
                       "`externalDependencies`")
    if ext.via == "withNx":
        return Refusal(f"Bundle `{request}`: leave it out of externals ({shown})",
                       "withNx keeps every package external: list the ones to keep in the Nx target's "
                       "`externalDependencies` option")
    if ext.via and ext.via != "webpack-node-externals":
        return Refusal(f"Bundle `{request}`: leave it out of externals ({shown})",
                       f"it is matched by the regular expression {ext.via}: change the expression")
    if ext.via:
        title = f"Bundle `{request}`: add it to nodeExternals' allowlist ({shown})"
        return _allowlist(text, node, request, title)
    title = f"Bundle `{request}`: remove it from externals ({shown})"
    if node is None:
        return Refusal(title, "the configuration changed since it was read")
    if node.type in ("call_expression", "identifier", "member_expression"):
        return _filtered(text, node, request, title)
    item = node.parent if node.parent is not None and node.parent.type == "pair" else node
    if item.parent is None or item.parent.type not in ("object", "array"):
        return Refusal(title, "the configuration changed since it was read")
    return Fix(title, [_remove_item(item)])


def _filtered(text: bytes, node, request: str, title: str) -> Fix:
    """A list computed from the manifest (`Object.keys(pkg.dependencies)`): the request left
    out by a `.filter(…)` after it — or one more condition in the filter a fix wrote before."""
    quote = "'" if text.count(b"'") > text.count(b'"') else '"'
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
    args = node.child_by_field_name("arguments") if prop is not None else None
    argv = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    if prop is not None and text[prop.start_byte:prop.end_byte] == b"filter" and len(argv) == 1 and \
            argv[0].type == "arrow_function":
        param = argv[0].child_by_field_name("parameters") or argv[0].child_by_field_name("parameter")
        body = argv[0].child_by_field_name("body")
        names = [c for c in param.named_children] if param is not None and param.type == "formal_parameters" \
            else [param]
        if len(names) == 1 and names[0] is not None and names[0].type in ("identifier", "required_parameter") \
                and body is not None and body.type != "statement_block":
            named = names[0].child_by_field_name("pattern") if names[0].type == "required_parameter" else names[0]
            name = text[named.start_byte:named.end_byte].decode() if named is not None else "name"
            return Fix(title, [TextEdit(Span(body.end_byte, body.end_byte),
                                        f" && {name} !== {_quoted(request, quote)}")])
    return Fix(title, [TextEdit(Span(node.end_byte, node.end_byte),
                                f".filter((name) => name !== {_quoted(request, quote)})")])


def _remove_item(item) -> TextEdit:
    """Delete ``item`` of an object or array literal with one of the commas around it (the
    next one, with the space up to the next item; else the one before)."""
    siblings = item.parent.children
    i = next(k for k, c in enumerate(siblings) if c == item)
    after = siblings[i + 1] if i + 1 < len(siblings) else None
    if after is not None and after.type == ",":
        nxt = siblings[i + 2] if i + 2 < len(siblings) else None
        end = nxt.start_byte if nxt is not None and nxt.type not in ("}", "]") else after.end_byte
        return TextEdit(Span(item.start_byte, end), "")
    before = siblings[i - 1] if i > 0 else None
    if before is not None and before.type == ",":
        return TextEdit(Span(before.start_byte, item.end_byte), "")
    return TextEdit(Span(item.start_byte, item.end_byte), "")


def _allowlist(text: bytes, call, request: str, title: str) -> Union[Fix, Refusal]:
    if call is None or call.type != "call_expression":
        return Refusal(title, "the configuration changed since it was read")
    args = call.child_by_field_name("arguments")
    argv = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    quote = "'" if text.count(b"'") > text.count(b'"') else '"'
    item = _quoted(request, quote)
    if not argv:
        assert args is not None
        return Fix(title, [TextEdit(Span(args.start_byte + 1, args.end_byte - 1), f"{{ allowlist: [{item}] }}")])
    opts = _unwrap(argv[0])
    if opts is None or opts.type != "object":
        return Refusal(title, "its options are not an object literal")
    pairs = [p for p in opts.named_children if p.type == "pair"]
    for p in pairs:
        key = p.child_by_field_name("key")
        if key is None or text[key.start_byte:key.end_byte].strip(b"'\"") != b"allowlist":
            continue
        v = _unwrap(p.child_by_field_name("value"))
        if v is None:
            break
        if v.type == "array":
            items = [c for c in v.named_children if c.type != "comment"]
            if not items:
                return Fix(title, [TextEdit(Span(v.start_byte + 1, v.end_byte - 1), item)])
            return Fix(title, [TextEdit(Span(items[-1].end_byte, items[-1].end_byte), f", {item}")])
        if v.type in ("string", "regex"):
            return Fix(title, [TextEdit(Span(v.start_byte, v.start_byte), "["),
                               TextEdit(Span(v.end_byte, v.end_byte), f", {item}]")])
        return Refusal(title, "its `allowlist` is not written as a list")
    others = [c for c in opts.named_children if c.type != "comment"]
    if not others:
        return Fix(title, [TextEdit(Span(opts.start_byte + 1, opts.end_byte - 1), f" allowlist: [{item}] ")])
    return Fix(title, [TextEdit(Span(others[0].start_byte, others[0].start_byte), f"allowlist: [{item}], ")])
