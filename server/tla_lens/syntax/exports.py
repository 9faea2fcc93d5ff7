"""What a TypeScript module exports, and whether each name is a value, a type or both.

A whole-program ``tsc`` build (one that reads every file of the program, unlike the per-file
transforms) drops a re-export whose names are only types in the other module —
``export { DbConfig } from "./db"``, or ``import { DbConfig }`` used only in ``export {
DbConfig }`` — so it does not wait for that module. Deciding it needs what the other module
exports: this table, computed from one file's text on demand (the project follows the names a
table says come from elsewhere). Checked with TypeScript 5.9 (tests/project/test_tsc_reexports.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from . import statements as stm
from .extract import _instantiated  # (one reading of what instantiates a namespace)
from .facts import Dialect
from .grammar import parser

VALUE = 1  # the name has a value meaning: an engine sees it
TYPE = 2   # … a type meaning (interfaces, type aliases, classes, enums, namespaces)
CONST_ENUM = 4  # a `const enum`: inlined where used (a value only under isolatedModules)


@dataclass(frozen=True, slots=True)
class Export:
    """One exported name. ``meaning``: the bits known in this file; 0 — the name ``imported``
    of the module ``specifier`` says. ``name`` "*" (with ``imported`` "*"): every name of
    ``specifier`` but its default (``export * from``; ``meaning`` TYPE for ``export type *``)."""

    name: str
    meaning: int
    specifier: Optional[str] = None
    imported: Optional[str] = None


_ALIAS = re.compile(rb"\bas\s+(?:([^\s'\"]+)|\"([^\"]*)\"|'([^']*)')\s*$")
_SINGLE = frozenset({"function_declaration", "generator_function_declaration", "function_signature"})
_CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
_TYPES = frozenset({"interface_declaration", "type_alias_declaration"})


def export_table(source: bytes, dialect: Dialect) -> tuple[Export, ...]:
    """The names ``source`` (a TypeScript module) exports. Never raises: a file it cannot read
    exports nothing known (the caller keeps what it would drop)."""
    try:
        return _table(source, dialect)
    except Exception:  # pragma: no cover - defensive
        return ()


def _text(src: bytes, node) -> str:
    if node.type == "string":
        return src[node.start_byte + 1:node.end_byte - 1].decode("utf-8", "replace")
    return src[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _table(src: bytes, dialect: Dialect) -> tuple[Export, ...]:
    grammar = Dialect.TSX if dialect is Dialect.TSX else Dialect.TS
    root = parser(grammar).parse(src).root_node
    declared: dict[str, int] = {}
    imported: dict[str, object] = {}  # local name -> (specifier, name) or meaning bits
    local: list[tuple[str, str, bool]] = []  # (exported, local name, type-only)
    out: list[Export] = []
    for node in root.named_children:
        t = node.type
        if t == "import_statement":
            p = stm.parse_import(src, node.start_byte, node.end_byte)
            if p is None:
                continue
            for b in p.bindings:
                if not b.local:
                    continue
                if b.type_only:
                    imported[b.local] = TYPE
                elif p.kind == "import-equals" or b.imported == "*":
                    imported[b.local] = VALUE | TYPE  # (a namespace object is a value)
                else:
                    imported[b.local] = (p.specifier, b.imported)
        elif t == "export_statement":
            if node.child_by_field_name("source") is not None:
                _reexports(src, node, out)
                continue
            decl = node.child_by_field_name("declaration")
            default = any(c.type == "default" for c in node.children if not c.is_named)
            if decl is not None:
                if decl.type == "import_alias":  # `export import A = N.B`
                    name = decl.named_children[0] if decl.named_child_count else None
                    if name is not None:
                        out.append(Export(_text(src, name), VALUE | TYPE))
                    continue
                for name, bits in _declared(src, decl):
                    declared[name] = declared.get(name, 0) | bits
                    if not default:
                        out.append(Export(name, bits))
                if default:
                    bits = _kind(decl)
                    out.append(Export("default", bits if bits else VALUE))
                continue
            value = node.child_by_field_name("value")
            if default:
                if value is not None and value.type == "identifier":
                    local.append(("default", _text(src, value), False))
                elif value is not None and value.type in _CLASSES:
                    out.append(Export("default", VALUE | TYPE))
                else:
                    out.append(Export("default", VALUE))
                continue
            clause = next((c for c in node.named_children if c.type == "export_clause"), None)
            if clause is None:
                if node.child_by_field_name("source") is None and "ERROR" in (c.type for c in node.children):
                    _reexports(src, node, out)
                continue  # (`export = x`, `export as namespace X`: not ES module exports)
            type_only = any(c.type == "type" for c in node.children if not c.is_named)
            for spec in clause.named_children:
                if spec.type != "export_specifier":
                    continue
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias")
                if name is None:
                    continue
                inline = any(c.type == "type" for c in spec.children if not c.is_named)
                local.append((_text(src, alias if alias is not None else name), _text(src, name),
                              type_only or inline))
        else:
            for name, bits in _declared(src, node):
                declared[name] = declared.get(name, 0) | bits
    for exported, name, type_only in local:
        if type_only:
            out.append(Export(exported, TYPE))
        elif name in declared:
            out.append(Export(exported, declared[name]))
        elif name in imported:
            how = imported[name]
            if isinstance(how, tuple):
                out.append(Export(exported, 0, how[0], how[1]))
            else:
                out.append(Export(exported, how))  # type: ignore[arg-type]
        else:
            out.append(Export(exported, VALUE))  # (a global, or nothing: tsc keeps it)
    return tuple(out)


def _reexports(src: bytes, node, out: list[Export]) -> None:
    """``export … from`` (read as the import facts read it: the grammar splits some forms)."""
    p = stm.parse_export(src, node.start_byte, node.end_byte)
    if p is None or p.kind != "export":
        return
    known = TYPE if p.type_only else 0
    if not p.named:
        if p.bindings and p.bindings[0].imported == "*" and p.bindings[0].local:
            out.append(Export(p.bindings[0].local, TYPE if p.type_only else VALUE | TYPE))  # `export * as ns`
        else:
            out.append(Export("*", known, p.specifier, "*"))
        return
    for b in p.bindings:
        m = _ALIAS.search(src, b.start, b.end)
        name = b.imported
        if m is not None:
            name = next(g for g in m.groups() if g is not None).decode("utf-8", "replace")
        out.append(Export(name, TYPE if b.type_only else known, p.specifier, b.imported))


def _kind(node) -> int:
    """The meaning of a declaration (0: not a declaration of one name)."""
    t = node.type
    if t in _SINGLE:
        return VALUE
    if t in _CLASSES:
        return VALUE | TYPE
    if t in _TYPES:
        return TYPE
    if t == "enum_declaration":
        const = any(c.type == "const" for c in node.children if not c.is_named)
        return TYPE | (CONST_ENUM if const else VALUE)
    if t in ("internal_module", "module"):
        return VALUE | TYPE if _instantiated(node) else TYPE
    return 0


def _declared(src: bytes, node) -> list[tuple[str, int]]:
    """The names a top-level statement declares, with their meanings."""
    t = node.type
    if t == "ambient_declaration":
        inner = [c for c in node.named_children if c.type != "comment"]
        return _declared(src, inner[0]) if inner else []
    if t in ("lexical_declaration", "variable_declaration"):
        names: list[str] = []
        for d in node.named_children:
            if d.type == "variable_declarator":
                target = d.child_by_field_name("name")
                if target is not None:
                    _pattern_names(src, target, names)
        return [(n, VALUE) for n in names]
    if t == "import_alias":
        name = node.named_children[0] if node.named_child_count else None
        return [(_text(src, name), VALUE | TYPE)] if name is not None else []
    bits = _kind(node)
    if not bits:
        return []
    name = node.child_by_field_name("name")
    if name is None or name.type == "string":
        return []  # (`export default class {}`; `declare module "m" {}`: no local name)
    if name.type == "nested_identifier":  # `namespace A.B {}` declares A
        while name.named_child_count and name.type == "nested_identifier":
            name = name.named_children[0]
    return [(_text(src, name), bits)]


def _pattern_names(src: bytes, node, out: list[str]) -> None:
    t = node.type
    if t in ("identifier", "shorthand_property_identifier_pattern"):
        out.append(_text(src, node))
    elif t == "pair_pattern":
        value = node.child_by_field_name("value")
        if value is not None:
            _pattern_names(src, value, out)
    elif t == "assignment_pattern":
        left = node.child_by_field_name("left")
        if left is not None:
            _pattern_names(src, left, out)
    elif t in ("object_pattern", "array_pattern", "rest_pattern", "object_assignment_pattern"):
        if t == "object_assignment_pattern":
            left = node.child_by_field_name("left")
            if left is not None:
                _pattern_names(src, left, out)
            return
        for c in node.named_children:
            _pattern_names(src, c, out)
