"""word_positions: whole-word occurrences, by bytes.find for a few words and by one scan for
many; from a start offset: the same as the whole file's, cut at that offset."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tla_lens.syntax.words import word_positions

_WORDS = [b"import", b"x", b"require", b"a$", b"_b", b"\xc3\xa9"]
_TEXT = st.lists(st.sampled_from(_WORDS + [b" ", b".", b"(", b"\n", b"ximport", b"import9", b"$x"]),
                 max_size=40).map(b"".join)


def _expected(source: bytes, words: list[bytes], start: int) -> list[int]:
    ident = rb"[A-Za-z0-9_$\x80-\xff]"
    out = set()
    for w in words:
        out.update(m.start() for m in re.finditer(rb"(?<!" + ident + rb")" + re.escape(w) + rb"(?!" + ident + rb")", source)
                   if m.start() >= start)
    return sorted(out)


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4), st.integers(0, 60), st.booleans())
def test_whole_words_from_an_offset(source, words, start, many):
    if many:  # more than 32 names: the one-scan path
        words = words + [b"w%d" % i for i in range(40)]
    assert word_positions(source, words, start) == _expected(source, words, start)


def test_an_offset_inside_a_word_does_not_cut_it():
    source = b"ximport import"
    for many in (False, True):
        words = [b"import"] + ([b"w%d" % i for i in range(40)] if many else [])
        assert word_positions(source, words, 1) == [8]
        assert word_positions(source, words) == [8]
