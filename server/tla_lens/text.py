"""Byte offsets <-> lines and columns.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` only (what LSP and editors count), never at
U+2028/U+2029 or form feeds. Columns can be counted in UTF-8 bytes, UTF-16 code units or
Unicode code points (``characters``). Invalid UTF-8 is counted as one character per byte.
"""
from __future__ import annotations

import bisect
import itertools
import re
from typing import Literal, Optional

Encoding = Literal["utf-8", "utf-16", "utf-32"]


class LineIndex:
    """Lines of a file's bytes. The table of line starts is built on first need: a file with
    only ``\n`` breaks answers its first few ``line_of``/``position`` questions by counting
    (in C) instead — a report asks two or three per module, for hundreds of modules."""

    __slots__ = ("data", "_starts", "_counts", "_bom")

    # questions answered by counting before the table is built
    COUNTED = 8

    def __init__(self, data: bytes, skip_bom: bool = False):
        """``skip_bom``: ``data`` is a file's bytes as on disk, whose byte order mark (if any)
        no editor shows: the first line's columns count from after it, as in the editor's
        buffer (and in ESLint's and tsc's reports)."""
        self.data = data
        self._starts: Optional[list[int]] = None
        # how many more questions to count (0: the file has \r breaks, or it asked enough)
        self._counts = self.COUNTED if b"\r" not in data else 0
        self._bom = 3 if skip_bom and data.startswith(b"\xef\xbb\xbf") else 0

    @property
    def starts(self) -> list[int]:
        """The byte offset of each line's start (the first line's: after a skipped byte order mark)."""
        if self._starts is None:
            self._starts = _line_starts(self.data)
            self._starts[0] = self._bom
        return self._starts

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """0-based line containing byte ``offset``."""
        if self._counts and offset >= 0 and self._starts is None:
            self._counts -= 1
            return self.data.count(b"\n", 0, offset)
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def line_end(self, line: int) -> int:
        """Byte offset of the end of ``line``'s content (before its line break)."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            if end >= 2 and self.data[end - 2 : end] == b"\r\n":
                return end - 2
            return end - 1
        return len(self.data)

    def line_text(self, line: int) -> str:
        return self.data[self.starts[line] : self.line_end(line)].decode("utf-8", "replace")

    def position(self, offset: int, encoding: Encoding = "utf-32") -> tuple[int, int]:
        """(line, column), both 0-based, column counted in ``encoding`` units.

        ``utf-32`` counts code points (characters)."""
        offset = max(self._bom, min(offset, len(self.data)))
        if self._counts and self._starts is None:
            self._counts -= 1
            line = self.data.count(b"\n", 0, offset)
            start = self.data.rfind(b"\n", 0, offset) + 1 or self._bom
        else:
            line = bisect.bisect_right(self.starts, offset) - 1
            start = self.starts[line]
        if encoding == "utf-8":
            return line, offset - start
        chunk = self.data[start:offset]
        return line, len(chunk) if chunk.isascii() else _units(chunk, encoding)

    def offset(self, line: int, column: int, encoding: Encoding = "utf-32") -> int:
        """Byte offset of (line, column); clamps out-of-range positions to the line/file."""
        if line < 0:
            return self._bom
        if line >= len(self.starts):
            return len(self.data)
        start = self.starts[line]
        end = self.line_end(line)
        if column <= 0:
            return start
        if encoding == "utf-8":
            return min(start + column, end)
        units = 0
        i = start
        data = self.data
        while i < end and units < column:
            size = _seq_len(data, i, end)
            if encoding == "utf-16":
                units += 2 if size == 4 else 1
            else:
                units += 1
            i += size
        return i


def _line_starts(data: bytes) -> list[int]:
    if b"\r" not in data:
        # only \n line breaks: each line starts one past the end of the one before (the
        # lengths are summed in C)
        starts = list(itertools.accumulate(map((1).__add__, map(len, data.split(b"\n"))), initial=0))
        starts.pop()
        return starts
    starts = [0]
    i = 0
    n = len(data)
    find_n = data.find
    while True:
        # find next \r or \n
        j = find_n(b"\n", i)
        k = find_n(b"\r", i, j if j != -1 else n)
        if k != -1:
            nxt = k + 2 if k + 1 < n and data[k + 1] == 0x0A else k + 1
        elif j != -1:
            nxt = j + 1
        else:
            break
        starts.append(nxt)
        i = nxt
    return starts


def _seq_len(data: bytes, i: int, end: int) -> int:
    """Length of the UTF-8 sequence at ``i`` (1 for an invalid byte)."""
    b = data[i]
    if b < 0x80:
        return 1
    if 0xC2 <= b <= 0xDF:
        size = 2
    elif 0xE0 <= b <= 0xEF:
        size = 3
    elif 0xF0 <= b <= 0xF4:
        size = 4
    else:
        return 1
    if i + size > end:
        return 1
    for k in range(1, size):
        if not 0x80 <= data[i + k] <= 0xBF:
            return 1
    return size


def _units(chunk: bytes, encoding: Encoding) -> int:
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        n = 0
        i = 0
        end = len(chunk)
        while i < end:
            size = _seq_len(chunk, i, end)
            n += 2 if (size == 4 and encoding == "utf-16") else 1
            i += size
        return n
    if encoding == "utf-16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text)


# Characters that must not reach a terminal raw: C0 controls (but tab and newline), DEL, C1
# controls (0x9b is a CSI on some terminals), bidirectional overrides ("Trojan Source") and the
# Unicode line/paragraph separators. Specifiers can carry any of them through escapes.
_UNSAFE = {c for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F} | set(range(0x80, 0xA0)) \
    | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x2028, 0x2029, 0x200E, 0x200F}
_PRINTABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSAFE}
_JSON_SAFE = {c: f"\\u{c:04x}" for c in _UNSAFE if c >= 0x7F}
_JSON_UNSAFE_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_JSON_SAFE)) + "]")


def printable(text: str, keep_newlines: bool = True) -> str:
    """``text`` with terminal-unsafe characters written as escapes (``\\x1b``, ``\\u202e``)."""
    out = text.translate(_PRINTABLE)
    if not keep_newlines:
        out = out.replace("\n", "\\n")
    return out


def json_safe(dumped: str) -> str:
    """A ``json.dumps(..., ensure_ascii=False)`` result with the characters JSON leaves raw
    (DEL, C1 controls, bidi overrides) escaped as ``\\uXXXX`` — still the same JSON value."""
    if (dumped.isascii() and "\x7f" not in dumped) or _JSON_UNSAFE_RE.search(dumped) is None:
        # nothing to escape (the common case; translate() is slow on megabytes). isascii() is
        # one flag of the string, and DEL is the one ASCII character to escape here
        return dumped
    return dumped.translate(_JSON_SAFE)
