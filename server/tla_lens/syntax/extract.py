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
* ``extract`` never raises: on an unexpected failure it returns facts with
  ``has_syntax_errors=True`` and whatever was not computed left empty.
"""
from __future__ import annotations

import bisect
import re
from typing import Optional

from ..text import LineIndex
from . import statements as stm
from .facts import (
    Binding,
    Dialect,
    DynamicImport,
    ImportPhase,
    ModuleFacts,
    RequireCall,
    RequireKind,
    Span,
    StatementKind,
    StaticImport,
    Suppression,
    TlaKind,
    TlaSite,
)
from .grammar import parser

__all__ = ["extract"]

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
    }
)
_DECL_PARENTS = frozenset({"formal_parameters", "array_pattern", "rest_pattern"})
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
_IDENT_USES = frozenset({"identifier", "type_identifier", "shorthand_property_identifier"})
_JSX_TAGS = frozenset({"jsx_opening_element", "jsx_self_closing_element"})

_IDENT_BYTE = rb"A-Za-z0-9_$\x80-\xff"


def _word_positions(source: bytes, words: list[bytes]) -> list[int]:
    """Sorted start offsets of whole-word occurrences of ``words`` in ``source``."""
    if not words:
        return []
    alt = b"|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    rx = re.compile(rb"(?<![" + _IDENT_BYTE + rb"])(?:" + alt + rb")(?![" + _IDENT_BYTE + rb"])")
    return [m.start() for m in rx.finditer(source)]


def _contains(positions: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


# ---------------------------------------------------------------------------------------
# Entry point


def extract(source: bytes, dialect: Dialect) -> ModuleFacts:
    """Parse ``source`` (the file's bytes) as ``dialect`` and return its :class:`ModuleFacts`.

    Pure: no file system. Never raises. All spans are byte offsets into ``source``.
    """
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
        return _Extractor(source, dialect, invalid).run()
    except Exception:  # pragma: no cover - defensive: extract must never raise
        return ModuleFacts(dialect=dialect, has_syntax_errors=True, invalid_utf8=invalid)


class _Stmt:
    """A parsed import-ish statement plus where it was found."""

    __slots__ = ("parsed", "node_end", "ambient", "uses")

    def __init__(self, parsed: stm.ParsedStatement, node_end: int, ambient: bool):
        self.parsed = parsed
        self.node_end = node_end
        self.ambient = ambient
        # per binding index: [value_used, type_used]
        self.uses = [[False, False] for _ in parsed.bindings]


class _Extractor:
    def __init__(self, source: bytes, dialect: Dialect, invalid: bool):
        self.src = source
        self.dialect = dialect
        self.invalid = invalid
        self.stmts: list[_Stmt] = []
        self.module_syntax = False
        self.dynamic: list[DynamicImport] = []
        self.requires: list[tuple[int, RequireCall]] = []  # (sort key, call)
        self.ambiguous_tla: set[int] = set()  # `await(x)` sites that are calls in a script

    def run(self) -> ModuleFacts:
        tree = parser(self.dialect).parse(self.src)
        root = tree.root_node
        self._find_statements(root)
        tla = self._tla(root)
        if any(site.keyword.start not in self.ambiguous_tla for site in tla):
            self.module_syntax = True
        self._references(root)
        errors = self._has_errors(root) if root.has_error else False
        return ModuleFacts(
            dialect=self.dialect,
            tla=tuple(tla),
            imports=tuple(self._static_imports()),
            dynamic_imports=tuple(self.dynamic),
            requires=tuple(self._require_calls()),
            suppressions=tuple(self._suppressions(root)),
            has_module_syntax=self.module_syntax,
            has_syntax_errors=errors,
            invalid_utf8=self.invalid,
        )

    # -----------------------------------------------------------------------------------
    # Import / export statements

    def _find_statements(self, root) -> None:
        src = self.src
        # (node, ambient, is_top) work list; ERROR containers are looked into as well.
        work = [(root, False)]
        while work:
            container, ambient = work.pop()
            children = container.children
            for idx, node in enumerate(children):
                t = node.type
                if t == "import_statement" or t == "export_statement":
                    if not ambient:
                        self.module_syntax = True
                    parse = stm.parse_import if t == "import_statement" else stm.parse_export
                    parsed = parse(src, node.start_byte, node.end_byte)
                    if parsed is None and node.has_error:
                        # The grammars split some valid statements, e.g. the TS grammar's
                        # `export import x = require('m')` and the JS grammar's
                        # `assert {'x-y': "z"}`: read on into the next few siblings.
                        for extra in range(1, 4):
                            if idx + extra >= len(children):
                                break
                            parsed = parse(src, node.start_byte, children[idx + extra].end_byte)
                            if parsed is not None:
                                break
                    if parsed is not None:
                        self.stmts.append(_Stmt(parsed, node.end_byte, ambient))
                if t == "export_statement":
                    decl = node.child_by_field_name("declaration")
                    if decl is not None and decl.type == "ambient_declaration":
                        work.append((decl, True))
                elif t == "ambient_declaration":
                    work.append((node, True))
                elif t in ("module", "internal_module") and ambient:
                    work.append((node, True))
                elif t == "statement_block" and ambient:
                    work.append((node, True))
                elif t == "ERROR":
                    first = node.children[0] if node.child_count else None
                    kw = first.type if first is not None and not first.is_named else ""
                    parsed = None
                    if kw in ("import", "export"):
                        # e.g. the JS grammar has no attributes on `export ... from`:
                        # `export * from './d.json' with {type: 'json'}` is ERROR + label + ERROR.
                        parse = stm.parse_import if kw == "import" else stm.parse_export
                        for extra in range(0, 4):
                            if idx + extra >= len(children):
                                break
                            parsed = parse(src, node.start_byte, children[idx + extra].end_byte)
                            if parsed is not None:
                                break
                    if parsed is not None:
                        if not ambient:
                            self.module_syntax = True
                        self.stmts.append(_Stmt(parsed, node.end_byte, ambient))
                    elif node.child_count < 10000:
                        work.append((node, ambient))
        self.stmts.sort(key=lambda s: s.parsed.start)

    # -----------------------------------------------------------------------------------
    # Top-level await

    def _tla(self, root) -> list[TlaSite]:
        positions = _word_positions(self.src, [b"await"])
        sites: list[TlaSite] = []
        if not positions or not _contains(positions, root.start_byte, root.end_byte):
            return sites
        cur = root.walk()
        npos = len(positions)
        bisect_left = bisect.bisect_left
        parents: list[str] = []
        while True:
            node = cur.node
            descend = True
            if parents:
                ptype = parents[-1]
                if ptype in _METHOD_LIKE:
                    descend = cur.field_name in _METHOD_KEEP_FIELDS
                elif ptype in _FIELD_LIKE:
                    descend = cur.field_name != "value"
            if descend:
                k = bisect_left(positions, node.start_byte)
                descend = k < npos and positions[k] < node.end_byte
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
                    # tree-sitter reads `await (x)()` and `await\n[1]` as a call of / an index
                    # into an identifier named `await`. In module code `await` is reserved, so
                    # V8 reads an await expression there (Node 26: hasTopLevelAwait() is true).
                    # These do not count as module syntax: in a script they are plain calls.
                    ptype = parents[-1]
                    fname = cur.field_name
                    if (
                        (ptype == "call_expression" and fname == "function")
                        or (ptype == "subscript_expression" and fname == "object")
                    ) and self.src[node.start_byte : node.end_byte] == b"await":
                        outer = node.parent
                        span = Span(outer.start_byte, outer.end_byte) if outer is not None else Span(node.start_byte, node.end_byte)
                        sites.append(TlaSite(TlaKind.AWAIT, span, Span(node.start_byte, node.end_byte)))
                        self.ambiguous_tla.add(node.start_byte)
            if descend and cur.goto_first_child():
                parents.append(node.type)
                continue
            while not cur.goto_next_sibling():
                if not cur.goto_parent():
                    return sites
                parents.pop()

    # -----------------------------------------------------------------------------------
    # References: binding uses, dynamic imports, require()

    def _references(self, root) -> None:
        src = self.src
        locals_: dict[bytes, list[tuple[_Stmt, int]]] = {}
        for s in self.stmts:
            if s.ambient or s.parsed.kind == "export":
                continue
            for i, b in enumerate(s.parsed.bindings):
                if b.local:
                    locals_.setdefault(b.local.encode("utf-8", "surrogatepass"), []).append((s, i))
        words = [b"import", b"require", *locals_.keys()]
        positions = _word_positions(src, words)
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
        wanted = frozenset([b"require", *locals_.keys()])
        empty: frozenset = frozenset()
        # frames for the ancestors of the current node: (type, in_type, shadowed names)
        frames: list[tuple[str, bool, frozenset]] = []
        while True:
            node = cur.node
            k = bisect_left(positions, node.start_byte)
            descend = k < npos and positions[k] < node.end_byte
            t = node.type
            if descend:
                if frames:
                    ptype, in_type, shadowed = frames[-1]
                else:
                    ptype, in_type, shadowed = "", False, empty
                fname = cur.field_name
                if t in ("import_statement",) or (
                    t == "export_statement" and node.child_by_field_name("source") is not None
                ):
                    descend = False
                elif t in _IDENT_USES:
                    descend = False
                    if t == "type_identifier":
                        in_type = True
                    name = src[node.start_byte : node.end_byte]
                    entry = locals_.get(name)
                    if entry is not None and name not in shadowed and not self._is_declaration(node, ptype, fname, frames):
                        for s, i in entry:
                            s.uses[i][1 if in_type else 0] = True
                else:
                    if not in_type and (t in _TYPE_NODES or fname in _TYPE_FIELDS):
                        in_type = True
                    if t == "call_expression" and not in_type:
                        self._call(node, shadowed)
                    elif t == "meta_property" and not in_type and src.startswith(b"import", node.start_byte):
                        self.module_syntax = True
                    elif t in _FUNCTIONS:
                        names = _scope_names(node, src, wanted)
                        if names:
                            shadowed = shadowed | names
                    elif t == "export_statement" or t == "export_specifier" or t == "public_field_definition":
                        if any(c.type in ("type", "declare") for c in node.children if not c.is_named):
                            in_type = True
                    elif t in _JSX_TAGS and react is not None and not in_type:
                        for s, i in react:
                            s.uses[i][0] = True
                if descend and cur.goto_first_child():
                    frames.append((t, in_type, shadowed))
                    continue
            while not cur.goto_next_sibling():
                if not cur.goto_parent():
                    return
                frames.pop()

    @staticmethod
    def _is_declaration(node, ptype: str, fname: Optional[str], frames) -> bool:
        if (ptype, fname) in _DECL_FIELDS or ptype in _DECL_PARENTS:
            return True
        if ptype == "import_alias":
            # `import N = a.b`: the first identifier is the alias being declared.
            prev = node.prev_named_sibling
            return prev is None
        return False

    def _call(self, node, shadowed: frozenset) -> None:
        src = self.src
        fn = node.child_by_field_name("function")
        if fn is None:
            return
        ftype = fn.type
        if ftype == "import":
            arg = _first_argument(node)
            spec, span = _literal(arg, src)
            self.dynamic.append(DynamicImport(spec, Span(node.start_byte, node.end_byte), span))
        elif ftype == "identifier" and b"require" not in shadowed and src[fn.start_byte : fn.end_byte] == b"require":
            arg = _first_argument(node)
            spec, span = _literal(arg, src)
            if spec is not None and span is not None:
                call = RequireCall(RequireKind.CALL, spec, Span(node.start_byte, node.end_byte), span)
                self.requires.append((node.start_byte, call))

    # -----------------------------------------------------------------------------------
    # Assembly

    def _static_imports(self) -> list[StaticImport]:
        ts = self.dialect.is_typescript
        out: list[StaticImport] = []
        for s in self.stmts:
            p = s.parsed
            if p.kind == "import-equals":
                continue
            bindings = tuple(
                Binding(
                    imported=b.imported,
                    local=b.local,
                    type_only=b.type_only,
                    span=Span(b.start, b.end),
                    value_used=s.uses[i][0],
                    type_used=s.uses[i][1],
                )
                for i, b in enumerate(p.bindings)
            )
            erased_default = erased_verbatim = False
            if ts:
                erased_default, erased_verbatim = _erasure(p, bindings)
            out.append(
                StaticImport(
                    kind=StatementKind.IMPORT if p.kind == "import" else StatementKind.EXPORT,
                    specifier=p.specifier,
                    span=Span(p.start, max(s.node_end, p.end)),
                    specifier_span=Span(p.spec_start, p.spec_end),
                    bindings=bindings,
                    phase=ImportPhase(p.phase),
                    type_only=p.type_only,
                    attributes=tuple(p.attributes),
                    erased_default=erased_default,
                    erased_verbatim=erased_verbatim,
                    in_ambient=s.ambient,
                )
            )
        return out

    def _require_calls(self) -> list[RequireCall]:
        calls = list(self.requires)
        for s in self.stmts:
            p = s.parsed
            if p.kind != "import-equals" or s.ambient:
                continue
            value_used = p.exported or s.uses[0][0]
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

    def _has_errors(self, root) -> bool:
        """ERROR/MISSING nodes, except those inside import/export statements that
        :mod:`.statements` read successfully (valid forms the grammars do not know)."""
        spans = [(s.parsed.start, max(s.node_end, s.parsed.end)) for s in self.stmts]
        starts = [a for a, _ in spans]

        def excused(node) -> bool:
            i = bisect.bisect_right(starts, node.start_byte) - 1
            return i >= 0 and node.end_byte <= spans[i][1]

        cur = root.walk()
        while True:
            node = cur.node
            if node.is_error or node.is_missing:
                if not excused(node):
                    return True
            elif node.has_error and cur.goto_first_child():
                continue
            while not cur.goto_next_sibling():
                if not cur.goto_parent():
                    return False


_SUPPRESS_RE = re.compile(rb"tla-lens-ignore-next-line")


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


_PATTERN_CHILDREN = frozenset(
    {"object_pattern", "array_pattern", "rest_pattern", "assignment_pattern", "pair_pattern",
     "required_parameter", "optional_parameter", "formal_parameters"}
)


def _scope_names(fn, src: bytes, wanted: frozenset) -> frozenset:
    """Names from ``wanted`` that function ``fn`` declares itself: its parameters and the
    `var`/`let`/`const`/`function`/`class` declarations directly in its body. References to
    them inside ``fn`` are not uses of a module-level import (cheap shadowing; nested blocks
    are not looked at)."""
    found: set[bytes] = set()
    roots = []
    params = fn.child_by_field_name("parameters")
    if params is not None:
        roots.append(params)
    single = fn.child_by_field_name("parameter")
    if single is not None:
        roots.append(single)
    # parameter patterns, iteratively
    while roots:
        n = roots.pop()
        t = n.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            name = src[n.start_byte : n.end_byte]
            if name in wanted:
                found.add(name)
        elif t in _PATTERN_CHILDREN:
            for i, c in enumerate(n.children):
                if not c.is_named:
                    continue
                f = n.field_name_for_child(i)
                if t == "assignment_pattern" and f != "left":
                    continue
                if t == "pair_pattern" and f != "value":
                    continue
                if t in ("required_parameter", "optional_parameter") and f != "pattern":
                    continue
                roots.append(c)
    body = fn.child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        for st in body.named_children:
            t = st.type
            if t in ("lexical_declaration", "variable_declaration"):
                for d in st.named_children:
                    if d.type == "variable_declarator":
                        name_node = d.child_by_field_name("name")
                        if name_node is not None and name_node.type == "identifier":
                            name = src[name_node.start_byte : name_node.end_byte]
                            if name in wanted:
                                found.add(name)
            elif t in ("function_declaration", "class_declaration", "generator_function_declaration"):
                name_node = st.child_by_field_name("name")
                if name_node is not None:
                    name = src[name_node.start_byte : name_node.end_byte]
                    if name in wanted:
                        found.add(name)
    return frozenset(found)


def _erasure(p: stm.ParsedStatement, bindings: tuple[Binding, ...]) -> tuple[bool, bool]:
    """(erased_default, erased_verbatim) for a TypeScript import / re-export.

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
        used = any(b.value_used and not b.type_only for b in bindings)
        return (not used), False
    # export ... from
    if p.named:
        return all(b.type_only for b in bindings), False
    return False, False
