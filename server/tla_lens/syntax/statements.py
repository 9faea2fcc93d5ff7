"""A small hand-written parser for the heads of import / re-export statements.

tree-sitter finds *where* the statements are; this module reads *what* they say from the
raw bytes. It exists because the grammars we use (tree-sitter-javascript 0.25,
tree-sitter-typescript 0.23.2) produce ERROR nodes for several valid forms:

* ``import defer * as ns from 'm'``  -> ``ERROR(defer)`` inside the import_statement
* ``import source x from 'm'``       -> a default import named ``source`` + ``ERROR(x)``
* ``export type * from 'm'``         -> ``ERROR(type)``
* ``import x from 'm' assert {...}`` -> ``ERROR`` in the JavaScript grammar
* ``export import x = require('m')`` -> an ``import_alias`` with a MISSING ``;`` followed by a
  separate ``("m")`` expression statement

Reading the tokens ourselves handles all of them (and every ordinary form) the same way.
Nothing here knows tree-sitter; everything works on ``bytes`` and byte offsets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from .words import IDENT_CLASS

# --------------------------------------------------------------------------------------
# Tokens

ID = "id"
STR = "str"
PUNCT = "punct"


class Token(NamedTuple):
    kind: str     # ID / STR / PUNCT
    raw: bytes    # the token's bytes (strings include their quotes)
    start: int
    end: int


# One scanner for what import/export heads need, in order of preference at each position:
# - skipped: ASCII whitespace, the U+00A0/U+FEFF/U+2028/U+2029 spaces, // and /* */ comments;
# - a string literal (a backslash escapes any byte, a line break ends it unterminated);
# - an identifier: ASCII word characters, `$`, backslash and any non-ASCII byte (Unicode identifiers;
#   a non-ASCII space inside a word is glued to it, which is harmless here);
# - an unterminated string or comment: the end of the tokens;
# - any other single byte: punctuation.
_TOKEN = re.compile(
    rb"(?:[\x20\t\n\r\v\f]|\xc2\xa0|\xef\xbb\xbf|\xe2\x80[\xa8\xa9]|//[^\n\r]*|/\*.*?\*/)+"
    rb"|(?P<str>\"(?:[^\"\\\n\r]|\\.)*\"|'(?:[^'\\\n\r]|\\.)*')"
    rb"|(?P<id>[A-Za-z0-9_$\\\x80-\xff]+)"
    rb"|(?P<end>[\"']|/\*)"
    rb"|(?P<punct>.)",
    re.S,
)
_KIND = {"str": STR, "id": ID, "punct": PUNCT}


def tokenize(data: bytes, start: int, end: int, limit: int = 400) -> list[Token]:
    """Tokens of ``data[start:end]`` (at most ``limit``), skipping whitespace and comments.

    Only what import/export heads need: identifiers, string literals and single-byte
    punctuation. Never raises; an unterminated string or comment ends the token list.
    """
    toks: list[Token] = []
    append = toks.append
    for m in _TOKEN.finditer(data, start, min(end, len(data))):
        group = m.lastgroup
        if group is None:
            continue
        if group == "end" or len(toks) >= limit:
            break
        append(Token(_KIND[group], m.group(), m.start(), m.end()))
    return toks


# --------------------------------------------------------------------------------------
# String literal values

_ESCAPE_RE = re.compile(
    r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[0-7]{1,3}|.|\n)", re.S
)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def _unescape_one(m: re.Match) -> str:
    e = m.group(1)
    if e[0] == "u":
        hexa = e[2:-1] if e[1] == "{" else e[1:]
        cp = int(hexa, 16)
        return chr(cp) if cp <= 0x10FFFF else "\ufffd"
    if e[0] == "x":
        return chr(int(e[1:], 16))
    if e in ("\n", "\r\n", "\r", "\u2028", "\u2029"):
        return ""  # line continuation
    if e[0] in "01234567":
        return chr(int(e, 8)) if e != "0" else "\0"
    return _SIMPLE.get(e, e)


def decode_text(raw: bytes) -> str:
    """Decode bytes as UTF-8, with replacement characters for invalid sequences."""
    return raw.decode("utf-8", "replace")


def string_value(raw: bytes) -> str:
    """The value of a JS string literal token (``raw`` includes the quotes; also works for a
    template literal without substitutions, backticks included)."""
    body = decode_text(raw[1:-1] if len(raw) >= 2 else b"")
    if "\\" not in body:
        return body
    return _ESCAPE_RE.sub(_unescape_one, body)


# --------------------------------------------------------------------------------------
# Parsed statements (plain data; extract.py turns them into facts)


@dataclass(slots=True)
class ParsedBinding:
    imported: str
    local: str
    type_only: bool
    start: int
    end: int


@dataclass(slots=True)
class ParsedStatement:
    """What a statement head says. ``kind`` is "import", "export" or "import-equals"."""

    kind: str
    start: int
    end: int                      # after the last token (including a `;`)
    specifier: str = ""
    spec_start: int = 0
    spec_end: int = 0
    bindings: list[ParsedBinding] = field(default_factory=list)
    phase: str = "evaluation"     # "evaluation" / "defer" / "source"
    type_only: bool = False
    attributes: list[tuple[str, str]] = field(default_factory=list)
    has_clause: bool = False      # import has `... from` (False for `import 'm'`)
    exported: bool = False        # `export import x = require()`
    named: bool = False           # `export {...} from` (as opposed to `export * ...`)


class _Stream:
    __slots__ = ("toks", "i")

    def __init__(self, toks: list[Token]):
        self.toks = toks
        self.i = 0

    def peek(self, k: int = 0) -> Optional[Token]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def is_(self, text: bytes, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.raw == text and t.kind != STR

    def kind(self, k: int = 0) -> Optional[str]:
        t = self.peek(k)
        return t.kind if t else None

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t


class _Fail(Exception):
    pass


def _need(s: _Stream, text: bytes) -> Token:
    if not s.is_(text):
        raise _Fail
    return s.take()


def _name(tok: Token) -> str:
    return string_value(tok.raw) if tok.kind == STR else decode_text(tok.raw)


def _module_name(s: _Stream) -> Token:
    t = s.peek()
    if t is None or t.kind not in (ID, STR):
        raise _Fail
    return s.take()


def _specs(s: _Stream, export: bool) -> list[ParsedBinding]:
    """``{ a, b as c, type d, "x-y" as z }`` (the stream is at ``{``)."""
    _need(s, b"{")
    out: list[ParsedBinding] = []
    while not s.is_(b"}"):
        first = s.peek()
        if first is None:
            raise _Fail
        type_only = False
        if first.kind == ID and first.raw == b"type":
            nxt = s.peek(1)
            if nxt is not None and not (nxt.kind == PUNCT and nxt.raw in (b",", b"}")):
                if nxt.raw == b"as" and nxt.kind == ID:
                    # `type as x` = name "type" renamed; `type as` / `type as as x` = type-only "as"
                    after = s.peek(2)
                    if after is not None and after.kind == PUNCT and after.raw in (b",", b"}"):
                        type_only = True
                    elif s.is_(b"as", 2):
                        type_only = True
                else:
                    type_only = True
        if type_only:
            s.take()
        name_tok = _module_name(s)
        last = name_tok
        alias_tok = None
        if s.is_(b"as") and s.kind(0) == ID:
            s.take()
            alias_tok = _module_name(s)
            last = alias_tok
        imported = _name(name_tok)
        if export:
            local = ""
        else:
            local = _name(alias_tok) if alias_tok is not None else imported
        out.append(ParsedBinding(imported, local, type_only, first.start, last.end))
        if s.is_(b","):
            s.take()
        elif not s.is_(b"}"):
            raise _Fail
    s.take()
    return out


def _from_and_rest(s: _Stream, st: ParsedStatement) -> None:
    _need(s, b"from")
    spec = s.peek()
    if spec is None or spec.kind != STR:
        raise _Fail
    s.take()
    st.specifier = string_value(spec.raw)
    st.spec_start, st.spec_end = spec.start, spec.end
    st.end = spec.end
    _attributes(s, st)


def _attributes(s: _Stream, st: ParsedStatement) -> None:
    if (s.is_(b"with") or s.is_(b"assert")) and s.is_(b"{", 1):
        s.take()
        s.take()
        while not s.is_(b"}"):
            key = s.peek()
            if key is None or key.kind not in (ID, STR):
                raise _Fail
            s.take()
            _need(s, b":")
            val = s.peek()
            if val is None or val.kind != STR:
                raise _Fail
            s.take()
            st.attributes.append((_name(key), string_value(val.raw)))
            if s.is_(b","):
                s.take()
            elif not s.is_(b"}"):
                raise _Fail
        st.end = s.take().end
    if s.is_(b";"):
        st.end = s.take().end


def _import_equals(s: _Stream, st: ParsedStatement) -> ParsedStatement:
    """``x = require('m')`` (the stream is at the local name)."""
    local = s.take()
    _need(s, b"=")
    _need(s, b"require")
    _need(s, b"(")
    spec = s.peek()
    if spec is None or spec.kind != STR:
        raise _Fail
    s.take()
    _need(s, b")")
    st.kind = "import-equals"
    st.specifier = string_value(spec.raw)
    st.spec_start, st.spec_end = spec.start, spec.end
    name = decode_text(local.raw)
    st.bindings.append(ParsedBinding("=", name, st.type_only, local.start, local.end))
    st.end = s.toks[s.i - 1].end
    if s.is_(b";"):
        st.end = s.take().end
    return st


def _is_binding_ident(t: Optional[Token]) -> bool:
    return t is not None and t.kind == ID


# The plain forms most imports take, read with one pattern: `import 'm'`, `import X from 'm'`,
# `import {a, b as c} from 'm'`, `import * as ns from 'm'`, `import X, {...}` / `X, * as ns`,
# each optionally `import type`; ASCII names, no comments, escapes or attributes. Anything
# else (and any name that is also a modifier word) goes to the token parser below, which
# gives the same answer on these forms (tests/syntax/test_tokenize.py checks it).
_S = rb"[ \t\r\n]"
_NAME = rb"[A-Za-z_$][A-Za-z0-9_$]*"
_PLAIN_IMPORT = re.compile(
    rb"import(?:" + _S + rb"*(?P<bare>\"[^\"\\\r\n]*\"|'[^'\\\r\n]*')"
    rb"|" + _S + rb"+(?:(?P<type>type)" + _S + rb"+)?"
    rb"(?:(?P<default>" + _NAME + rb")(?:" + _S + rb"*," + _S + rb"*(?:\{(?P<named2>[^{}'\"`/\\]*)\}" + _S + rb"*"
    rb"|\*" + _S + rb"*as" + _S + rb"+(?P<ns2>" + _NAME + rb")" + _S + rb"+)|" + _S + rb"+)"
    rb"|\{(?P<named>[^{}'\"`/\\]*)\}" + _S + rb"*"
    rb"|\*" + _S + rb"*as" + _S + rb"+(?P<ns>" + _NAME + rb")" + _S + rb"+)"
    rb"from" + _S + rb"*(?P<spec>\"[^\"\\\r\n]*\"|'[^'\\\r\n]*'))" + _S + rb"*(?P<semi>;)?" + _S + rb"*")
_PLAIN_SPEC = re.compile(_S + rb"*(?:(?P<type>type)" + _S + rb"+)?(?P<name>" + _NAME + rb")(?:" + _S + rb"+as" + _S
                         + rb"+(?P<alias>" + _NAME + rb"))?" + _S + rb"*")
_MODIFIERS = frozenset((b"type", b"from", b"as", b"defer", b"source"))


def _plain_import(data: bytes, start: int, end: int) -> Optional[ParsedStatement]:
    """An import in one of the plain forms, or None (then the token parser decides)."""
    m = _PLAIN_IMPORT.fullmatch(data, start, end)
    if m is None:
        return None
    spec = "bare" if m.start("bare") >= 0 else "spec"
    st = _plain_statement("import", data, m, spec)
    if spec == "bare":
        return st
    st.has_clause = True
    type_only = st.type_only = m.start("type") >= 0
    bindings = st.bindings
    for group, imported in (("default", "default"), ("ns", "*"), ("ns2", "*")):
        a, b = m.span(group)
        if a >= 0:
            name = data[a:b]
            if name in _MODIFIERS:
                return None
            # a namespace binding spans `* as ns`: from the star before it
            first = a if imported == "default" else data.rindex(b"*", start, a)
            bindings.append(ParsedBinding(imported, name.decode(), type_only, first, b))
    for group in ("named", "named2"):
        a, b = m.span(group)
        if a >= 0:
            named = _plain_specifiers(data, a, b, type_only, export=False)
            if named is None:
                return None
            bindings += named
    return st


def _plain_statement(kind: str, data: bytes, m: re.Match, spec: str) -> ParsedStatement:
    """A statement read by one of the plain patterns: its module (the group ``spec``, a quoted
    string without escapes) and its end (after a `;`, if any)."""
    st = ParsedStatement(kind, m.start(), m.start())
    st.spec_start, st.spec_end = m.span(spec)
    st.specifier = data[st.spec_start + 1:st.spec_end - 1].decode("utf-8", "replace")
    st.end = m.end("semi") if m.start("semi") >= 0 else st.spec_end
    return st


def _plain_specifiers(data: bytes, a: int, b: int, type_only: bool,
                      export: bool) -> Optional[list[ParsedBinding]]:
    """The bindings of a plain `{a, b as c, type d}` list between ``a`` and ``b`` (inside the
    braces), or None when one is not plain (then the token parser decides). Re-exports bind
    no local name."""
    out: list[ParsedBinding] = []
    pos = a
    items = data[a:b].split(b",")
    for k, item in enumerate(items):
        im = _PLAIN_SPEC.fullmatch(data, pos, pos + len(item))
        if im is None:
            if k == len(items) - 1 and not item.strip(b" \t\r\n") and (k > 0 or export):
                break  # a trailing comma (or, re-exported, `{}`)
            return None
        name, alias = im.group("name"), im.group("alias")
        if name in _MODIFIERS or alias in _MODIFIERS:
            return None
        local = "" if export else (alias or name).decode()
        first = im.start("type") if im.start("type") >= 0 else im.start("name")
        last = im.end("alias") if alias is not None else im.end("name")
        out.append(ParsedBinding(name.decode(), local, type_only or im.start("type") >= 0, first, last))
        pos += len(item) + 1
    return out


def parse_import(data: bytes, start: int, end: int) -> Optional[ParsedStatement]:
    """Parse ``import ...`` starting at byte ``start`` (the ``import`` keyword).

    Returns None when the text is not an import declaration we understand
    (e.g. ``import N = A.B`` aliases, ``import(...)`` calls, broken text).
    """
    return _plain_import(data, start, end) or parse_import_tokens(data, start, end)


def parse_import_tokens(data: bytes, start: int, end: int) -> Optional[ParsedStatement]:
    """:func:`parse_import` by tokens: every form."""
    s = _Stream(tokenize(data, start, end, limit=50000))
    st = ParsedStatement("import", start, start)
    try:
        _need(s, b"import")
        return _parse_import_rest(s, st)
    except (_Fail, IndexError, ValueError):
        return None


def _parse_import_rest(s: _Stream, st: ParsedStatement) -> Optional[ParsedStatement]:
    t = s.peek()
    if t is None:
        return None
    if t.kind == STR:  # import 'm'
        s.take()
        st.specifier = string_value(t.raw)
        st.spec_start, st.spec_end = t.start, t.end
        st.end = t.end
        _attributes(s, st)
        return st
    # `type` modifier: `import type X from`, `import type {..}`, `import type * as`, `import type X = require`
    if s.is_(b"type") and t.kind == ID:
        nxt = s.peek(1)
        if nxt is not None and (
            nxt.raw in (b"{", b"*")
            or (nxt.kind == ID and nxt.raw != b"from")
            or (nxt.raw == b"from" and s.is_(b"from", 2))
        ):
            s.take()
            st.type_only = True
    # phase modifiers
    if s.is_(b"defer") and s.is_(b"*", 1):
        s.take()
        st.phase = "defer"
    elif s.is_(b"source") and _is_binding_ident(s.peek(1)) and (
        not s.is_(b"from", 1) or s.is_(b"from", 2)
    ) and not s.is_(b"=", 1):
        s.take()
        st.phase = "source"
    # import x = require('m')
    if _is_binding_ident(s.peek()) and s.is_(b"=", 1):
        return _import_equals(s, st)
    st.has_clause = True
    if s.kind() == ID and not s.is_(b"from"):
        tok = s.take()
        st.bindings.append(ParsedBinding("default", decode_text(tok.raw), st.type_only, tok.start, tok.end))
        if s.is_(b","):
            s.take()
        else:
            _from_and_rest(s, st)
            return st
    elif s.kind() == ID and s.is_(b"from") and s.is_(b"from", 1):
        tok = s.take()  # `import from from 'm'`: a default import named "from"
        st.bindings.append(ParsedBinding("default", "from", st.type_only, tok.start, tok.end))
        _from_and_rest(s, st)
        return st
    if s.is_(b"*"):
        star = s.take()
        _need(s, b"as")
        loc = s.peek()
        if not _is_binding_ident(loc):
            raise _Fail
        s.take()
        st.bindings.append(ParsedBinding("*", decode_text(loc.raw), st.type_only, star.start, loc.end))
    elif s.is_(b"{"):
        for b in _specs(s, export=False):
            b.type_only = b.type_only or st.type_only
            st.bindings.append(b)
    else:
        raise _Fail
    _from_and_rest(s, st)
    return st


# `export` followed by a word that starts a declaration: never names another module
# (`export type Name` is a type alias: `export type {` and `export type *` name modules)
_EXPORT_DECLARATION = re.compile(
    rb"export[ \t\r\n]+(?:(?:const|let|var|function|class|default|async|interface|enum|abstract|declare)"
    rb"(?![" + IDENT_CLASS + rb"])|type[ \t\r\n]+[A-Za-z_$\x80-\xff])")

# `export {a, b as c}` / `export type {T}` with nothing after the braces: no module named
# (no strings, comments or template text inside: those go to the token parser)
_LOCAL_EXPORT_LIST = re.compile(
    rb"export" + _S + rb"*(?:type" + _S + rb"*)?\{[^{}'\"`/\\]*\}" + _S + rb"*;?" + _S + rb"*")


# The plain re-exports, read with one pattern like _PLAIN_IMPORT: `export * from 'm'`,
# `export * as ns from 'm'`, `export {a, b as c, type d} from 'm'`, each optionally
# `export type`; ASCII names, no comments, escapes or attributes (else the token parser).
_PLAIN_EXPORT_FROM = re.compile(
    rb"export(?:" + _S + rb"+(?P<type>type))?" + _S + rb"*"
    rb"(?:\*(?:" + _S + rb"*as" + _S + rb"+(?P<ns>" + _NAME + rb")" + _S + rb"+|" + _S + rb"*)"
    rb"|\{(?P<named>[^{}'\"`/\\]*)\}" + _S + rb"*)"
    rb"from" + _S + rb"*(?P<spec>\"[^\"\\\r\n]*\"|'[^'\\\r\n]*')" + _S + rb"*(?P<semi>;)?" + _S + rb"*")


def _plain_export_from(data: bytes, start: int, end: int) -> Optional[ParsedStatement]:
    """A re-export in one of the plain forms, or None (then the token parser decides)."""
    m = _PLAIN_EXPORT_FROM.fullmatch(data, start, end)
    if m is None:
        return None
    st = _plain_statement("export", data, m, "spec")
    st.has_clause = True
    type_only = st.type_only = m.start("type") >= 0
    a, b = m.span("ns")
    if a >= 0:
        name = data[a:b]
        if name in _MODIFIERS:
            return None
        st.bindings.append(ParsedBinding("*", name.decode(), type_only, data.rindex(b"*", start, a), b))
        return st
    a, b = m.span("named")
    if a < 0:
        return st  # export * from 'm'
    named = _plain_specifiers(data, a, b, type_only, export=True)
    if named is None:
        return None
    st.named = True
    st.bindings = named
    return st


def parse_export(data: bytes, start: int, end: int) -> Optional[ParsedStatement]:
    """Parse ``export ... from 'm'`` / ``export import x = require('m')`` at ``start``.

    Returns None for exports that do not name another module (``export const``,
    ``export {a}`` without ``from``, ``export default``...).
    """
    if _EXPORT_DECLARATION.match(data, start, end) or _LOCAL_EXPORT_LIST.fullmatch(data, start, end):
        return None  # the common cases, decided without tokenizing
    plain = _plain_export_from(data, start, end)
    if plain is not None:
        return plain
    head = tokenize(data, start, end, limit=2)
    if len(head) < 2 or head[1].raw not in (b"*", b"{", b"type", b"import"):
        return None  # export const / default / function ...: no module named
    s = _Stream(tokenize(data, start, end, limit=50000))
    st = ParsedStatement("export", start, start)
    try:
        _need(s, b"export")
        if s.is_(b"import"):
            s.take()
            st.exported = True
            if s.is_(b"type") and _is_binding_ident(s.peek(1)) and s.is_(b"=", 2):
                s.take()
                st.type_only = True
            if _is_binding_ident(s.peek()) and s.is_(b"=", 1):
                return _import_equals(s, st)
            return None
        if s.is_(b"type") and (s.is_(b"{", 1) or s.is_(b"*", 1)):
            s.take()
            st.type_only = True
        st.has_clause = True
        if s.is_(b"*"):
            star = s.take()
            if s.is_(b"as"):
                s.take()
                name = _module_name(s)
                st.bindings.append(ParsedBinding("*", _name(name), st.type_only, star.start, name.end))
            _from_and_rest(s, st)
            return st
        if s.is_(b"{"):
            bindings = _specs(s, export=True)
            if not s.is_(b"from"):
                return None
            st.named = True
            for b in bindings:
                b.type_only = b.type_only or st.type_only
            st.bindings = bindings
            _from_and_rest(s, st)
            return st
        return None
    except (_Fail, IndexError, ValueError):
        return None


# --------------------------------------------------------------------------------------
# Local export lists the JavaScript grammar rejects

# Words that cannot name a binding of module code (reserved words, the strict-mode ones, `await`
# in a module, `eval` and `arguments`; checked against V8): an export list's *local* names must
# be the module's own bindings.
_NOT_A_REFERENCE = frozenset(
    b"arguments await break case catch class const continue debugger default delete do else enum "
    b"eval export extends false finally for function if implements import in instanceof interface "
    b"let new null package private protected public return static super switch this throw true "
    b"try typeof var void while with yield".split()
)
_ASCII_NAME = re.compile(_NAME)


def local_export_list(data: bytes, start: int, end: int) -> bool:
    """Is ``data[start:end]`` exactly an export of local bindings, ``export { a, b as c };``,
    each local name an identifier reference and each exported name any identifier name or a
    string (``export { _null as null, x as "x-y" }``)? tree-sitter-javascript 0.25 reads a
    reserved word after ``as`` there as an ERROR although engines accept it (zod 4's own
    ``export { _null as null }``). Conservative: ASCII names only, no ``type`` modifiers."""
    s = _Stream(tokenize(data, start, end, limit=50000))
    try:
        _need(s, b"export")
        _need(s, b"{")
        while not s.is_(b"}"):
            local = s.peek()
            if (local is None or local.kind != ID or local.raw in _NOT_A_REFERENCE
                    or _ASCII_NAME.fullmatch(local.raw) is None):
                return False
            s.take()
            if s.is_(b"as"):
                s.take()
                alias = _module_name(s)
                if alias.kind == ID and _ASCII_NAME.fullmatch(alias.raw) is None:
                    return False
            if s.is_(b","):
                s.take()
            elif not s.is_(b"}"):
                return False
        s.take()
        if s.is_(b";"):
            s.take()
        return s.peek() is None
    except _Fail:
        return False
