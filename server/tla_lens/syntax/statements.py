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
from typing import Optional

# --------------------------------------------------------------------------------------
# Tokens

ID = "id"
STR = "str"
PUNCT = "punct"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str     # ID / STR / PUNCT
    raw: bytes    # the token's bytes (strings include their quotes)
    start: int
    end: int


_SPACE = frozenset(b" \t\n\r\v\f")
# Identifier bytes: ASCII word characters, `$`, and any non-ASCII byte (Unicode identifiers;
# also the U+00A0/U+FEFF/U+2028 spaces, which are harmless to glue into an identifier here).
_ID_BYTE = frozenset(
    list(range(ord("a"), ord("z") + 1))
    + list(range(ord("A"), ord("Z") + 1))
    + list(range(ord("0"), ord("9") + 1))
    + [ord("_"), ord("$"), ord("\\")]
    + list(range(0x80, 0x100))
)
_NBSP_LIKE = (b"\xc2\xa0", b"\xef\xbb\xbf", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def tokenize(data: bytes, start: int, end: int, limit: int = 400) -> list[Token]:
    """Tokens of ``data[start:end]`` (at most ``limit``), skipping whitespace and comments.

    Only what import/export heads need: identifiers, string literals and single-byte
    punctuation. Never raises; an unterminated string or comment ends the token list.
    """
    toks: list[Token] = []
    i = start
    n = min(end, len(data))
    while i < n and len(toks) < limit:
        b = data[i]
        if b in _SPACE:
            i += 1
            continue
        if b >= 0xC2 and (data[i : i + 2] == _NBSP_LIKE[0] or data[i : i + 3] in _NBSP_LIKE[1:]):
            i += 2 if b == 0xC2 else 3
            continue
        if b == 0x2F and i + 1 < n and data[i + 1] == 0x2F:  # //
            j = i + 2
            while j < n and data[j] not in (0x0A, 0x0D):
                j += 1
            i = j
            continue
        if b == 0x2F and i + 1 < n and data[i + 1] == 0x2A:  # /*
            j = data.find(b"*/", i + 2, n)
            if j < 0:
                break
            i = j + 2
            continue
        if b in (0x22, 0x27):  # " '
            j = i + 1
            while j < n:
                c = data[j]
                if c == 0x5C:
                    j += 2
                    continue
                if c == b or c in (0x0A, 0x0D):
                    break
                j += 1
            if j >= n or data[j] != b:
                break  # unterminated
            toks.append(Token(STR, data[i : j + 1], i, j + 1))
            i = j + 1
            continue
        if b in _ID_BYTE:
            j = i + 1
            while j < n and data[j] in _ID_BYTE:
                j += 1
            toks.append(Token(ID, data[i:j], i, j))
            i = j
            continue
        toks.append(Token(PUNCT, data[i : i + 1], i, i + 1))
        i += 1
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


def parse_import(data: bytes, start: int, end: int) -> Optional[ParsedStatement]:
    """Parse ``import ...`` starting at byte ``start`` (the ``import`` keyword).

    Returns None when the text is not an import declaration we understand
    (e.g. ``import N = A.B`` aliases, ``import(...)`` calls, broken text).
    """
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
_EXPORT_DECLARATION = re.compile(
    rb"export[ \t\r\n]+(?:const|let|var|function|class|default|async|interface|enum|abstract|declare)(?![A-Za-z0-9_$\x80-\xff])")


def parse_export(data: bytes, start: int, end: int) -> Optional[ParsedStatement]:
    """Parse ``export ... from 'm'`` / ``export import x = require('m')`` at ``start``.

    Returns None for exports that do not name another module (``export const``,
    ``export {a}`` without ``from``, ``export default``...).
    """
    if _EXPORT_DECLARATION.match(data, start, end):
        return None  # the common case, decided without tokenizing
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
