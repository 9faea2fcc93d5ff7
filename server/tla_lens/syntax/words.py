"""Whole-word occurrences of names in a file's bytes: where the tree walks need to look.

The extraction walks descend only into nodes that contain one of the words they care about
(``await``, ``import``, ``require``, the imported local names), so finding those words fast
matters: it runs for every file of a cold start. ``bytes.find`` per word beats a regex
alternation here (no pattern to compile for each file's own set of names).
"""
from __future__ import annotations

import re

IDENT_CLASS = rb"A-Za-z0-9_$\x80-\xff"
# identifier bytes: ASCII word characters, `$`, and any non-ASCII byte
_IDENT = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$") | frozenset(range(0x80, 0x100))
ANY_WORD = re.compile(rb"[" + IDENT_CLASS + rb"]+")  # a run of identifier bytes


def word_positions(source: bytes, words, start: int = 0) -> list[int]:
    """Sorted start offsets of whole-word occurrences of ``words`` (bytes) in ``source``
    (those that start at ``start`` or later)."""
    wordset = {w for w in words if w}
    if not wordset:
        return []
    if len(wordset) > 32:
        # many names: one scan over every word of the file, each looked up in the set
        return [m.start() for m in ANY_WORD.finditer(source, start)
                if m.group() in wordset and (m.start() == 0 or source[m.start() - 1] not in _IDENT)]
    out: list[int] = []
    find = source.find
    n = len(source)
    ident = _IDENT
    for w in wordset:
        size = len(w)
        i = find(w, start)
        while i >= 0:
            j = i + size
            if (i == 0 or source[i - 1] not in ident) and (j >= n or source[j] not in ident):
                out.append(i)
            i = find(w, i + 1)
    out.sort()
    return out
