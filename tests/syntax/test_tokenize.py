"""The statement-head tokenizer (one compiled scanner) against a plain byte-by-byte reading of
the same rules, on generated text full of the tricky parts: comments, strings with escapes and
line breaks, non-ASCII spaces and identifiers, unterminated strings and comments."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tla_lens.syntax.statements import ID, PUNCT, STR, parse_import, tokenize

_SPACE = frozenset(b" \t\n\r\v\f")
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$\\") | frozenset(range(0x80, 0x100))
_OTHER_SPACES = (b"\xc2\xa0", b"\xef\xbb\xbf", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def reference(data: bytes, start: int, end: int, limit: int) -> list[tuple]:
    out: list[tuple] = []
    i, n = start, min(end, len(data))
    while i < n and len(out) < limit:
        b = data[i]
        if b in _SPACE:
            i += 1
        elif any(data.startswith(s, i, n) for s in _OTHER_SPACES):
            i += 2 if b == 0xC2 else 3
        elif data.startswith(b"//", i, n):
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif data.startswith(b"/*", i, n):
            j = data.find(b"*/", i + 2, n)
            if j < 0:
                break
            i = j + 2
        elif b in b"\"'":
            j = i + 1
            while j < n and data[j] != b and data[j] not in b"\r\n":
                j += 2 if data[j] == 0x5C else 1
            if j >= n or data[j] != b:
                break
            out.append((STR, data[i:j + 1], i, j + 1))
            i = j + 1
        elif b in _WORD:
            j = i + 1
            while j < n and data[j] in _WORD:
                j += 1
            out.append((ID, data[i:j], i, j))
            i = j
        else:
            out.append((PUNCT, data[i:i + 1], i, i + 1))
            i += 1
    return out


_PIECES = [b"import", b" ", b"\n", b"\r", b"\t", b"{", b"}", b",", b"*", b"/", b"//", b"/*", b"*/",
           b"'", b'"', b"\\", b"\\'", b"x", b"from", b"\xc2\xa0", b"\xef\xbb\xbf", b"\xe2\x80\xa8",
           b"\xc3\xa9", b"\xc2", b"$", b";", b"=", b"\x00", b"\xff", b"`"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.binary(max_size=3), max_size=40),
       st.integers(0, 10), st.integers(0, 200), st.integers(1, 12))
def test_tokens_match_a_byte_by_byte_reading(pieces, start, end, limit):
    data = b"".join(pieces)
    got = [tuple(t) for t in tokenize(data, start, end, limit)]
    assert got == reference(data, start, end, limit)


def test_the_forms_that_matter():
    src = b"import /* a */ x, { y as 'z\\'q' } from \"m\xc2\xa0\" // c\n;"
    toks = tokenize(src, 0, len(src))
    assert [t.raw for t in toks] == [b"import", b"x", b",", b"{", b"y", b"as", b"'z\\'q'", b"}",
                                     b"from", b'"m\xc2\xa0"', b";"]
    assert tokenize(b"import 'unterminated\n x", 0, 30) == tokenize(b"import", 0, 6)
    assert [t.raw for t in tokenize(b"a /* open", 0, 9)] == [b"a"]
    st_ = parse_import(src, 0, len(src))
    assert st_ is not None and st_.specifier == "m\xa0" and [b.local for b in st_.bindings] == ["x", "z'q"]


# -- the plain-import pattern gives what the token parser gives ------------------------------
_WS = st.sampled_from([b"", b" ", b"  ", b"\n", b"\t", b"\r\n"])
_NAMES = st.sampled_from([b"x", b"Foo", b"$a", b"_b9", b"type", b"from", b"as", b"defer", b"source",
                          b"default", b"\xc3\xa9t\xc3\xa9", b"9bad", b""])
_QUOTED = st.sampled_from([b"'m'", b'"./a.js"', b"'@s/p'", b"'a\\'b'", b'""', b"'unterminated", b"'x\ny'"])


def _specifier_list(draw, aliases) -> bytes:
    """`{ a, type b as c, }`: 0-4 names, each maybe `type` and maybe renamed to one of ``aliases``."""
    ws = lambda: draw(_WS)  # noqa: E731
    items = []
    for _ in range(draw(st.integers(0, 4))):
        item = [ws()]
        if draw(st.booleans()):
            item += [b"type", ws() or b" "]
        item += [draw(_NAMES)]
        if draw(st.booleans()):
            item += [ws() or b" ", b"as", ws() or b" ", draw(aliases)]
        items.append(b"".join(item + [ws()]))
    return b"{" + b",".join(items) + draw(st.sampled_from([b"", b","])) + b"}"


@st.composite
def _import_statements(draw):
    ws = lambda: draw(_WS)  # noqa: E731
    parts = [b"import", ws() or b" "]
    if draw(st.booleans()):
        parts += [b"type", ws()]
    shape = draw(st.sampled_from(["bare", "default", "named", "ns", "default+named", "default+ns"]))
    if shape != "bare":
        if shape.startswith("default"):
            parts += [draw(_NAMES), ws()]
            if "+" in shape:
                parts += [b",", ws()]
        if shape.endswith("named"):
            parts += [_specifier_list(draw, _NAMES), ws()]
        elif shape.endswith("ns"):
            parts += [b"*", ws(), b"as", ws() or b" ", draw(_NAMES), ws()]
        parts += [draw(st.sampled_from([b"from", b"form", b""])), ws()]
    parts += [draw(_QUOTED), ws()]
    parts += [draw(st.sampled_from([b"", b";", b" with { type: 'json' }", b"/* c */", b";;"])), ws()]
    return b"".join(parts)


@settings(max_examples=4000, deadline=None)
@given(_import_statements(), st.binary(max_size=4))
def test_plain_imports_read_like_the_token_parser(text, prefix):
    from tla_lens.syntax.statements import _plain_import, parse_import_tokens
    data = prefix + text + b"\nconst x = 1"
    start, end = len(prefix), len(prefix) + len(text)
    fast = _plain_import(data, start, end)
    if fast is not None:
        assert fast == parse_import_tokens(data, start, end)
    assert parse_import(data, start, end) == parse_import_tokens(data, start, end)


def test_the_plain_pattern_takes_the_common_forms():
    from tla_lens.syntax.statements import _plain_import
    for src in [b"import x from 'm';", b"import { a, b as c, type d, } from \"m\"", b"import * as ns from 'm'",
                b"import type X, { y } from 'm';", b"import 'side-effect';", b"import x, * as ns from 'm'"]:
        assert _plain_import(src, 0, len(src)) is not None, src
    for src in [b"import defer * as ns from 'm'", b"import source x from 'm'", b"import x from 'm' with { type: 'json' }",
                b"import /* c */ x from 'm'", b"import { 'a-b' as c } from 'm'", b"import type from 'm'"]:
        assert _plain_import(src, 0, len(src)) is None, src


def test_the_plain_re_export_pattern_takes_the_common_forms():
    from tla_lens.syntax.statements import _plain_export_from
    for src in [b"export * from 'm';", b"export * as ns from \"m\"", b"export {a, b as c, type d,} from 'm'",
                b"export type { T } from './t.js';", b"export type * as X from 'x'", b"export {} from 'm'",
                b"export*from'm'"]:
        assert _plain_export_from(src, 0, len(src)) is not None, src
    for src in [b"export * as 'a-b' from 'm'", b"export {x} from 'm' with { type: 'json' }",
                b"export /* c */ * from 'm'", b"export * as nsfrom 'm'", b"exporttype {a} from 'm'",
                b"export { default as from } from 'm'", b"export {a}"]:
        assert _plain_export_from(src, 0, len(src)) is None, src


# -- the export shortcuts (declarations, local lists) agree with the token parser ----------
@st.composite
def _export_statements(draw):
    ws = lambda: draw(_WS)  # noqa: E731
    parts = [b"export", ws()]
    shape = draw(st.sampled_from(["list", "star", "decl"]))
    if shape == "decl":
        parts += [draw(st.sampled_from([b"const x = 1", b"function f() {}", b"type X = 1", b"type{T}",
                                        b"default x", b"class C {}", b"typeof x", b"constant", b"async function g() {}"]))]
    else:
        if draw(st.booleans()):
            parts += [b"type", ws()]
        if shape == "star":
            parts += [b"*", ws()]
            if draw(st.booleans()):
                parts += [b"as", ws() or b" ", draw(_NAMES), ws()]
        else:
            parts += [_specifier_list(draw, st.sampled_from([b"y", b"'s'", b"default"])), ws()]
        if draw(st.booleans()):
            parts += [draw(st.sampled_from([b"from", b"form"])), ws(), draw(_QUOTED), ws()]
    parts += [draw(st.sampled_from([b"", b";", b"/* c */", b"// c", b";;"])), ws()]
    return b"".join(parts)


@settings(max_examples=3000, deadline=None)
@given(_export_statements())
def test_export_shortcuts_read_like_the_token_parser(text):
    import re
    from unittest import mock

    from tla_lens.syntax import statements
    data = text + b"\nconst x = 1"
    fast = statements.parse_export(data, 0, len(text))
    never = re.compile(rb"(?!)")
    with mock.patch.object(statements, "_EXPORT_DECLARATION", never), \
            mock.patch.object(statements, "_LOCAL_EXPORT_LIST", never), \
            mock.patch.object(statements, "_PLAIN_EXPORT_FROM", never):
        assert fast == statements.parse_export(data, 0, len(text))
