"""Single-file components (Vue `.vue`, Svelte `.svelte`): the JavaScript/TypeScript in them.

A component compiles to one ES module. Its `<script>` blocks are code of that module: their
imports are the module's static imports wherever the block is (a bundler hoists those of Vue's
`<script setup>` and of Svelte's instance `<script>` to the top of the module), but only a
module-level block — Vue's plain `<script>`, Svelte's `<script module>` / `<script
context="module">` — runs at module level: an `await` at the top of `<script setup>` or of an
instance script belongs to the component's setup function, and makes no module async.

The code is analysed in place: every byte outside the script blocks' contents is blanked (a
space; line breaks kept), so offsets, lines and columns in the script stay those of the file.
The template is not looked into, so no import is taken as unused because only the template uses
it: components' imports are never elided (as with `verbatimModuleSyntax`, which the Vue and
Svelte TypeScript presets set), `import type` aside.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# a comment's start, or a script or template tag's name (its attributes are read by _ATTRS)
_NEXT = re.compile(rb"<!--|<(/?)(script|template)(?=[\s/>])", re.I)
# the rest of a tag up to its `>`: quoted values may hold `>` (`generic="T extends A<B>"`);
# its alternatives start with different characters (little to backtrack into), and it is
# matched within _MAX_TAG bytes (Python 3.10, which the server supports, has no possessive
# quantifiers)
_ATTRS = re.compile(rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_MAX_TAG = 512  # a longer "tag" is none (so that no input makes the scan slow)
_CLOSE_SCRIPT = re.compile(rb"</script\s*>", re.I)
_ATTR = re.compile(rb"""([:@\w.-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_BLANK = re.compile(rb"[^\n\r]")


@dataclass(frozen=True)
class Block:
    start: int          # byte offsets of the contents (between the tags)
    end: int
    lang: str           # "js", "ts", "tsx", "jsx"
    module_level: bool  # runs when the module is evaluated


def blocks(data: bytes, svelte: bool) -> list[Block]:
    """The script blocks of a component's source, in order (none inside the template or an
    HTML comment; a block with `src=` has no contents here). One pass, linear in the size."""
    out: list[Block] = []
    depth = 0  # inside <template> … </template> (templates nest)
    pos = 0
    n = len(data)
    while pos < n:
        m = _NEXT.search(data, pos)
        if m is None:
            break
        if m.group(2) is None:  # <!-- … -->
            end = data.find(b"-->", m.end())
            if end < 0:
                break
            pos = end + 3
            continue
        limit = m.end() + _MAX_TAG
        tag = _ATTRS.match(data, m.end(), limit) if data.find(b">", m.end(), limit) >= 0 else None
        if tag is None:
            pos = m.end()
            continue
        pos = tag.end()
        closing, name, attrs = m.group(1), m.group(2).lower(), tag.group(1)
        if name == b"template":
            if not attrs.rstrip().endswith(b"/"):
                depth = max(0, depth - 1) if closing else depth + 1
            continue
        if closing or depth:
            continue
        end = _CLOSE_SCRIPT.search(data, pos)
        stop = end.start() if end is not None else n
        values = {k.lower(): (v1 or v2 or v3 or b"").decode("latin-1").strip().lower()
                  for k, v1, v2, v3 in _ATTR.findall(attrs)}
        lang = values.get(b"lang", "js") or "js"
        if svelte:
            module_level = b"module" in values or values.get(b"context") == "module"
        else:
            module_level = b"setup" not in values
        if b"src" not in values:
            out.append(Block(pos, stop, lang if lang in ("ts", "tsx", "jsx") else "js", module_level))
        pos = end.end() if end is not None else n
    return out


def code(data: bytes, svelte: bool) -> tuple[bytes, list[Block]]:
    """``data`` with everything but the script blocks' contents blanked (same length, same
    line breaks), and the blocks."""
    found = blocks(data, svelte)
    out = bytearray(_BLANK.sub(b" ", data))
    for b in found:
        out[b.start:b.end] = data[b.start:b.end]
    return bytes(out), found
