from hypothesis import given, settings, strategies as st

from tla_lens.text import LineIndex


def test_lines_break_only_at_cr_lf_crlf():
    data = "a\r\nb\rc\nd\u2028e\x0cf".encode()
    idx = LineIndex(data)
    assert idx.line_count == 4
    assert [idx.line_text(i) for i in range(4)] == ["a", "b", "c", "d\u2028e\x0cf"]


def test_columns_in_each_encoding():
    line = "const s = '😀é'; await x;"
    data = ("// first\r\n" + line).encode()
    idx = LineIndex(data)
    off = data.index(b"await")
    assert idx.position(off, "utf-8") == (1, len(line[: line.index("await")].encode()))
    assert idx.position(off, "utf-16") == (1, line.index("await") + 1)  # the emoji is 2 units
    assert idx.position(off, "utf-32") == (1, line.index("await"))
    for enc in ("utf-8", "utf-16", "utf-32"):
        assert idx.offset(*idx.position(off, enc), enc) == off


def test_out_of_range_positions_clamp():
    idx = LineIndex(b"ab\ncd")
    assert idx.offset(7, 0) == 5
    assert idx.offset(0, 99) == 2
    assert idx.offset(-1, 3) == 0
    assert idx.position(999) == (1, 2)


def test_invalid_utf8_counts_bytes_as_characters():
    data = b"\xff\xfe await x;"
    idx = LineIndex(data)
    off = data.index(b"await")
    assert idx.position(off, "utf-32") == (0, 3)
    assert idx.offset(0, 3) == off


def test_empty_file_and_trailing_newline():
    assert LineIndex(b"").line_count == 1
    idx = LineIndex(b"x\n")
    assert idx.line_count == 2
    assert idx.line_text(1) == ""


_TEXT = st.lists(st.sampled_from([b"a", b"xyz", b"\n", b"\r", b"\r\n", "é".encode(), "😀".encode(),
                                  b"\xff", b" "]), max_size=40).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.booleans(), st.data())
def test_counted_answers_are_the_tables(data, lf_only, draw):
    # the first questions are answered by counting, the rest from the table of line starts:
    # the same answers as an index that builds its table at once
    if lf_only:
        data = data.replace(b"\r", b"")
    lazy = LineIndex(data)
    table = LineIndex(data)
    table.starts  # built now
    for _ in range(LineIndex.COUNTED + 4):
        off = draw.draw(st.integers(-2, len(data) + 2))
        enc = draw.draw(st.sampled_from(["utf-8", "utf-16", "utf-32"]))
        assert lazy.line_of(off) == table.line_of(off), (data, off)
        assert lazy.position(off, enc) == table.position(off, enc), (data, off, enc)
    assert lazy.line_count == table.line_count


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.booleans(), st.data())
def test_a_skipped_byte_order_mark_is_not_counted(text, lf_only, draw):
    # a file's bytes with a byte order mark, as an editor shows them (without it): the same
    # lines and columns as the text after the mark, whether counted or from the table
    if lf_only:
        text = text.replace(b"\r", b"")
    data = b"\xef\xbb\xbf" + text
    idx = LineIndex(data, skip_bom=True)
    bare = LineIndex(text)
    assert idx.line_count == bare.line_count
    assert idx.line_text(0) == bare.line_text(0)
    for _ in range(LineIndex.COUNTED + 4):
        off = draw.draw(st.integers(-2, len(data) + 2))
        enc = draw.draw(st.sampled_from(["utf-8", "utf-16", "utf-32"]))
        assert idx.line_of(off) == bare.line_of(max(0, off - 3)), (data, off)
        assert idx.position(off, enc) == bare.position(max(0, off - 3), enc), (data, off, enc)
        line = draw.draw(st.integers(-1, bare.line_count))
        col = draw.draw(st.integers(0, 6))
        assert idx.offset(line, col, enc) == bare.offset(line, col, enc) + 3, (data, line, col, enc)
    # without skip_bom (an editor's own text) the mark is a character like any other
    assert LineIndex(data).position(3, "utf-16") == (0, 1)
