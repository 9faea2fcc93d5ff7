"""``extract(source, dialect) -> ModuleFacts``: everything the analysis needs from one file.

This module (with :mod:`.grammar`) is the only place that knows tree-sitter node names.
Rules follow SEMANTICS.md §1-§2 (the project reference), checked against Node 26 and TypeScript 5.9
(see tests/syntax/test_oracle_*.py).

Design notes
------------
* Every walk over the tree is iterative (a ``TreeCursor`` plus an explicit stack); there is
  no Python recursion, so 20,000-deep nesting is fine.
* Walks are *pruned by text*: the TLA walk only enters nodes whose byte range contains the
  bytes ``await``; the reference walk only enters nodes containing one of the words it looks
  for (imported local names, ``import``, ``require``). Function bodies are skipped by the TLA
  walk. A large file without those words costs little more than the parse itself.
* Import and re-export statements are found among the program's top-level statements (and
  inside ``declare module``/``declare global``/``declare namespace`` blocks, where they are
  ambient), and their heads are read by :mod:`.statements` from the raw bytes, because the
  grammars give ERROR nodes for several valid forms (``import defer``, ``import source``,
  ``export type *``, ``assert {}``, ``export import x = require()``).
* Binding uses are resolved lexically like TypeScript does (block scopes, ``var`` hoisting,
  parameters, catch parameters, ``for`` heads, destructuring, class/function expression names,
  enum members, namespaces; value and type meanings apart): one walk records declarations into
  scope records and references with their scope, then one pass over the scope records decides
  which references a declaration hides (declarations are hoisted, so this cannot be decided
  during the walk).
* tree-sitter-javascript reads ``await`` before a line break as an identifier; in module code
  such an identifier followed by an operand is an await expression (``_await_identifier``).
* ``extract`` never raises: on an unexpected failure it returns facts with
  ``has_syntax_errors=True`` and whatever was not computed left empty.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Optional

from ..text import LineIndex
from . import statements as stm
from .facts import (
    Dialect,
    DynamicImport,
    ModuleFacts,
    RequireCall,
    RequireKind,
    Span,
    Suppression,
    TlaKind,
    TlaSite,
    dynamic_record,
    from_record,
    require_record,
    suppression_record,
    tla_record,
    to_record,
)
from . import sfc
from .grammar import parser
from .words import ANY_WORD, IDENT_CLASS, word_positions

__all__ = ["extract", "extract_record", "extract_incremental"]

# ---------------------------------------------------------------------------------------
# Node-type tables

# An `await` below one of these is never top-level (it belongs to a function, or is a
# syntax error). TS `namespace`/`module`/`enum` bodies compile to a non-async IIFE:
# TypeScript 5.9's transpileModule emits `(function (N) { await x; })(N || (N = {}))`,
# which no engine accepts, so an await there is not TLA either. Ambient (`declare`)
# blocks contain no code.
_TLA_BOUNDARY = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",  # older grammar name
        "generator_function",
        "generator_function_declaration",
        "arrow_function",
        "class_static_block",
        "internal_module",
        "module",
        "enum_declaration",
        "ambient_declaration",
        "function_signature",
    }
)
# Children of these are beyond a function boundary except the (computed) name and decorators.
_METHOD_LIKE = frozenset(
    {"method_definition", "method_signature", "abstract_method_signature"}
)
_METHOD_KEEP_FIELDS = frozenset({"name", "decorator"})
# Class fields: the initializer (`value`) is a boundary; the computed key is module scope.
_FIELD_LIKE = frozenset({"field_definition", "public_field_definition"})

# Subtrees whose identifiers are in type positions (TypeScript).
_TYPE_NODES = frozenset(
    {
        "type_annotation",
        "opt_type_annotation",
        "omitting_type_annotation",
        "adding_type_annotation",
        "asserts_annotation",
        "type_predicate_annotation",
        "type_arguments",
        "type_parameters",
        "type_query",
        "implements_clause",
        "extends_type_clause",
        "interface_declaration",
        "type_alias_declaration",
        "ambient_declaration",
        "function_signature",
        "abstract_method_signature",
        "method_signature",
        "index_signature",
        "nested_type_identifier",
        "generic_type",
        "object_type",
        "lookup_type",
        "predefined_type",
        "type_identifier",
    }
)
_TYPE_FIELDS = frozenset({"type", "return_type", "type_arguments", "type_parameters"})

# ---------------------------------------------------------------------------------------
# Scopes for the binding-use analysis (which references resolve to an import's binding).
#
# A declaration of the same name in an enclosing scope hides the import. TypeScript 5.9
# resolves references lexically even in `transpileModule`, and also lets a *module-level*
# declaration that conflicts with the import win (`import {v} ...; var v; v` erases the
# import), so the program scope counts too. Meanings: a value declaration (let/const/var,
# parameters, functions, catch parameters) hides only the value meaning, an interface / type
# alias / type parameter only the type meaning, a class or enum both.
_VALUE, _TYPE = 1, 2
_BOTH = _VALUE | _TYPE
_ALL = True  # bind_fields: every child is in a binding position

# New scope that is also where `var` declarations go.
_VAR_SCOPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "generator_function_declaration",
        "arrow_function",
        "method_definition",
        "class_static_block",
        "internal_module",
        "module",
    }
)
# New scope for parameters / type parameters / a class expression's own name.
_OWN_SCOPES = frozenset(
    {
        "function_signature",
        "method_signature",
        "abstract_method_signature",
        "call_signature",
        "construct_signature",
        "function_type",
        "constructor_type",
        "class",
        "class_declaration",
        "abstract_class_declaration",
        "interface_declaration",
        "type_alias_declaration",
        "enum_declaration",
    }
)
# Block scopes (let/const/class/function-in-block, for heads, catch parameters, case clauses).
_BLOCK_SCOPES = frozenset({"statement_block", "for_statement", "for_in_statement", "catch_clause", "switch_body"})
# Declarations whose `name` binds in the *enclosing* scope, with their meanings.
_NAMED_DECLS = {
    "function_declaration": _VALUE,
    "generator_function_declaration": _VALUE,
    "function_signature": _VALUE,
    "class_declaration": _BOTH,
    "abstract_class_declaration": _BOTH,
    "enum_declaration": _BOTH,
    "interface_declaration": _TYPE,
    "type_alias_declaration": _TYPE,
}
# Expressions whose `name` binds in their *own* scope.
_SELF_NAMED = {"function_expression": _VALUE, "function": _VALUE, "generator_function": _VALUE, "class": _BOTH}
# Pattern nodes: which of their children are binding positions when the pattern is.
_PATTERN_FIELDS = {
    "object_pattern": _ALL,
    "array_pattern": _ALL,
    "rest_pattern": _ALL,
    "pair_pattern": frozenset({"value"}),
    "assignment_pattern": frozenset({"left"}),
    "object_assignment_pattern": frozenset({"left"}),
    "required_parameter": frozenset({"pattern"}),
    "optional_parameter": frozenset({"pattern"}),
}
_NAME_FIELD = frozenset({"name"})
_LEFT_FIELD = frozenset({"left"})
_PARAMETER_FIELD = frozenset({"parameter"})
_BINDING_IDENTS = frozenset({"identifier", "type_identifier", "shorthand_property_identifier_pattern"})
# (parent type, field) pairs where an identifier neither declares nor uses a binding.
_NOT_A_REFERENCE = frozenset(
    {
        ("export_specifier", "alias"),
        ("index_signature", "name"),
        ("mapped_type_clause", "name"),
    }
)
# Statements that make a namespace instantiated (a value) when they are not in this set.
_TYPE_ONLY_STATEMENTS = frozenset({"interface_declaration", "type_alias_declaration", "comment"})
# References (a `shorthand_property_identifier_pattern` outside a declaration is an assignment target).
_IDENT_USES = frozenset(
    {"identifier", "type_identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"}
)
_JSX_TAGS = frozenset({"jsx_opening_element", "jsx_self_closing_element"})
# every node type the references walk does something for (besides a type field marking the
# start of a type): the walk passes through any other node with one check
_REFERENCE_SPECIAL = frozenset(
    {"computed_property_name", "ambient_declaration", "formal_parameters", "variable_declarator",
     "arrow_function", "catch_clause", "for_in_statement", "internal_module", "module",
     "type_parameter", "assignment_expression", "call_expression", "meta_property",
     "export_statement", "export_specifier", "public_field_definition", "import_alias"}
) | _TYPE_NODES | _VAR_SCOPES | _OWN_SCOPES | _BLOCK_SCOPES | _PATTERN_FIELDS.keys() \
    | _NAMED_DECLS.keys() | _SELF_NAMED.keys() | _JSX_TAGS

# An identifier `await` under one of these declares or names something: never an operator.
_AWAIT_NOT_OPERATOR = frozenset(
    {
        "import_specifier",
        "import_clause",
        "namespace_import",
        "export_specifier",
        "namespace_export",
        "object_pattern",
        "array_pattern",
        "rest_pattern",
        "formal_parameters",
        "jsx_opening_element",
        "jsx_closing_element",
        "jsx_self_closing_element",
        "nested_identifier",
    }
)
_AWAIT_NOT_OPERATOR_FIELDS = frozenset(
    {
        ("variable_declarator", "name"),
        ("class_declaration", "name"),
        ("class", "name"),
        ("catch_clause", "parameter"),
        ("for_in_statement", "left"),
        ("pair_pattern", "value"),
        ("assignment_pattern", "left"),
        ("object_assignment_pattern", "left"),
        ("required_parameter", "pattern"),
        ("optional_parameter", "pattern"),
        ("new_expression", "constructor"),  # `new await\nx`: V8 "Unexpected reserved word"
    }
)
# Expressions that continue an `await` identifier without ending V8's operand (`await (x)()`).
_POSTFIX_EXPRESSIONS = frozenset({"call_expression", "subscript_expression", "member_expression"})
_NOT_EXPRESSIONS = frozenset({"program", "statement_block", "ERROR", "arguments"})
# Words that cannot begin the operand of `await` (V8: "Unexpected token", "Unexpected strict
# mode reserved word", ...). `of`, `async`, `get`... are ordinary identifiers.
_NOT_OPERAND_WORDS = frozenset(
    b"in instanceof var let const if else for while do switch case default break continue return "
    b"throw try catch finally with debugger export extends implements interface package private "
    b"protected public static yield enum super".split()
)


def _operand_start(src: bytes, pos: int) -> Optional[int]:
    """Where the operand of an `await` ending at ``pos`` starts (after white space, line breaks
    and comments), or None when the next token cannot begin a unary expression."""
    n = len(src)
    while pos < n:
        c = src[pos]
        if c in b" \t\r\n\x0b\x0c":
            pos += 1
        elif src.startswith(b"//", pos):
            nl = src.find(b"\n", pos)
            if nl < 0:
                return None
            pos = nl + 1
        elif src.startswith(b"/*", pos):
            close = src.find(b"*/", pos + 2)
            if close < 0:
                return None
            pos = close + 2
        elif src.startswith(b"\xc2\xa0", pos) or src.startswith(b"\xef\xbb\xbf", pos):
            pos += 2 if c == 0xC2 else 3  # NBSP, BOM
        elif src.startswith(b"\xe2\x80\xa8", pos) or src.startswith(b"\xe2\x80\xa9", pos):
            pos += 3  # LS, PS
        else:
            break
    if pos >= n:
        return None
    c = src[pos]
    if c in b"([{\"'`!~+-0123456789\\":
        return pos
    if c == 0x2E:  # `.5`
        return pos if pos + 1 < n and 0x30 <= src[pos + 1] <= 0x39 else None
    if c == 0x5F or c == 0x24 or c >= 0x80 or (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A):
        m = ANY_WORD.match(src, pos)
        word = m.group() if m else b""
        return None if word in _NOT_OPERAND_WORDS else pos
    return None


def _contains(positions: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


# ---------------------------------------------------------------------------------------
# Entry point


def extract(source: bytes, dialect: Dialect) -> ModuleFacts:
    """Parse ``source`` (the file's bytes) as ``dialect`` and return its :class:`ModuleFacts`.

    Pure: no file system. Never raises. All spans are byte offsets into ``source``.
    """
    return from_record(_extract(source, dialect, None)[0])


def extract_record(source: bytes, dialect: Dialect) -> tuple:
    """:func:`extract` in the compact form (``facts.from_record`` turns it into ModuleFacts):
    what the extraction workers send and the facts cache keeps, built without the objects."""
    return _extract(source, dialect, None)[0]


def extract_incremental(source: bytes, dialect: Dialect, old_tree=None):
    """Like :func:`extract`, reusing ``old_tree`` (the previous tree of this file, already
    told about the edits with :func:`edit_tree`) so tree-sitter re-parses only what changed.
    Returns ``(facts, tree)``; keep the tree for the next edit (open files only)."""
    record, tree = _extract(source, dialect, old_tree)
    return from_record(record), tree


def _extract(source, dialect: Dialect, old_tree) -> tuple[tuple, object]:
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    elif not isinstance(source, bytes):
        source = bytes(source)
    invalid = False
    if not source.isascii():
        try:
            source.decode("utf-8")
        except UnicodeDecodeError:
            invalid = True
    try:
        return _extract_in(source, dialect, old_tree, invalid)
    except Exception:  # pragma: no cover - defensive: extract must never raise
        return to_record(ModuleFacts(dialect=dialect, has_syntax_errors=True, invalid_utf8=invalid)), None


def _extract_in(source: bytes, dialect: Dialect, old_tree, invalid: bool) -> tuple[tuple, object]:
    module_level = None
    template_names = None
    grammar = Dialect.TS
    if dialect is Dialect.MDX:
        # the ESM blocks, in place: all of them module code, in JavaScript (with JSX)
        source = sfc.mdx_code(source)
        old_tree = None
        grammar = Dialect.JSX
    elif dialect is Dialect.ASTRO:
        # the frontmatter, in place; which of its statements are the module's is known once
        # it is parsed (_Extractor.record)
        source, _, template_names = sfc.astro_code(source)
        old_tree = None
    elif dialect.is_component:
        # the script blocks, in place (syntax/sfc.py); parsed afresh on every change, since
        # blanking moves with the tags and a tree edit would not say so
        original = source
        source, found = sfc.code(source, dialect is Dialect.SVELTE)
        module_level = [(b.start, b.end) for b in found if b.module_level]
        if any(b.lang in ("tsx", "jsx") for b in found):
            grammar = Dialect.TSX
        if dialect is Dialect.VUE and any(b.lang in ("ts", "tsx") for b in found):
            # TypeScript elides what neither the script nor the template uses, unless
            # verbatimModuleSyntax (the project layer picks which, from tsconfig)
            template_names = sfc.vue_template_names(original, found)
        old_tree = None
    extractor = _Extractor(source, dialect, invalid, old_tree)
    if dialect.is_component:
        extractor.module_level = module_level
        extractor.grammar = grammar
        extractor.template_names = template_names
    return extractor.record(), extractor.tree


class TreeEdit(tuple):
    """One text edit, in the terms tree-sitter wants: byte offsets and (row, byte column)
    points of the start, the old end (in the old text) and the new end (in the new text)."""

    __slots__ = ()

    def __new__(cls, old_source: bytes, new_source: bytes, start: int, old_end: int, new_end: int):
        def point(data: bytes, offset: int) -> tuple[int, int]:
            row = data.count(b"\n", 0, offset)
            return (row, offset - (data.rfind(b"\n", 0, offset) + 1))

        return super().__new__(cls, (start, old_end, new_end, point(old_source, start),
                                     point(old_source, old_end), point(new_source, new_end)))


def edit_tree(tree, edits) -> None:
    """Tell ``tree`` about ``edits`` (TreeEdits, in the order they were made)."""
    for start, old_end, new_end, sp, op, np in edits:
        tree.edit(start_byte=start, old_end_byte=old_end, new_end_byte=new_end,
                  start_point=sp, old_end_point=op, new_end_point=np)


class _Stmt:
    """A parsed import-ish statement plus where it was found."""

    __slots__ = ("parsed", "node_end", "ambient", "uses")

    def __init__(self, parsed: stm.ParsedStatement, node_end: int, ambient: bool):
        self.parsed = parsed
        self.node_end = node_end
        self.ambient = ambient
        # per binding index: [value_used, type_used, named by a local export] (the last: a
        # value use in `export { x }` / `export default x`, which whole-program tsc drops
        # where x is only a type in the other module)
        self.uses = [[False, False, False] for _ in parsed.bindings]


class _Extractor:
    def __init__(self, source: bytes, dialect: Dialect, invalid: bool, old_tree=None):
        self.src = source
        self.old_tree = old_tree
        self.tree = None
        self.dialect = dialect
        self.invalid = invalid
        self.stmts: list[_Stmt] = []
        # where the file's opening run of imports / re-exports (and comments) ends: the
        # references walk never looks inside those statements, so it need not look there
        self.head_end = 0
        self.module_syntax = False
        self.dynamic: list[DynamicImport] = []
        self.globs: list[tuple] = []  # eager import.meta.glob calls (facts.glob_record's)
        self.requires: list[tuple[int, RequireCall]] = []  # (sort key, call)
        # names of the require functions, and of what makes them (createRequire; the module)
        self.require_names: frozenset = frozenset([b"require"])
        self.makers: tuple[frozenset, frozenset] = _NO_MAKERS[1]
        self.ambiguous_tla: set[int] = set()  # `await(x)` sites that are calls in a script
        # valid statements the grammar gives errors in, that are not import-ish statements
        self.excused: list[tuple[int, int]] = []
        # where an import or export statement goes on without a `;` or line break (an error
        # the tree does not show: the grammar read the rest as statements of their own)
        self.unterminated: list[int] = []
        # a component's: the grammar of its code, and where code runs at module level
        self.grammar = dialect
        self.module_level: Optional[list[tuple[int, int]]] = None
        # an Astro or Vue (TypeScript) component's: the names its template may use (all
        # value uses); with them, TypeScript's elision is computed as for a .ts file
        self.template_names: Optional[frozenset] = None

    def run(self) -> ModuleFacts:
        return from_record(self.record())

    def record(self) -> tuple:
        """The facts, in the compact form (facts.to_record's)."""
        p = parser(self.grammar)
        tree = p.parse(self.src, self.old_tree) if self.old_tree is not None else p.parse(self.src)
        self.tree = tree
        root = tree.root_node
        self._find_statements(root)
        if self.dialect is Dialect.ASTRO:
            # the compiler hoists the frontmatter's exports to the module; the rest is the
            # component's render function
            self.module_level = [(c.start_byte, c.end_byte) for c in root.children if c.type == "export_statement"]
        tla = self._tla(root)
        if self.module_level is not None:
            # a component's setup code is a function's body: its awaits are not the module's
            tla = [s for s in tla if any(a <= s.keyword.start < b for a, b in self.module_level)]
        if any(site.keyword.start not in self.ambiguous_tla for site in tla):
            self.module_syntax = True
        self._references(root)
        if self.template_names is not None:
            for s in self.stmts:
                for i, b in enumerate(s.parsed.bindings):
                    if b.local and b.local.encode("utf-8", "surrogatepass") in self.template_names:
                        s.uses[i][0] = True
        first_error = self._first_error(root) if root.has_error or self.unterminated else None
        if first_error is not None:
            first_error = self._after_semicolon_insertion(first_error)
        return (
            self.dialect.value,
            tuple(map(tla_record, tla)),
            tuple(self._static_imports()),
            tuple(map(dynamic_record, self.dynamic)),
            tuple(map(require_record, self._require_calls())),
            tuple(map(suppression_record, self._suppressions(root))),
            self.module_syntax,
            first_error is not None,
            None if first_error is None else (first_error.start, first_error.end),
            self.invalid,
            tuple(self.globs),
        )

    # -----------------------------------------------------------------------------------
    # Import / export statements

    def _find_statements(self, root) -> None:
        src = self.src
        # (node, ambient, is_top) work list; ERROR containers are looked into as well.
        work = [(root, False)]
        head = True  # (the root's children come first)
        while work:
            container, ambient = work.pop()
            children = container.children
            broken = container.has_error
            for idx, node in enumerate(children):
                t = node.type
                if head:
                    if t == "import_statement" or t == "comment" or t == "hash_bang_line" or (
                            t == "export_statement" and node.child_by_field_name("source") is not None):
                        self.head_end = node.end_byte
                    else:
                        head = False
                decl = None
                if t == "import_statement" or t == "export_statement":
                    if not ambient:
                        self.module_syntax = True
                    if t == "import_statement":
                        parse = stm.parse_import
                    else:
                        parse = stm.parse_export
                        decl = node.child_by_field_name("declaration")
                    if decl is not None and decl.type != "import_alias" and not node.has_error:
                        # `export const|function|class|type X …`: names no other module
                        parsed = None
                    else:
                        parsed = parse(src, node.start_byte, node.end_byte)
                    if parsed is None and node.has_error:
                        # The grammars split some valid statements, e.g. the TS grammar's
                        # `export import x = require('m')` and the JS grammar's
                        # `assert {'x-y': "z"}`: read on into the next few siblings.
                        parsed = _read_on(parse, src, node.start_byte, children[idx + 1:idx + 4])
                    if parsed is not None:
                        self.stmts.append(_Stmt(parsed, node.end_byte, ambient))
                        # the grammars insert a `;` where no engine does (`import 'm' foo()`)
                        self._check_end(parsed.end if node.has_error else max(parsed.end, node.end_byte))
                    elif t == "export_statement" and node.has_error and stm.local_export_list(
                            src, node.start_byte, node.end_byte):
                        # valid, and names no module: only its errors are the grammar's
                        self.excused.append((node.start_byte, node.end_byte))
                        self._check_end(node.end_byte)
                    elif t == "export_statement" and decl is None and node.named_child_count \
                            and node.named_children[0].type == "export_clause":
                        self._check_end(node.end_byte)  # `export {a}`, names no module
                if t == "export_statement":
                    if decl is not None and decl.type == "ambient_declaration":
                        work.append((decl, True))
                elif t == "ambient_declaration":
                    work.append((node, True))
                elif t in ("module", "internal_module") and ambient:
                    work.append((node, True))
                elif t == "statement_block" and ambient:
                    work.append((node, True))
                elif t == "ERROR" or (broken and node.has_error and t != "import_statement"):
                    # A valid statement the grammar split. The JS grammar has no attributes on
                    # `export ... from`: `export * from './d.json' with {type: 'json'}` is ERROR +
                    # label + ERROR; the TS grammar only `with {}`: with a key, a labeled
                    # statement around an ERROR, + ERROR (and both: quoted keys).
                    kw = _MODULE_KEYWORD.match(src, node.start_byte)
                    parsed = None
                    if kw is not None:
                        parse = stm.parse_import if kw.group() == b"import" else stm.parse_export
                        parsed = _read_on(parse, src, node.start_byte, children[idx:idx + 4])
                    if parsed is not None:
                        if not ambient:
                            self.module_syntax = True
                        self.stmts.append(_Stmt(parsed, node.end_byte, ambient))
                        self._check_end(parsed.end)
                    elif t == "ERROR" and node.child_count < 10000:
                        work.append((node, ambient))
            head = False
        self.stmts.sort(key=lambda s: s.parsed.start)

    def _check_end(self, end: int) -> None:
        """An import or export statement read up to ``end`` must end there (see _goes_on)."""
        on = _goes_on(self.src, end)
        if on is not None:
            self.unterminated.append(on)

    # -----------------------------------------------------------------------------------
    # Top-level await

    def _tla(self, root) -> list[TlaSite]:
        positions = word_positions(self.src, [b"await"])
        sites: list[TlaSite] = []
        if not positions or not _contains(positions, root.start_byte, root.end_byte):
            return sites
        cur = root.walk()
        npos = len(positions)
        bisect_left = bisect.bisect_left
        goto_parent = cur.goto_parent
        first_child_for_byte = cur.goto_first_child_for_byte
        parents: list[str] = []
        # Like the references walk: only into nodes that contain an `await`, jumping over the
        # other children (goto_first_child_for_byte), and done after the last one.
        while True:
            node = cur.node
            k = bisect_left(positions, node.start_byte)
            if k == npos:
                return sites
            if positions[k] >= node.end_byte:
                if parents:
                    goto_parent()
                    if first_child_for_byte(positions[k]) is not None:
                        continue
                    parents.pop()
                descend = False
            else:
                descend = True
                if parents:
                    ptype = parents[-1]
                    if ptype in _METHOD_LIKE:
                        descend = cur.field_name in _METHOD_KEEP_FIELDS
                    elif ptype in _FIELD_LIKE:
                        descend = cur.field_name != "value"
            if descend:
                t = node.type
                if t in _TLA_BOUNDARY:
                    descend = False
                elif t == "await_expression":
                    kw = node.child(0)
                    if kw is not None and kw.type == "await":
                        sites.append(
                            TlaSite(TlaKind.AWAIT, Span(node.start_byte, node.end_byte), Span(kw.start_byte, kw.end_byte))
                        )
                elif t == "for_in_statement" or t == "using_declaration":
                    site = _keyword_site(node, t)
                    if site is not None:
                        sites.append(site)
                elif t == "identifier" and parents:
                    # tree-sitter-javascript reads `await` as an identifier when a line break
                    # follows it (`x = await\n  f()` becomes `x = await;` and `f();`) and in
                    # `await (x)()` / `await\n[1]` (a call of / an index into `await`). In
                    # module code `await` is reserved, so V8 reads an await expression wherever
                    # an operand follows (Node 26: hasTopLevelAwait() is true). Such sites do not
                    # count as module syntax: in a script they are identifiers (the project layer
                    # decides whether a file is a script and then ignores its TLA).
                    if self.src[node.start_byte : node.end_byte] == b"await":
                        site = self._await_identifier(root, node, parents[-1], cur.field_name)
                        if site is not None:
                            sites.append(site)
                            self.ambiguous_tla.add(node.start_byte)
            if descend and first_child_for_byte(positions[k]) is not None:
                parents.append(node.type)
                continue
            while not cur.goto_next_sibling():
                if not goto_parent():
                    return sites
                parents.pop()

    def _await_identifier(self, root, node, ptype: str, fname: Optional[str]) -> Optional[TlaSite]:
        """A TLA site for an identifier `await` in module code, or None where it declares or
        names something (`let await`, `import {await as a}`: syntax errors in a module) or no
        operand follows (`await;`, `await.x`, `await\n, 1`: syntax errors too)."""
        if ptype in _AWAIT_NOT_OPERATOR or (ptype, fname) in _AWAIT_NOT_OPERATOR_FIELDS:
            return None
        src = self.src
        kw_start, kw_end = node.start_byte, node.end_byte
        op = _operand_start(src, kw_end)
        if op is None:
            return None
        if src.startswith(b"using", op):
            # `await\nusing x = y`: no `await using` across a line break, and `await using x`
            # is a syntax error (V8: "Unexpected identifier")
            decl = root.named_descendant_for_byte_range(op, op + 5)
            if decl is not None and decl.type == "using_declaration" and decl.start_byte == op:
                first = decl.named_children[0] if decl.named_child_count else None
                if first is not None and b"\n" not in src[op + 5 : first.start_byte]:
                    return None
        # the await expression V8 sees: from the keyword through the operand
        end = kw_end
        outer = node
        while True:
            parent = outer.parent
            if parent is None or parent.start_byte != kw_start or parent.type not in _POSTFIX_EXPRESSIONS:
                break
            outer = parent
        end = max(end, outer.end_byte)
        if op >= end:
            operand = root.named_descendant_for_byte_range(op, op + 1)
            if operand is not None:
                if operand.start_byte >= op:
                    while True:
                        parent = operand.parent
                        if parent is None or parent.start_byte != op or parent.type in _NOT_EXPRESSIONS or (
                            parent.type.endswith("statement") or parent.type.endswith("declaration")
                        ):
                            break
                        operand = parent
                end = max(end, operand.end_byte)
        return TlaSite(TlaKind.AWAIT, Span(kw_start, end), Span(kw_start, kw_end))

    # -----------------------------------------------------------------------------------
    # References: binding uses, dynamic imports, require()

    def _references(self, root) -> None:
        """Binding uses of the imports' local names (TypeScript: they decide which imports
        are elided; JavaScript elides none, so its walk looks for ``import``/``require``
        only), dynamic imports and require() calls.

        One iterative walk records declarations (into scope records) and references (with the
        scope they are in); a pass over the scope records afterwards decides which references
        are hidden by a declaration (declarations are hoisted to their scope, so a reference
        can come before the declaration that hides it)."""
        src = self.src
        locals_: dict[bytes, list[tuple[_Stmt, int]]] = {}
        ts = self.dialect.is_typescript or self.template_names is not None
        for s in self.stmts:
            if s.ambient or s.parsed.kind == "export":
                continue
            if s.parsed.type_only:
                continue  # (erased whatever the uses: not looked for)
            for i, b in enumerate(s.parsed.bindings):
                if b.local and not b.type_only and (ts or b.local == "require"):  # (an imported `require`: see below)
                    locals_.setdefault(b.local.encode("utf-8", "surrogatepass"), []).append((s, i))
        # `import w = v.p` (not exported) uses `v` only where `w` is used as a value
        aliases = _alias_names(src, self.head_end) if ts and locals_ else frozenset()
        # require functions made by Node's createRequire, and the names that make them
        made, self.makers = self._created_requires(root) if b"createRequire" in src else _NO_MAKERS
        makers = self.makers[0] | self.makers[1]
        words = [b"import", b"require", *locals_.keys(), *aliases, *made, *makers]
        positions = word_positions(src, words, self.head_end)
        react = locals_.get(b"React")
        if react is not None:
            # Any JSX element is a value use of `React` for TypeScript (checked with 5.9).
            lt = [m.start() for m in re.finditer(rb"<", src)]
            positions = sorted(set(positions).union(lt))
        if not positions:
            return
        cur = root.walk()
        npos = len(positions)
        bisect_left = bisect.bisect_left
        wanted = frozenset([b"require", *locals_.keys(), *aliases, *made, *makers])
        # A module-level `const require = createRequire(...)` is still a require function, and
        # so is a module-level `const req = createRequire(...)`.
        kept = frozenset([*made, *((b"require",) if b"require" not in locals_ else ())])
        self.require_names = frozenset([b"require", *made])
        callers = (b"import", b"require", *made, *makers)
        # scope records: [parent index, {name: meanings} or None]; 0 is the program
        scopes: list[list] = [[-1, None]]
        # references: (scope, name, meaning looked up, 0 = value use / 1 = type use)
        refs: list[tuple[int, bytes, int, int]] = []
        # references in the value of a local alias: (reference, alias name)
        alias_refs: list[tuple[tuple[int, bytes, int, int], bytes]] = []
        # per depth of the frames: [alias name (None: not one we look for), exported]
        alias_frames: dict[int, list] = {}
        pending_requires: list[tuple[int, object]] = []

        def declare(target: tuple[int, int], name: bytes) -> None:
            if name not in wanted or (target[0] == 0 and name in kept):
                return
            rec = scopes[target[0]]
            d = rec[1]
            if d is None:
                d = rec[1] = {}
            d[name] = d.get(name, 0) | target[1]

        # frames for the ancestors of the current node:
        # (type, in_type, ambient, scope, var scope, binding fields of children, binding target)
        frames: list[tuple] = []
        root_frame = ("", False, False, 0, 0, None, None)
        # Only nodes that contain one of ``positions`` matter (everything below is done for
        # them alone): the walk jumps over the others with goto_first_child_for_byte (to the
        # first child, or later sibling, that reaches the next position; a C loop) and stops
        # after the last position.
        goto_parent = cur.goto_parent
        first_child_for_byte = cur.goto_first_child_for_byte
        while True:
            node = cur.node
            k = bisect_left(positions, node.start_byte)
            if k == npos:
                break
            descend = positions[k] < node.end_byte
            if not descend:
                if frames:
                    goto_parent()
                    if first_child_for_byte(positions[k]) is not None:
                        continue
                    frames.pop()
            else:
                t = node.type
                ptype, in_type, ambient, scope, vscope, bfields, btarget = frames[-1] if frames else root_frame
                fname = cur.field_name
                bind = btarget if bfields is not None and (bfields is _ALL or fname in bfields) else None
                child_fields = child_target = None
                if t == "import_statement" or (
                    t == "export_statement" and node.child_by_field_name("source") is not None
                ):
                    descend = False
                elif bind is not None and t in _BINDING_IDENTS:
                    descend = False
                    declare(bind, src[node.start_byte : node.end_byte])
                elif t in _IDENT_USES:
                    descend = False
                    name = src[node.start_byte : node.end_byte]
                    if (name in locals_ or name in aliases) and (ptype, fname) not in _NOT_A_REFERENCE:
                        if ptype == "import_alias" and node.prev_named_sibling is None:
                            if name in aliases:
                                # `import w = v…` of ours: w is looked for as the imports are
                                alias_frames[len(frames) - 1][0] = name
                            if name in locals_:
                                # `import N = a.b` (in a namespace): declares N, hiding an
                                # import of that name there
                                declare((scope, _BOTH), name)
                        else:
                            if t == "type_identifier":
                                ref = (scope, name, _TYPE, 1)
                            elif in_type:
                                # `typeof v` looks up the value meaning; `ns.T` the namespace
                                ref = (scope, name, _TYPE if ptype == "nested_type_identifier" else _VALUE, 1)
                            elif (ptype == "export_specifier" and fname == "name") or (
                                    ptype == "export_statement" and fname == "value"):
                                ref = (scope, name, _VALUE, 2)  # (`export { x }`, `export default x`)
                            else:
                                ref = (scope, name, _VALUE, 0)
                            alias = _alias_of(frames, alias_frames) if ptype == "import_alias" or \
                                ptype == "nested_identifier" else None
                            if alias is not None:
                                alias_refs.append((ref, alias))
                            else:
                                refs.append(ref)
                elif t == "property_identifier":
                    descend = False
                    if ptype == "enum_body" or (ptype == "enum_assignment" and fname == "name"):
                        # enum members are in scope in the enum's initializers
                        declare((scope, _VALUE), src[node.start_byte : node.end_byte])
                elif t not in _REFERENCE_SPECIAL:
                    # (most nodes on the way: expressions, statements, bodies)
                    if not in_type and fname in _TYPE_FIELDS:
                        in_type = True
                else:
                    if t == "computed_property_name":
                        # `type K = { [key]: number }`: the key is a value reference
                        # (TypeScript 5.9 keeps the import), except in ambient code.
                        if in_type and not ambient:
                            in_type = False
                    elif not in_type and (t in _TYPE_NODES or fname in _TYPE_FIELDS):
                        in_type = True
                    if t == "ambient_declaration":
                        ambient = True
                    # scopes
                    outer = scope
                    if t in _VAR_SCOPES:
                        scope = vscope = len(scopes)
                        scopes.append([outer, None])
                    elif t in _OWN_SCOPES or t in _BLOCK_SCOPES or (
                        t == "formal_parameters" and ptype not in _VAR_SCOPES and ptype not in _OWN_SCOPES
                    ):
                        scope = len(scopes)
                        scopes.append([outer, None])
                    # binding positions among the children
                    if bind is not None and t in _PATTERN_FIELDS:
                        child_fields, child_target = _PATTERN_FIELDS[t], bind
                    elif t == "variable_declarator":
                        child_fields = _NAME_FIELD
                        child_target = (vscope if ptype == "variable_declaration" else scope, _VALUE)
                    elif t == "formal_parameters":
                        child_fields, child_target = _ALL, (scope, _VALUE)
                    elif t == "arrow_function" or t == "catch_clause":
                        child_fields, child_target = _PARAMETER_FIELD, (scope, _VALUE)
                    elif t == "for_in_statement":
                        kind = _for_kind(node)
                        if kind is not None:
                            child_fields = _LEFT_FIELD
                            child_target = (vscope if kind == "var" else scope, _VALUE)
                    elif t in _NAMED_DECLS:
                        child_fields, child_target = _NAME_FIELD, (outer, _NAMED_DECLS[t])
                    elif t in _SELF_NAMED:
                        child_fields, child_target = _NAME_FIELD, (scope, _SELF_NAMED[t])
                    elif t == "internal_module" or t == "module":
                        child_fields = _NAME_FIELD
                        child_target = (outer, _BOTH if _instantiated(node) else _TYPE)
                    elif t == "type_parameter":
                        child_fields, child_target = _NAME_FIELD, (scope, _TYPE)
                    elif t == "assignment_expression" and node.child_count and node.children[0].type == "using":
                        # tree-sitter-typescript 0.23 reads `using x = y` as an assignment
                        child_fields, child_target = _LEFT_FIELD, (scope, _VALUE)
                    # other facts
                    if t == "call_expression":
                        # (only `import(…)` and `require(…)` matter: a call whose callee starts
                        # the call with one of those words)
                        if not in_type and src.startswith(callers, node.start_byte):
                            self._call(node, scope, pending_requires)
                    elif t == "meta_property":
                        if not in_type and src.startswith(b"import", node.start_byte):
                            self.module_syntax = True
                    elif t == "export_statement" or t == "export_specifier" or t == "public_field_definition":
                        for c in node.children:
                            if not c.is_named and c.type in ("type", "declare"):
                                in_type = True
                                if c.type == "declare":
                                    ambient = True
                    elif t in _JSX_TAGS and react is not None and not in_type:
                        refs.append((scope, b"React", _VALUE, 0))
                    elif t == "import_alias":
                        # its name comes first (set there if it is one of ``aliases``)
                        alias_frames[len(frames)] = [None, ptype == "export_statement"]
                if descend and first_child_for_byte(positions[k]) is not None:
                    frames.append((t, in_type, ambient, scope, vscope, child_fields, child_target))
                    continue
            while not cur.goto_next_sibling():
                if not goto_parent():
                    self._resolve(scopes, refs, pending_requires, locals_, alias_refs)
                    return
                frames.pop()
        self._resolve(scopes, refs, pending_requires, locals_, alias_refs)

    def _resolve(self, scopes, refs, pending_requires, locals_, alias_refs=()) -> None:
        """Which names each scope hides (its own declarations and its ancestors'), then the
        references that are not hidden are uses of the import bindings. A reference in the
        value of a local alias (``import w = v.p``) counts once the alias is used as a value
        (TypeScript 5.9 elides the import otherwise)."""
        empty: frozenset = frozenset()
        hidden_value: list[frozenset] = []
        hidden_type: list[frozenset] = []
        for parent, declared in scopes:  # parents come before their children
            pv = hidden_value[parent] if parent >= 0 else empty
            pt = hidden_type[parent] if parent >= 0 else empty
            if declared:
                v = [n for n, m in declared.items() if m & _VALUE and n not in pv]
                ty = [n for n, m in declared.items() if m & _TYPE and n not in pt]
                if v:
                    pv = pv.union(v)
                if ty:
                    pt = pt.union(ty)
            hidden_value.append(pv)
            hidden_type.append(pt)
        if alias_refs:
            # aliases used as values (through other aliases too): their references count
            used = {name for scope, name, meaning, kind in refs
                    if kind != 1 and meaning == _VALUE and name not in hidden_value[scope]}
            waiting = list(alias_refs)
            while True:
                ready = [ref for ref, alias in waiting if alias in used]
                if not ready:
                    break
                waiting = [(ref, alias) for ref, alias in waiting if alias not in used]
                refs = refs + ready
                used |= {name for scope, name, meaning, kind in ready
                         if kind != 1 and meaning == _VALUE and name not in hidden_value[scope]}
        for scope, name, meaning, kind in refs:
            if name in (hidden_value if meaning == _VALUE else hidden_type)[scope]:
                continue
            for s, i in locals_.get(name, ()):
                s.uses[i][kind] = True
        for scope, name, call in pending_requires:
            if name not in hidden_value[scope]:
                self.requires.append((call.span.start, call))

    def _call(self, node, scope: int, pending_requires: list) -> None:
        src = self.src
        fn = node.child_by_field_name("function")
        if fn is None:
            return
        ftype = fn.type
        if ftype == "import":
            arg = _first_argument(node)
            spec, span = _literal(arg, src)
            self.dynamic.append(DynamicImport(spec, Span(node.start_byte, node.end_byte), span))
        elif ftype == "member_expression" and src[fn.start_byte : fn.end_byte].replace(b" ", b"") == b"import.meta.glob":
            glob = _eager_glob(node, src)
            if glob is not None:
                self.globs.append(glob)
        elif ftype == "identifier" and src[fn.start_byte : fn.end_byte] in self.require_names:
            name = src[fn.start_byte : fn.end_byte]
            self._require_call(node, scope, pending_requires, name,
                               "" if name == b"require" else name.decode("utf-8", "replace"))
        elif ftype == "call_expression" and _makes_require(fn, src, self.makers):
            # `createRequire(import.meta.url)("m")`
            name = src[fn.start_byte : fn.end_byte].split(b"(", 1)[0].split(b".", 1)[0].strip()
            callee = " ".join(src[fn.start_byte : fn.end_byte].decode("utf-8", "replace").split())
            self._require_call(node, scope, pending_requires, name, callee)

    def _require_call(self, node, scope: int, pending_requires: list, name: bytes, callee: str) -> None:
        """A require() of a literal: kept unless ``name`` is hidden where the call is."""
        spec, span = _literal(_first_argument(node), self.src)
        if spec is not None and span is not None:
            call = RequireCall(RequireKind.CALL, spec, Span(node.start_byte, node.end_byte), span,
                               callee=callee)
            pending_requires.append((scope, name, call))

    def _created_requires(self, root) -> tuple[frozenset, tuple[frozenset, frozenset]]:
        """(the names of the module-level require functions made by Node's createRequire,
        (the names of createRequire, the names of the module whose property it is)):
        ``import { createRequire } from "node:module"`` (or
        ``"module"``) and ``const req = createRequire(import.meta.url)``; also through a
        namespace or default import of the module (``const req = m.createRequire(…)``).
        Only declarations among the program's top-level statements count."""
        fns: set[bytes] = set()
        objs: set[bytes] = set()
        for s in self.stmts:
            p = s.parsed
            if p.kind == "export" or p.type_only or p.specifier not in ("module", "node:module"):
                continue
            for b in p.bindings:
                if b.local and not b.type_only:
                    if b.imported == "createRequire":
                        fns.add(b.local.encode("utf-8"))
                    elif b.imported in ("*", "default"):
                        objs.add(b.local.encode("utf-8"))
        if not fns and not objs:
            return _NO_MAKERS
        makers = (frozenset(fns), frozenset(objs))
        names = makers[0] | makers[1]
        src = self.src
        made: set[bytes] = set()
        for stmt in root.children:
            if stmt.type == "export_statement":
                stmt = stmt.child_by_field_name("declaration")
                if stmt is None:
                    continue
            if stmt.type not in ("lexical_declaration", "variable_declaration"):
                continue
            text = src[stmt.start_byte : stmt.end_byte]
            if not any(n in text for n in names):
                continue
            for d in stmt.named_children:
                if d.type != "variable_declarator":
                    continue
                name = d.child_by_field_name("name")
                if name is not None and name.type == "identifier" and \
                        _makes_require(d.child_by_field_name("value"), src, makers):
                    made.add(src[name.start_byte : name.end_byte])
        return frozenset(made), makers

    # -----------------------------------------------------------------------------------
    # Assembly

    def _static_imports(self) -> list[tuple]:
        """The import and re-export statements, as facts.to_record's import records."""
        ts = self.dialect.is_typescript or self.template_names is not None
        out: list[tuple] = []
        for s in self.stmts:
            p = s.parsed
            if p.kind == "import-equals":
                continue
            uses = s.uses
            # (value_used counts the uses in local exports; `reexported`: those are its only ones)
            bindings = tuple([(b.imported, b.local, b.type_only, b.start, b.end, u[0] or u[2], u[1], u[2] and not u[0])
                              for b, u in zip(p.bindings, uses)])
            erased_default = erased_verbatim = False
            if ts:
                erased_default, erased_verbatim = _erasure(p, bindings)
                if self.dialect is Dialect.ASTRO:
                    # Astro's compiler elides imports itself, whatever tsconfig says
                    erased_verbatim = erased_default
            elif p.type_only and self.dialect.is_component:
                # a component's TypeScript is kept as written (syntax/sfc.py), but for
                # `import type` / `export type … from`
                erased_default = erased_verbatim = True
            out.append((p.kind, p.specifier, p.start, max(s.node_end, p.end), p.spec_start,
                        p.spec_end, bindings, p.phase, p.type_only, tuple(p.attributes),
                        erased_default, erased_verbatim, s.ambient))
        return out

    def _require_calls(self) -> list[RequireCall]:
        calls = list(self.requires)
        for s in self.stmts:
            p = s.parsed
            if p.kind != "import-equals" or s.ambient:
                continue
            value_used = p.exported or s.uses[0][0] or s.uses[0][2]
            calls.append(
                (
                    p.start,
                    RequireCall(
                        RequireKind.IMPORT_EQUALS,
                        p.specifier,
                        Span(p.start, max(s.node_end, p.end)),
                        Span(p.spec_start, p.spec_end),
                        erased_default=p.type_only or not value_used,
                        erased_verbatim=p.type_only,
                    ),
                )
            )
        calls.sort(key=lambda c: c[0])
        return [c for _, c in calls]

    # -----------------------------------------------------------------------------------
    # Suppression comments

    def _suppressions(self, root) -> list[Suppression]:
        src = self.src
        out: list[Suppression] = []
        index: Optional[LineIndex] = None
        for m in _SUPPRESS_RE.finditer(src):
            node = root.descendant_for_byte_range(m.start(), m.end())
            if node is None or node.type not in ("comment", "html_comment"):
                continue
            cstart, cend = node.start_byte, node.end_byte
            if not (cstart <= m.start() and m.end() <= cend):
                continue
            opener = src[cstart : cstart + 2]
            if opener not in (b"//", b"/*") or src[cstart + 2 : m.start()].strip():
                continue
            body_end = cend - 2 if opener == b"/*" and src.endswith(b"*/", 0, cend) else cend
            rest = stm.decode_text(src[m.end() : max(m.end(), body_end)])
            if rest and not rest[0].isspace():
                continue
            codes_part, sep, reason = rest.partition("--")
            codes = tuple(c for c in re.split(r"[\s,]+", codes_part) if c)
            if index is None:
                index = LineIndex(src)
            line = index.line_of(cstart if opener == b"//" else max(cstart, cend - 1))
            out.append(Suppression(line, codes, reason.strip() if sep else "", Span(cstart, cend)))
        return out

    # -----------------------------------------------------------------------------------
    # Syntax errors

    def _first_error(self, root, src: Optional[bytes] = None,
                     inserted: tuple[int, ...] = ()) -> Optional[Span]:
        """The first (in source order) ERROR or MISSING node, except those inside
        import/export statements that :mod:`.statements` read successfully (valid forms the
        grammars do not know); None when there is none. Only subtrees with errors are entered.
        ``src``, ``inserted``: the tree is of ``src``, the file with a byte inserted at each of
        these offsets (of ``src``, ascending; see :meth:`_after_semicolon_insertion`); the span
        returned is of the file as it is."""
        src = self.src if src is None else src
        spans = [(s.parsed.start, max(s.node_end, s.parsed.end)) for s in self.stmts]
        if self.excused:
            spans = sorted(spans + self.excused)
        starts = [a for a, _ in spans]

        def original(offset: int) -> int:
            return offset - bisect.bisect_left(inserted, offset)

        def excused(node) -> bool:
            start, end = original(node.start_byte), original(node.end_byte)
            i = bisect.bisect_right(starts, start) - 1
            return i >= 0 and end <= spans[i][1]

        def in_tree() -> Optional[Span]:
            cur = root.walk()
            while True:
                node = cur.node
                if node.is_error or node.is_missing:
                    if not excused(node) and not self._variance_modifier(node, src):
                        return Span(original(node.start_byte), original(node.end_byte))
                elif node.has_error and cur.goto_first_child():
                    continue
                while not cur.goto_next_sibling():
                    if not cur.goto_parent():
                        return None

        found = in_tree()
        if self.unterminated:  # (not in the tree: see _check_end)
            at = min(self.unterminated)
            if found is None or at < found.start:
                found = Span(at, at + 1)
        return found

    def _after_semicolon_insertion(self, error: Span) -> Optional[Span]:
        """The first syntax error once the semicolons the grammars fail to insert automatically
        are inserted (None: the file is valid). The scanner of tree-sitter-javascript 0.25 (and,
        in fewer places, tree-sitter-typescript 0.23's) inserts none before a ``[``, ``(``,
        ``*`` or template that starts a line, as each may continue the line before; where the
        line before cannot be continued, engines insert one (ECMA-262 §12.10.1), and the
        grammar gives an error: ``let x⏎[a, b] = f()``, a class field ``#abort⏎[k] = null``,
        ``const f = () => {…}⏎[1].map(f)``. At such an error the source is parsed again with a
        ``;`` at the end of the line before a nearby line-starting bracket, kept only if the
        ``;`` ends one of those forms (:func:`_ends_uncontinuable`); then the next error is
        looked at the same way, up to a budget of parses (the error at hand is reported when it
        runs out)."""
        inserted: list[int] = []  # offsets in the file as it is, ascending
        # the source with the semicolons so far, and its tree (parsed incrementally: this runs
        # on a keystroke in an open file as much as in a check)
        src, tree = self.src, self.tree
        budget = _SEMICOLON_PARSES
        try:
            while True:
                for at in _insertion_points(self.src, error):
                    if inserted and at <= inserted[-1]:
                        continue
                    if budget == 0:
                        return error
                    budget -= 1
                    pos = at + len(inserted)  # in ``src``
                    changed = src[:pos] + b";" + src[pos:]
                    base = tree.copy()
                    edit_tree(base, [TreeEdit(src, changed, pos, pos, pos + 1)])
                    new_tree = parser(self.dialect).parse(changed, base)
                    if _ends_uncontinuable(new_tree.root_node, changed, pos):
                        break
                else:
                    return error
                inserted.append(at)
                src, tree = changed, new_tree
                nxt = self._first_error(tree.root_node, src, tuple(o + i for i, o in enumerate(inserted)))
                if nxt is None:
                    return None
                error = nxt
        except Exception:  # pragma: no cover - defensive: the file's other facts must survive
            pass
        return error

    def _variance_modifier(self, node, src: bytes) -> bool:
        """Is ``node`` an ERROR tree-sitter-typescript 0.23 makes of a type parameter with a
        variance modifier (TypeScript 4.7: ``interface I<in T, out U = unknown>``, ``class
        C<in out T>``)? The grammar has no such modifiers; depending on the rest it reads
        ``out T`` as ``type_parameter(out) ERROR(T)``, ``type_parameter(out, ERROR(T), …)`` or
        ``ERROR(out) type_parameter(T …)``. Only the exact form is excused: the modifiers, white
        space, one plain name."""
        if not self.dialect.is_typescript or not node.is_error:
            return False
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "type_parameter":
            return _VARIANCE_RE.fullmatch(src, parent.start_byte, node.end_byte) is not None
        if parent.type != "type_parameters":
            return False
        prev = node.prev_sibling
        if prev is not None and prev.type == "type_parameter" and _VARIANCE_RE.fullmatch(
                src, prev.start_byte, node.end_byte) is not None:
            return True
        nxt = node.next_sibling
        name = nxt.child_by_field_name("name") if nxt is not None and nxt.type == "type_parameter" else None
        return name is not None and _VARIANCE_RE.fullmatch(src, node.start_byte, name.end_byte) is not None


# `in T`, `out T`, `in out T`, on one line (TypeScript 5.9 takes a modifier followed by a line
# break for the parameter's name)
_VARIANCE_RE = re.compile(rb"(?:in|out|in[ \t]+out)[ \t]+[A-Za-z_$][A-Za-z0-9_$]*")

_SUPPRESS_RE = re.compile(rb"tla-lens-ignore-next-line")

# white space and comments, then `[`, `(`, `*` or a template; a line break must be among them
_LINE_START_BRACKET = re.compile(rb"(?:\s|\xe2\x80[\xa8\xa9]|//[^\r\n]*|/\*(?:[^*]|\*(?!/))*\*/)*[\[(*`]")
_LINE_BREAK = re.compile(rb"[\r\n]|\xe2\x80[\xa8\xa9]")


# re-parses one file may cost in _after_semicolon_insertion
_SEMICOLON_PARSES = 64
# `import w = <entity>`: a local alias (not `= require(…)`, an import of a module)
_ALIAS = re.compile(rb"import\s+([A-Za-z_$][A-Za-z0-9_$]*)\s*=\s*(?!require\s*\()[A-Za-z_$]")
# white space and comments
_GAP = re.compile(rb"(?:\s|\xc2\xa0|\xef\xbb\xbf|\xe2\x80[\xa8\xa9]|/\*(?:[^*]|\*(?!/))*\*/|//[^\r\n]*)*")
# white space and comments that do not end a line
_SAME_LINE_GAP = re.compile(rb"(?:[ \t\v\f]|/\*(?:[^*\r\n\xe2]|\*(?!/)|\xe2(?!\x80[\xa8\xa9]))*\*/)*")
# a statement that starts with one of these keywords may be an import or export declaration
_MODULE_KEYWORD = re.compile(rb"(?:import|export)(?![" + IDENT_CLASS + rb"])")
_NAME_END = re.compile(rb"[A-Za-z0-9_$\x80-\xff'\"\]})>]")
_BRACKET_LINE = re.compile(rb"(?:\r\n?|\n|\xe2\x80[\xa8\xa9])[ \t]*[\[(*`]")


def _alias_names(src: bytes, start: int) -> frozenset:
    """The names of the local aliases ``import w = <entity>`` in ``src`` after ``start``."""
    matches = (_ALIAS.match(src, i) for i in word_positions(src, [b"import"], start))
    return frozenset(m.group(1) for m in matches if m is not None)


def _alias_of(frames: list, alias_frames: dict) -> Optional[bytes]:
    """The alias whose value the current node is in (``import w = v`` / ``import w = v.p.q``,
    not exported), if it is one of those looked for; else None."""
    k = len(frames) - 1
    while k >= 0 and frames[k][0] == "nested_identifier":
        k -= 1
    if k < 0 or frames[k][0] != "import_alias":
        return None
    rec = alias_frames.get(k)
    if rec is None or rec[1]:
        return None
    return rec[0]


def _goes_on(src: bytes, end: int) -> Optional[int]:
    """Where the line goes on after a statement that ends at ``end`` (None: it ends with its
    `;`, or a line break, `}` or the end of the file follows). A statement can only end without
    its `;` there (ECMA-262 §12.10.1): anything else after it on the line is a syntax error."""
    if src[end - 1:end] == b";":
        return None
    pos = _SAME_LINE_GAP.match(src, end).end()
    while pos < len(src):
        c = src[pos]
        if c in b"\r\n;}" or (c == 0x2F and src[pos + 1:pos + 2] in (b"/", b"*")):
            return None  # (a block comment still here has a line break, or no end)
        if c < 0x80:
            return pos
        ch = src[pos:pos + 4].decode("utf-8", "ignore")[:1]
        if ch in ("\u2028", "\u2029"):
            return None
        if not ch or not (ch == "\ufeff" or unicodedata.category(ch) == "Zs"):
            return pos
        pos = _SAME_LINE_GAP.match(src, pos + len(ch.encode("utf-8"))).end()
    return None


def _read_on(parse, src: bytes, start: int, siblings: list):
    """A statement from ``start`` that the grammar split over several nodes: ``parse`` of the
    text through the end of each of ``siblings`` in turn, the first that reads all of it (else
    the first that parses, or None). A statement may end before the text it is given: in
    ``export * from 'm' with⏎{type: 'json'}`` the first node ends after `with`."""
    first = None
    for node in siblings:
        parsed = parse(src, start, node.end_byte)
        if parsed is not None:
            if _GAP.fullmatch(src, parsed.end, node.end_byte):
                return parsed
            if first is None:
                first = parsed
    return first


def _insertion_points(src: bytes, error: Span) -> list[int]:
    """Where a semicolon may be missing for ``error`` (see ``_after_semicolon_insertion``),
    nearest first. Right after the error (an ERROR node ending with the name or ``}`` its line
    ends with, a MISSING node); before it (an ERROR node starting with the bracket); the ends
    of the last lines before it followed by a line starting with a bracket (the grammar read
    the bracket as a subscript or call, and failed further on). Only the 4 KB before the error
    are looked at."""
    out: list[int] = []
    lo = max(0, error.start - 4096)

    def line_end(i: int) -> int:  # where the text before offset ``i`` ends (white space cut)
        return lo + len(src[lo:i].rstrip())

    def consider(at: int) -> None:
        # (the line ends with a name, a string or number, `]` or `}`, or a type: `>`, `)`;
        # see _ends_uncontinuable)
        if at == 0 or not _NAME_END.match(src, at - 1):
            return
        m = _LINE_START_BRACKET.match(src, at)
        if m is not None and _LINE_BREAK.search(src, at, m.end()) is not None and at not in out:
            out.append(at)

    consider(error.end)
    if src[error.start:error.start + 1] in (b"[", b"(", b"*", b"`"):
        consider(line_end(error.start))
    for m in list(_BRACKET_LINE.finditer(src, lo, error.start))[:-4:-1]:
        consider(line_end(m.start()))
    return out


# class element names that, followed by a line break and `[`, go on as a method or accessor
# (`async` may not be followed by a line break and V8 has no `accessor` yet: fields then;
# followed by `*`, `get` and `set` are fields too, and `static` is valid either way)
_CONTINUED_FIELD_NAMES = frozenset({b"get", b"set", b"static"})


def _ends_uncontinuable(root, src: bytes, pos: int) -> bool:
    """Does the ``;`` at ``pos`` of ``src`` end a construct that the ``[``, ``(``, ``*`` or
    template on the next line cannot go on (so an engine inserts it)? A ``let``/``var``
    declarator without initializer outside a ``for`` head, a class field without initializer
    (a ``(`` makes it a method, but nothing in a class body starts with one: the parse with
    the ``;`` fails then), an arrow function with a block body. Node names of both grammars."""
    semi = root.descendant_for_byte_range(pos, pos + 1)
    if semi is None or semi.type != ";" or semi.start_byte != pos:
        return False
    before = semi.prev_sibling
    if before is None:
        return False
    parent = semi.parent
    if parent is not None and parent.type in ("lexical_declaration", "variable_declaration"):
        outer = parent.parent
        if before.type != "variable_declarator" or outer is None or outer.type in (
                "for_statement", "for_in_statement"):
            return False
        value = before.child_by_field_name("value")
        if value is None:  # (`const` and `using` need one)
            name = before.child_by_field_name("name")
            return (parent.children[0].type in ("let", "var") and name is not None
                    and name.type == "identifier")
        return (value.type == "arrow_function" and _block_bodied(value)) or _ends_in_type(value, src, pos)
    if parent is not None and parent.type == "class_body":
        if before.type not in ("field_definition", "public_field_definition") or before.end_byte != pos:
            return False
        if before.child_by_field_name("value") is not None:
            return False
        prop = before.child_by_field_name("property") or before.child_by_field_name("name")
        if prop is None:
            return False
        if prop.end_byte != pos:  # a type annotation follows the name (TypeScript)
            return True
        m = _LINE_START_BRACKET.match(src, pos + 1)
        return m is None or src[m.end() - 1] != 0x5B or src[prop.start_byte:prop.end_byte] not in _CONTINUED_FIELD_NAMES
    if parent is not None and parent.type == "expression_statement":
        expr = before
        while expr.type == "assignment_expression":
            expr = expr.child_by_field_name("right") or expr
            if expr.type != "assignment_expression":
                break
        return (expr.type == "arrow_function" and expr.end_byte == pos and _block_bodied(expr)) \
            or _ends_in_type(before, src, pos)
    if parent is not None and parent.type in ("return_statement", "throw_statement"):
        return _ends_in_type(before, src, pos)
    return False


def _ends_in_type(expr, src: bytes, pos: int) -> bool:
    """Does ``expr`` end at ``pos`` with the type of an ``as``/``satisfies`` expression, before a
    line starting with ``[``, ``(`` or a template? TypeScript continues a type on the same line
    only (``x as T[]``, ``T[K]``) and an ``as`` expression goes on only with an operator (``*``),
    so it inserts a ``;`` there (``const v = x as Row⏎[a, b] = pair``); tree-sitter-typescript
    0.23 reads an indexed access type across the line break."""
    node = expr
    while node is not None and node.end_byte == pos:
        if node.type in ("as_expression", "satisfies_expression"):
            m = _LINE_START_BRACKET.match(src, pos + 1)
            return m is not None and src[m.end() - 1] != 0x2A  # (not `*`)
        node = node.child(node.child_count - 1) if node.child_count else None
    return False


def _block_bodied(arrow) -> bool:
    body = arrow.child_by_field_name("body")
    return body is not None and body.type == "statement_block" and body.end_byte == arrow.end_byte


def _keyword_site(node, t: str) -> Optional[TlaSite]:
    """`for await (...)` / `await using x = ...`: a site at the anonymous `await` token."""
    kw = None
    head_end = node.end_byte
    for c in node.children:
        if c.type == "await" and not c.is_named:
            kw = c
        elif t == "for_in_statement" and c.type == ")" and kw is not None:
            head_end = c.end_byte
            break
        elif t == "for_in_statement" and c.is_named and c.type == "statement_block":
            break
    if kw is None:
        return None
    if t == "for_in_statement":
        return TlaSite(TlaKind.FOR_AWAIT, Span(node.start_byte, head_end), Span(kw.start_byte, kw.end_byte))
    return TlaSite(TlaKind.AWAIT_USING, Span(node.start_byte, node.end_byte), Span(kw.start_byte, kw.end_byte))


def _eager_glob(call, src: bytes) -> Optional[tuple]:
    """The glob record of ``import.meta.glob(patterns, { eager: true, … })`` with literal
    patterns (a string or an array of strings) and a literal `eager: true`; None for a lazy
    glob (its files are loaded by import(): nothing waits), an asset glob (`query`, `as`) or a
    form not written with literals."""
    args = call.child_by_field_name("arguments")
    argv = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    if len(argv) < 2 or argv[1].type != "object":
        return None
    eager = False
    for pair in argv[1].named_children:
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        value = pair.child_by_field_name("value")
        name = src[key.start_byte:key.end_byte].strip(b"'\"") if key is not None else b""
        if name == b"eager":
            eager = value is not None and value.type == "true"
        elif name in (b"query", b"as"):
            return None
    if not eager:
        return None
    first = argv[0]
    items = first.named_children if first.type == "array" else [first]
    patterns = []
    for item in items:
        text, _ = _literal(item, src)
        if text is None:
            return None
        patterns.append(text)
    if not patterns:
        return None
    return (tuple(patterns), call.start_byte, call.end_byte, first.start_byte, first.end_byte)


# createRequire's arguments that name the calling file
_HERE = frozenset({b"import.meta.url", b"import.meta.filename", b"__filename"})
# no createRequire imported: (no require functions made, (no createRequire, no module names))
_NO_MAKERS: tuple = (frozenset(), (frozenset(), frozenset()))


def _makes_require(call, src: bytes, makers) -> bool:
    """Whether ``call`` is a call of createRequire for the file itself:
    ``createRequire(import.meta.url)`` / ``m.createRequire(__filename)``, with the names of
    :meth:`_Extractor._created_requires`: (createRequire's names, the module's names)."""
    if call is None or call.type != "call_expression":
        return False
    node = call.child_by_field_name("function")
    if node is None:
        return False
    # made for this file: resolved like its own `require` (another base is not followed)
    arg = _first_argument(call)
    if arg is None or b"".join(src[arg.start_byte : arg.end_byte].split()) not in _HERE:
        return False
    fns, objs = makers
    if node.type == "identifier":
        return src[node.start_byte : node.end_byte] in fns
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        return obj is not None and prop is not None and obj.type == "identifier" and \
            src[obj.start_byte : obj.end_byte] in objs and src[prop.start_byte : prop.end_byte] == b"createRequire"
    return False


def _first_argument(call):
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    for c in args.children:
        if c.is_named and c.type != "comment":
            return c
    return None


def _literal(arg, src: bytes) -> tuple[Optional[str], Optional[Span]]:
    """The value of a plain string or a substitution-free template literal."""
    if arg is None:
        return None, None
    if arg.type == "string":
        return stm.string_value(src[arg.start_byte : arg.end_byte]), Span(arg.start_byte, arg.end_byte)
    if arg.type == "template_string":
        if any(c.type == "template_substitution" for c in arg.children):
            return None, None
        return stm.string_value(src[arg.start_byte : arg.end_byte]), Span(arg.start_byte, arg.end_byte)
    return None, None


def _for_kind(node) -> Optional[str]:
    """`var`/`let`/`const`/`using` of a `for (... in/of ...)` head, None for an assignment target."""
    for c in node.children:
        if c.is_named:
            if c.type != "comment":
                return None
        elif c.type in ("var", "let", "const", "using"):
            return c.type
    return None


def _instantiated(module) -> bool:
    """Does a TS namespace declare a value (TypeScript: an instantiated namespace)? Approximate:
    a body with nothing but interfaces and type aliases (exported or not) is not."""
    body = module.child_by_field_name("body")
    if body is None:
        return False
    for st in body.named_children:
        t = st.type
        if t == "export_statement":
            decl = st.child_by_field_name("declaration")
            t = decl.type if decl is not None else t
        if t not in _TYPE_ONLY_STATEMENTS:
            return True
    return False


def _erasure(p: stm.ParsedStatement, bindings: tuple[tuple, ...]) -> tuple[bool, bool]:
    """(erased_default, erased_verbatim) for a TypeScript import / re-export; ``bindings`` are
    binding records (facts.to_record's: type_only at 2, value_used at 5).

    Verified with TypeScript 5.9 ``transpileModule`` (tests/syntax/test_oracle_elision.py):
    * ``import type`` / ``export type {..} from`` / ``export type * from``: erased always.
    * ``import 'm'``: kept always.
    * ``import {..}`` / default / namespace: erased by default unless some non-``type``
      binding is used as a value — including ``import {} from 'm'`` (no bindings: erased);
      under verbatimModuleSyntax kept (inline ``type`` specifiers are dropped, leaving
      ``import {} from 'm'``).
    * ``export * from`` / ``export * as ns from``: kept always.
    * ``export {..} from``: erased by default when every specifier is inline ``type``
      (also ``export {} from``); under verbatimModuleSyntax kept as ``export {} from``.
    """
    if p.type_only:
        return True, True
    if p.kind == "import":
        if not p.has_clause:
            return False, False
        used = any(b[5] and not b[2] for b in bindings)
        return (not used), False
    # export ... from
    if p.named:
        return all(b[2] for b in bindings), False
    return False, False
