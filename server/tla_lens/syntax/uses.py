"""Where the local names of an import are used, and inside which functions.

``binding_uses(source, dialect, names)`` answers, for each name, every reference to the
module-level binding of that name: its span, whether it is in a type position, the innermost
function that contains it and the kind of place it is in (see :data:`Context`). The fixes
layer uses it to turn a static import into ``await import()`` calls inside functions.

Like :mod:`.extract`, this module knows tree-sitter node names and nothing else does.

* Every walk is iterative (an explicit stack); 20,000-deep nesting is fine.
* Walks are pruned by text: only nodes whose byte range contains one of the names (as a
  whole word) are entered.
* Scoping is approximate but errs on the side of "it is a use": a reference is *not* a use
  of the import when a parameter, a ``var``/``let``/``const``/``function``/``class``
  declaration of the same name is in scope (function parameters and bodies, blocks,
  ``for`` heads, ``catch`` parameters, a named function expression's own name).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable, Literal, Optional

from .extract import _TYPE_FIELDS, _TYPE_NODES  # type positions, shared with elision
from .facts import Dialect, Span
from .grammar import parser
from .words import word_positions

__all__ = ["Context", "FunctionInfo", "FunctionKind", "Use", "binding_uses"]

FunctionKind = Literal["function", "arrow", "method", "getter", "setter", "constructor"]

# Where a use is, looking outward to the nearest boundary:
#   "function"     in the body of ``Use.function``
#   "parameter"    in the parameter list of ``Use.function`` (a default value, a decorator)
#   "field"        in a class field initializer; ``Use.function`` is the function around the class
#   "static-block" in a class ``static { }`` block; ``Use.function`` as for "field"
#   "export"       a local ``export { x }`` specifier (module scope)
#   "top"          anywhere else in module scope (also TS namespaces/enums, class heritage,
#                  computed keys and decorators of a class that is not inside a function)
Context = Literal["function", "parameter", "field", "static-block", "export", "top"]


@dataclass(frozen=True, eq=False)
class FunctionInfo:
    """A function, arrow function or method that contains uses.

    Compared by identity (the same object is shared by all uses inside it)."""

    name: str                 # declared name / variable / property / method name; "" when anonymous
    kind: FunctionKind
    span: Span                # the whole function
    body_span: Span           # the body: a `{ }` block, or the expression of an arrow function
    is_async: bool
    is_generator: bool
    is_arrow_expression_body: bool
    async_insert: int         # byte offset where `async ` goes to make it async
    parent: Optional["FunctionInfo"]  # the next function outward (None at module scope)
    # For `{ }` bodies: where a new first statement goes. ``body_insert_after`` is just after
    # the `{` or after the body's leading directives ("use strict"); ``body_first`` is the
    # start of the first statement (or comment) after them, None when there is none.
    body_insert_after: int = -1
    body_first: Optional[int] = None
    # TypeScript: the declared return type (without the `:`), and whether it is a type
    # predicate / assertion signature (`x is T`, `asserts x`), which an async function cannot have.
    return_type: Optional[Span] = None
    return_type_is_predicate: bool = False


@dataclass(frozen=True, slots=True)
class Use:
    name: str
    span: Span
    in_type: bool                      # in a TypeScript type position
    function: Optional[FunctionInfo]   # innermost function containing the use
    context: Context


# ---------------------------------------------------------------------------------------
# Node tables

_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "generator_function_declaration",
        "arrow_function",
        "method_definition",
    }
)
_GENERATORS = frozenset({"generator_function", "generator_function_declaration"})
_FIELDS = frozenset({"field_definition", "public_field_definition"})
_IDENT_USES = frozenset({"identifier", "type_identifier", "shorthand_property_identifier"})
_JSX_TAGS = frozenset({"jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element"})


# (parent type, field) pairs where an identifier declares a name instead of using it.
_DECL_FIELDS = frozenset(
    {
        ("variable_declarator", "name"),
        ("function_declaration", "name"),
        ("generator_function_declaration", "name"),
        ("function_expression", "name"),
        ("function", "name"),
        ("generator_function", "name"),
        ("class_declaration", "name"),
        ("abstract_class_declaration", "name"),
        ("class", "name"),
        ("required_parameter", "pattern"),
        ("optional_parameter", "pattern"),
        ("assignment_pattern", "left"),
        ("pair_pattern", "value"),
        ("arrow_function", "parameter"),
        ("catch_clause", "parameter"),
        ("for_in_statement", "left"),
        ("enum_declaration", "name"),
        ("internal_module", "name"),
        ("module", "name"),
        ("interface_declaration", "name"),
        ("type_alias_declaration", "name"),
        ("function_signature", "name"),
        ("export_specifier", "alias"),
        ("import_alias", None),
    }
)
_DECL_PARENTS = frozenset({"formal_parameters", "array_pattern", "rest_pattern", "import_specifier", "import_clause", "namespace_import"})

# Pattern nodes and the fields of theirs that hold declared names.
_PATTERNS = {
    "object_pattern": None,
    "array_pattern": None,
    "rest_pattern": None,
    "formal_parameters": None,
    "assignment_pattern": "left",
    "object_assignment_pattern": "left",
    "pair_pattern": "value",
    "required_parameter": "pattern",
    "optional_parameter": "pattern",
}
_BLOCK_SCOPES = frozenset({"statement_block", "switch_body", "program", "class_static_block"})

# ---------------------------------------------------------------------------------------
# Entry point


def binding_uses(source: bytes, dialect: Dialect, names: Iterable[str]) -> dict[str, list[Use]]:
    """For each of ``names`` (local names of module-level import bindings), its uses in
    ``source`` in document order. Declarations (the import itself, shadowing parameters and
    variables) are not uses. ``export ... from`` statements are not looked into."""
    wanted = {n.encode("utf-8"): n for n in names if n}
    result: dict[str, list[Use]] = {n: [] for n in wanted.values()}
    if not wanted:
        return result
    positions = word_positions(source, list(wanted))
    if not positions:
        return result
    tree = parser(dialect).parse(source)
    _Walker(source, dialect, wanted, positions, result).run(tree.root_node)
    for lst in result.values():
        lst.sort(key=lambda u: u.span.start)
    return result


class _Walker:
    def __init__(self, src: bytes, dialect: Dialect, wanted: dict[bytes, str], positions: list[int], result):
        self.src = src
        self.ts = dialect.is_typescript
        self.wanted = wanted
        self.positions = positions
        self.result = result

    def _has_word(self, node) -> bool:
        pos = self.positions
        k = bisect.bisect_left(pos, node.start_byte)
        return k < len(pos) and pos[k] < node.end_byte

    def run(self, root) -> None:
        src = self.src
        ts = self.ts
        wanted = self.wanted
        has_word = self._has_word
        empty: frozenset = frozenset()
        # (node, field name, parent node, function, context, in_type, shadowed).
        # Parents travel on the stack: tree-sitter's Node.parent costs O(depth).
        stack = [(root, None, None, None, "top", False, empty)]
        while stack:
            node, fname, pnode, fn, ctx, in_type, shadowed = stack.pop()
            ptype = pnode.type if pnode is not None else ""
            t = node.type
            if t == "import_statement" or t == "comment":
                continue
            if t == "export_statement" and node.child_by_field_name("source") is not None:
                continue
            if t in _IDENT_USES:
                if t == "type_identifier":
                    in_type = True
                name = src[node.start_byte : node.end_byte]
                if name in wanted and name not in shadowed and not self._is_declaration(node, t, ptype, fname):
                    self.result[wanted[name]].append(
                        Use(wanted[name], Span(node.start_byte, node.end_byte), in_type, fn, ctx)
                    )
                continue
            if ts and not in_type and (t in _TYPE_NODES or fname in _TYPE_FIELDS):
                in_type = True
            if t in ("export_statement", "export_specifier", "public_field_definition"):
                if any(c.type in ("type", "declare") for c in node.children if not c.is_named):
                    in_type = True

            if t in _BLOCK_SCOPES or t in ("for_statement", "for_in_statement", "catch_clause"):
                names = self._block_names(node, t)
                if names:
                    shadowed = shadowed | names

            # Per-child state.
            children = node.children
            if t in _FUNCTIONS:
                info = self._function_info(node, t, fn, pnode)
                inner_shadow = shadowed | self._function_names(node, t)
                for i in range(len(children) - 1, -1, -1):
                    c = children[i]
                    if not c.is_named or not has_word(c):
                        continue
                    f = node.field_name_for_child(i)
                    if f == "body":
                        state = (info, "function", in_type, inner_shadow)
                    elif f in ("parameters", "parameter"):
                        state = (info, "parameter", in_type, inner_shadow)
                    else:  # name (computed keys), decorators, types: the outer scope
                        state = (fn, ctx, in_type, shadowed)
                    stack.append((c, f, node, *state))
                continue
            for i in range(len(children) - 1, -1, -1):
                c = children[i]
                if not c.is_named or not has_word(c):
                    continue
                f = node.field_name_for_child(i)
                cctx = ctx
                if t in _FIELDS and f == "value":
                    cctx = "field"
                elif t == "class_static_block" and f == "body":
                    cctx = "static-block"
                elif t == "export_specifier" and f == "name":
                    cctx = "export"
                stack.append((c, f, node, fn, cctx, in_type, shadowed))

    def _is_declaration(self, node, t: str, ptype: str, fname: Optional[str]) -> bool:
        if (ptype, fname) in _DECL_FIELDS or ptype in _DECL_PARENTS:
            return True
        if ptype in _JSX_TAGS and fname == "name":
            # <div>: an intrinsic element, not a reference (<Foo> is one).
            first = self.src[node.start_byte : node.start_byte + 1]
            return first.islower()
        return False

    # -- functions ------------------------------------------------------------------------

    def _function_info(self, node, t: str, parent: Optional[FunctionInfo], pnode) -> FunctionInfo:
        src = self.src
        tokens = [c.type for c in node.children if not c.is_named]
        is_async = "async" in tokens
        is_generator = t in _GENERATORS or "*" in tokens
        body = node.child_by_field_name("body")
        name_node = node.child_by_field_name("name")
        async_insert = node.start_byte
        if t == "method_definition":
            name = _text(src, name_node) if name_node is not None else ""
            if "get" in tokens:
                kind = "getter"
            elif "set" in tokens:
                kind = "setter"
            elif name == "constructor" and pnode is not None and pnode.type == "class_body":
                kind = "constructor"
            else:
                kind = "method"
            # `static async *name()`: async goes right before `*` / the name.
            for c in node.children:
                if c.type == "*" or c == name_node:
                    async_insert = c.start_byte
                    break
        elif t == "arrow_function":
            kind = "arrow"
            name = _name_from_context(pnode, src)
        else:
            kind = "function"
            name = _text(src, name_node) if name_node is not None else _name_from_context(pnode, src)
        body_span = Span(body.start_byte, body.end_byte) if body is not None else Span(node.end_byte, node.end_byte)
        insert_after, first = body_span.start + 1, None
        if body is not None and body.type == "statement_block":
            directives = True
            for c in body.named_children:
                if directives and c.type == "expression_statement" and c.named_child_count == 1 and c.named_children[0].type == "string":
                    insert_after = c.end_byte
                    continue
                directives = False
                first = c.start_byte
                break
        ret = node.child_by_field_name("return_type")
        ret_span, predicate = None, False
        if ret is not None:
            predicate = ret.type in ("type_predicate_annotation", "asserts_annotation")
            inner = [c for c in ret.named_children if c.type != "comment"]
            if inner:
                ret_span = Span(inner[0].start_byte, inner[-1].end_byte)
        return FunctionInfo(
            name=name,
            kind=kind,
            span=Span(node.start_byte, node.end_byte),
            body_span=body_span,
            is_async=is_async,
            is_generator=is_generator,
            is_arrow_expression_body=(t == "arrow_function" and body is not None and body.type != "statement_block"),
            async_insert=async_insert,
            parent=parent,
            body_insert_after=insert_after,
            body_first=first,
            return_type=ret_span,
            return_type_is_predicate=predicate,
        )

    def _function_names(self, node, t: str) -> frozenset:
        """Wanted names a function declares for its parameters and body: parameters,
        declarations directly in the body, `var`s anywhere in it, its own name (for a
        named function expression)."""
        wanted = self.wanted
        found: set[bytes] = set()
        if t in ("function_expression", "function", "generator_function"):
            n = node.child_by_field_name("name")
            if n is not None and _text_b(self.src, n) in wanted:
                found.add(_text_b(self.src, n))
        for field in ("parameters", "parameter"):
            p = node.child_by_field_name(field)
            if p is not None and self._has_word(p):
                self._pattern_names(p, found)
        body = node.child_by_field_name("body")
        if body is not None and body.type == "statement_block" and self._has_word(body):
            found |= self._block_names(body, "statement_block")
            self._hoisted_vars(body, found)
        return frozenset(found)

    def _block_names(self, node, t: str) -> frozenset:
        found: set[bytes] = set()
        src = self.src
        wanted = self.wanted
        if t == "catch_clause":
            p = node.child_by_field_name("parameter")
            if p is not None:
                self._pattern_names(p, found)
            return frozenset(found)
        if t in ("for_statement", "for_in_statement"):
            for field in ("initializer", "left"):
                d = node.child_by_field_name(field)
                if d is not None and d.type in ("lexical_declaration", "variable_declaration"):
                    self._declaration_names(d, found)
            if t == "for_in_statement" and node.child_by_field_name("kind") is not None:
                left = node.child_by_field_name("left")  # for (const a of xs)
                if left is not None:
                    self._pattern_names(left, found)
            return frozenset(found)
        if t == "program":
            return frozenset()  # module-scope names are the imports themselves
        for st in node.named_children:
            if not self._has_word(st):
                continue
            st_t = st.type
            if st_t == "export_statement":
                decl = st.child_by_field_name("declaration")
                if decl is None:
                    continue
                st, st_t = decl, decl.type
            if st_t == "lexical_declaration":
                self._declaration_names(st, found)
            elif st_t in ("function_declaration", "generator_function_declaration", "class_declaration", "abstract_class_declaration"):
                n = st.child_by_field_name("name")
                if n is not None and _text_b(src, n) in wanted:
                    found.add(_text_b(src, n))
        return frozenset(found)

    def _declaration_names(self, decl, found: set) -> None:
        for d in decl.named_children:
            if d.type == "variable_declarator":
                n = d.child_by_field_name("name")
                if n is not None:
                    self._pattern_names(n, found)

    def _hoisted_vars(self, body, found: set) -> None:
        """`var` declarations anywhere in a function body, not in nested functions."""
        work = [body]
        while work:
            n = work.pop()
            for c in n.named_children:
                if c.type in _FUNCTIONS or c.type in ("class_declaration", "class") or not self._has_word(c):
                    continue
                if c.type == "variable_declaration":
                    self._declaration_names(c, found)
                work.append(c)

    def _pattern_names(self, node, found: set) -> None:
        src = self.src
        wanted = self.wanted
        work = [node]
        while work:
            n = work.pop()
            t = n.type
            if t in ("identifier", "shorthand_property_identifier_pattern"):
                name = _text_b(src, n)
                if name in wanted:
                    found.add(name)
            elif t in _PATTERNS:
                keep = _PATTERNS[t]
                for i, c in enumerate(n.children):
                    if not c.is_named:
                        continue
                    if keep is not None and n.field_name_for_child(i) != keep:
                        continue
                    work.append(c)


def _text_b(src: bytes, node) -> bytes:
    return src[node.start_byte : node.end_byte]


def _text(src: bytes, node) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _name_from_context(parent, src: bytes) -> str:
    """A display name for an anonymous function (whose parent node is ``parent``): the
    variable, property, field or assignment target it is the value of; "" when there is none."""
    if parent is None:
        return ""
    pt = parent.type
    if pt == "variable_declarator":
        n = parent.child_by_field_name("name")
        return _text(src, n) if n is not None and n.type == "identifier" else ""
    if pt == "pair":
        n = parent.child_by_field_name("key")
        return _text(src, n) if n is not None else ""
    if pt in _FIELDS:
        n = parent.child_by_field_name("name") or parent.child_by_field_name("property")
        return _text(src, n) if n is not None else ""
    if pt == "assignment_expression":
        n = parent.child_by_field_name("left")
        if n is not None and n.end_byte - n.start_byte <= 60:
            return _text(src, n)
    return ""
