"""TypeScript that Node's type stripping refuses.

Node (22.18 and later) runs a .ts/.mts/.cts file by blanking out its types; TypeScript that
would need code generated (an enum, a namespace with values, a parameter property, `import x =
…`, `export =`, an angle-bracket type assertion) is ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX, and a
decorator or an `accessor` field a SyntaxError (V8 has neither). Checked construct by construct
with Node 26 (tests/syntax/test_strip_only.py). Asked where a fix would have Node load a file
that a compiler loaded before (next.config.ts renamed next.config.mts): parsed on demand.
"""
from __future__ import annotations

from typing import Optional

from .facts import Dialect
from .grammar import parser

__all__ = ["unsupported"]

_NAMESPACES = ("internal_module", "module")
_TYPES = ("interface_declaration", "type_alias_declaration", "comment")
_PARAMETERS = ("required_parameter", "optional_parameter")


def _types_only(namespace) -> bool:
    """Is the namespace (`namespace N { … }`, not `declare`d) made of types only (interfaces,
    type aliases, such namespaces, exported or not)? Node erases only those."""
    body = namespace.child_by_field_name("body")
    for stmt in (body.named_children if body is not None else ()):
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        if decl is not None and decl.type == "expression_statement" and decl.named_child_count == 1:
            decl = decl.named_children[0]  # (how the grammar holds `namespace M { … }` as a statement)
        if decl is None:
            return False
        if decl.type in _NAMESPACES:
            if not _types_only(decl):
                return False
        elif decl.type not in _TYPES:
            return False
    return True


def _anonymous(node, *words: str) -> bool:
    return any(not c.is_named and c.type in words for c in node.children)


def _what(node) -> Optional[str]:
    """What ``node`` is, where Node refuses it; else None."""
    t = node.type
    if t == "enum_declaration":
        return "an enum"
    if t in _NAMESPACES and not _types_only(node):
        return "a namespace with values"
    if t in _PARAMETERS and (_anonymous(node, "readonly") or any(
            c.type in ("accessibility_modifier", "override_modifier") for c in node.children)):
        return "a parameter property"
    if t == "import_statement" and any(c.type == "import_require_clause" for c in node.children) and \
            not _anonymous(node, "type"):
        return "`import … = require()`"
    if t == "import_alias":
        return "`import … =`"
    if t == "export_statement" and _anonymous(node, "="):
        return "`export =`"
    if t == "decorator":
        return "a decorator"
    if t == "type_assertion":
        return "an angle-bracket type assertion (`<T>value`)"
    if t == "public_field_definition" and _anonymous(node, "accessor"):
        return "an `accessor` field"
    return None


def unsupported(source: bytes) -> Optional[tuple[int, str]]:
    """(byte offset, what) of the first construct of the TypeScript ``source`` that Node's type
    stripping refuses; ("a syntax error" where the file does not parse); None where Node runs it."""
    root = parser(Dialect.TS).parse(source).root_node
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ambient_declaration":
            continue  # (`declare …`: erased whole)
        if node.type == "ERROR" or node.is_missing:
            return node.start_byte, "a syntax error"
        what = _what(node)
        if what is not None:
            return node.start_byte, what
        if node.type in _NAMESPACES:
            continue  # (types only: erased whole)
        stack.extend(reversed(node.children))
    return None
