"""The "ignore this line" fix: a suppression comment above the line."""
from __future__ import annotations

from ..syntax.facts import Span
from ..text import LineIndex
from .edits import Fix, TextEdit, indentation_of_line, line_break

SUPPRESSION = "tla-lens-ignore-next-line"


def ignore_comment(source: bytes, line: int, code: str) -> Fix:
    """Insert ``// tla-lens-ignore-next-line <code> -- reason`` above ``line`` (0-based), with
    that line's indentation and the file's line breaks. ``reason`` is a placeholder the
    developer replaces."""
    index = LineIndex(source)
    line = max(0, min(line, index.line_count - 1))
    start = index.starts[line]
    indent = indentation_of_line(source, start)
    eol = line_break(source, index.line_end(line))
    text = f"{indent}// {SUPPRESSION} {code} -- reason{eol}"
    return Fix(
        title=f"Ignore `{code}` on this line",
        edits=[TextEdit(Span(start, start), text)],
        functions_made_async=[],
        preferred=False,
    )
