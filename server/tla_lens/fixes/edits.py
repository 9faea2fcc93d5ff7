"""Plain data for fixes (text edits, offered fixes, refusals) and the file-style helpers
they share. Pure: bytes in, edits out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..syntax.facts import Span


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the bytes ``span`` of the original source with ``new_text``.

    An insertion has an empty span. Edits of one fix never overlap; several insertions
    at the same offset apply in list order."""

    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: list[TextEdit]
    # Functions the fix turns async, by name ("save") or, when anonymous, as
    # "the arrow function on line 7" (1-based line). Empty when none has to change.
    functions_made_async: list[str] = field(default_factory=list)
    preferred: bool = False


@dataclass(frozen=True, slots=True)
class Refusal:
    """A fix that is not offered (or shown disabled), and why."""

    title: str
    reason: str


def apply_edits(source: bytes, edits: Iterable[TextEdit]) -> bytes:
    """The source with ``edits`` applied (all spans refer to the original ``source``)."""
    ordered = sorted(enumerate(edits), key=lambda p: (p[1].span.start, p[1].span.end, p[0]))
    out: list[bytes] = []
    pos = 0
    for _, e in ordered:
        if e.span.start < pos:
            raise ValueError(f"overlapping edits at {e.span}")
        out.append(source[pos : e.span.start])
        out.append(e.new_text.encode("utf-8"))
        pos = e.span.end
    out.append(source[pos:])
    return b"".join(out)


def difference(old: bytes, new: bytes) -> TextEdit:
    """The one edit that turns ``old`` into ``new``: what lies between their common start and
    end (on character boundaries), replaced."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    while start > 0 and (old[start:start + 1] or b"\0")[0] & 0xC0 == 0x80:
        start -= 1  # (not inside a character)
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    while end > 0 and old[len(old) - end] & 0xC0 == 0x80:
        end -= 1
    return TextEdit(Span(start, len(old) - end), new[start:len(new) - end].decode("utf-8", "surrogatepass"))


def node_starting_on(root, line: int, accept: Callable[[object], bool]):
    """The first node of the tree ``root`` (depth first) that starts on ``line`` (1-based) and
    that ``accept`` takes, or None: the construct or call a build declared in code is at."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.start_point[0] > line - 1 or node.end_point[0] < line - 1:
            continue
        if node.start_point[0] == line - 1 and accept(node):
            return node
        stack.extend(reversed(node.named_children))
    return None


# ---------------------------------------------------------------------------------------
# File style


def line_break(source: bytes, near: int = 0) -> str:
    """The line break the file uses: the one ending the line at ``near`` when there is one,
    else the file's first, else ``\\n``."""
    for start in (near, 0):
        m = re.compile(rb"\r\n|\r|\n").search(source, start)
        if m:
            return m.group().decode()
    return "\n"


def line_start(source: bytes, offset: int) -> int:
    i = offset
    while i > 0 and source[i - 1] not in (0x0A, 0x0D):
        i -= 1
    return i


def line_end(source: bytes, offset: int) -> int:
    """Offset of the line break ending the line at ``offset`` (or the end of the file)."""
    i = offset
    n = len(source)
    while i < n and source[i] not in (0x0A, 0x0D):
        i += 1
    return i


def after_line_break(source: bytes, offset: int) -> int:
    """``offset`` at a line break -> the offset just after it."""
    if source.startswith(b"\r\n", offset):
        return offset + 2
    if offset < len(source) and source[offset] in (0x0A, 0x0D):
        return offset + 1
    return offset


def indentation_of_line(source: bytes, offset: int) -> str:
    start = line_start(source, offset)
    i = start
    while i < len(source) and source[i] in (0x20, 0x09):
        i += 1
    return source[start:i].decode("ascii")


def is_first_on_line(source: bytes, offset: int) -> bool:
    return not source[line_start(source, offset) : offset].strip(b" \t")


def indent_unit(source: bytes) -> str:
    """The file's indentation unit: a tab when most indented lines start with a tab, else the
    smallest indentation in spaces (ignoring ` * ` continuation lines of block comments);
    two spaces when nothing is indented."""
    tabs = spaces = 0
    smallest = None
    for m in re.finditer(rb"^([ \t]+)(\S)", source, re.M):
        lead, first = m.group(1), m.group(2)
        if first == b"*":
            continue
        if lead.startswith(b"\t"):
            tabs += 1
        else:
            spaces += 1
            n = len(lead) - len(lead.lstrip(b" "))
            if n and (smallest is None or n < smallest):
                smallest = n
    if tabs > spaces:
        return "\t"
    return " " * min(smallest or 2, 8)
