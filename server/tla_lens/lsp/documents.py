"""Open editor buffers as bytes, with our own line model (lines end at \\r\\n, \\r, \\n only).

pygls keeps documents too, but splits lines on characters LSP does not treat as line breaks
(U+2028, form feed, ...): positions are computed here instead, in the negotiated encoding.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..syntax import TreeEdit
from ..text import Encoding, LineIndex


@dataclass
class Document:
    uri: str
    data: bytes
    version: Optional[int] = None
    # edits since the project last saw this text (None: replaced whole, re-parse afresh)
    pending: Optional[list] = field(default_factory=list)
    _lines: Optional[LineIndex] = field(default=None, repr=False)

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.data)
        return self._lines

    def apply(self, start: tuple[int, int], end: tuple[int, int], text: str,
              encoding: Encoding) -> None:
        """Replace the range (line, character) .. (line, character) with ``text``.
        Out-of-range positions are clamped (to the line's end, to the document's end)."""
        a = self.lines.offset(start[0], start[1], encoding)
        b = self.lines.offset(end[0], end[1], encoding)
        if b < a:
            a, b = b, a
        new = text.encode("utf-8", "surrogatepass")
        old = self.data
        self.data = old[:a] + new + old[b:]
        self._lines = None
        if self.pending is not None:
            self.pending.append(TreeEdit(old, self.data, a, b, a + len(new)))

    def replace(self, text: str) -> None:
        self.data = text.encode("utf-8", "surrogatepass")
        self._lines = None
        self.pending = None

    def take_edits(self) -> Optional[list]:
        """The edits since the last call (None when the text was replaced whole)."""
        edits, self.pending = self.pending, []
        return edits
