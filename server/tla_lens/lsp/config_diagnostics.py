"""Problems with the user's configuration files, as diagnostics on those files.

A broken `tla-lens.json`, an unknown key in it, a tsconfig whose `extends` cannot be found or a
package.json whose "exports" Node would reject change what tla-lens reports; the user sees them
where they would fix them (the file, at the key), not only in the server's log. Only files of
the workspace count: a dependency's package.json under node_modules is not the user's to fix.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from lsprotocol import types as T

from ..problems import Problem
from ..text import Encoding, LineIndex

SEVERITY = {"error": T.DiagnosticSeverity.Error, "warning": T.DiagnosticSeverity.Warning,
            "information": T.DiagnosticSeverity.Information}
CONFIG_NAMES = ("tla-lens.json", "package.json")


def is_config_file(path: Optional[Path], root: Path) -> bool:
    """A JSON file of the workspace itself (tla-lens.json, package.json, tsconfig*/jsconfig*,
    a file a tsconfig extends), not one of a dependency."""
    if path is None or not path.name.endswith(".json"):
        return False
    try:
        rel = path.relative_to(root)
    except ValueError:
        return False
    return "node_modules" not in rel.parts


def diagnostics_by_file(problems: Iterable[Problem], root: Path, encoding: Encoding,
                        read=None) -> dict[Path, list[T.Diagnostic]]:
    """The configuration problems among ``problems``, as diagnostics grouped by file (each
    file read once, to place a 1-based line and character column in ``encoding`` units)."""
    read = read or _read
    out: dict[Path, list[T.Diagnostic]] = {}
    lines: dict[Path, Optional[LineIndex]] = {}
    seen: set = set()
    for p in problems:
        if not is_config_file(p.path, root) or (p.path, p.message, p.line, p.column) in seen:
            continue
        seen.add((p.path, p.message, p.line, p.column))
        path = p.path
        assert path is not None
        if path not in lines:
            data = read(path)
            # (the JSON readers count columns after a byte order mark, as editors show the file)
            lines[path] = LineIndex(data, skip_bom=True) if data is not None else None
        rng = _range(lines[path], p.line, p.column, encoding)
        out.setdefault(path, []).append(T.Diagnostic(
            range=rng, message=p.message, severity=SEVERITY.get(p.severity, T.DiagnosticSeverity.Warning),
            source="tla-lens"))
    for diags in out.values():
        diags.sort(key=lambda d: (d.range.start.line, d.range.start.character, d.message))
    return out


def _read(path: Path) -> Optional[bytes]:
    try:
        with open(path, "rb") as f:
            return f.read(4 << 20)
    except OSError:
        return None


def _range(lines: Optional[LineIndex], line: Optional[int], column: Optional[int],
           encoding: Encoding) -> T.Range:
    """From the problem's place to the end of the JSON token there (a quoted string, a word or
    number, else one character); the file's first character when the place is not known."""
    if lines is None or line is None or line < 1:
        return T.Range(T.Position(0, 0), T.Position(0, 0))
    start = lines.offset(line - 1, (column or 1) - 1)
    data = lines.data
    if start > 0 and data[start - 1:start] == b'"' and data[start:start + 1] not in (b'"', b":"):
        start -= 1  # the place is the start of a string's content: the whole string
    end = _token_end(data, start, lines.line_end(min(line - 1, lines.line_count - 1)))
    l1, c1 = lines.position(start, encoding)
    l2, c2 = lines.position(end, encoding)
    return T.Range(T.Position(l1, c1), T.Position(l2, c2))


def _token_end(data: bytes, start: int, line_end: int) -> int:
    if start >= line_end:
        return start
    if data[start:start + 1] in (b'"', b"'"):
        quote = data[start]
        i = start + 1
        while i < line_end:
            if data[i] == 0x5C:  # backslash
                i += 2
                continue
            if data[i] == quote:
                return i + 1
            i += 1
        return line_end
    i = start
    while i < line_end and (chr(data[i]).isalnum() or data[i] in b"_$-." or data[i] >= 0x80):
        i += 1
    return i if i > start else start + 1

