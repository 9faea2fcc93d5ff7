"""Single-file components (Vue `.vue`, Svelte `.svelte`, Astro `.astro`) and MDX documents
(`.mdx`): the JavaScript/TypeScript in them.

A component compiles to one ES module. Its `<script>` blocks are code of that module: their
imports are the module's static imports wherever the block is (a bundler hoists those of Vue's
`<script setup>` and of Svelte's instance `<script>` to the top of the module), but only a
module-level block — Vue's plain `<script>`, Svelte's `<script module>` / `<script
context="module">` — runs at module level: an `await` at the top of `<script setup>` or of an
instance script belongs to the component's setup function, and makes no module async.

The code is analysed in place: every byte outside the script blocks' contents is blanked (a
space; line breaks kept), so offsets, lines and columns in the script stay those of the file.
A Svelte component's imports are never elided, `import type` aside (svelte's compiler keeps
them; its TypeScript preset sets `verbatimModuleSyntax`). A Vue component's TypeScript is elided
as TypeScript elides it, with the names its template uses counted (`vue_template_names`), unless
the project's tsconfig sets `verbatimModuleSyntax` (the Vue preset does): then kept as written.
Astro and MDX: see their sections below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from .facts import Dialect
from .grammar import parser

# a comment's start, or a script or template tag's name (its attributes are read by _ATTRS)
# (Svelte's <svelte:head> is markup too: a <script> in it is an element of the page's head)
_NEXT = re.compile(rb"<!--|<(/?)(script|template|svelte:head)(?=[\s/>])", re.I)
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
    """The script blocks of a component's source, in order (none inside the template, Svelte's
    <svelte:head> or an HTML comment; a block with `src=` has no contents here). One pass,
    linear in the size."""
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
        if name in (b"template", b"svelte:head"):
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


# ---------------------------------------------------------------------------------------------
# Astro components (.astro)
#
# An Astro component compiles (Astro 7: @astrojs/compiler-rs) to one ES module. Its code is the
# frontmatter: the TypeScript between a `---` fence at the start of the file (white space may
# come before it) and the next `---` outside a string, comment, template literal or regular
# expression (even in the middle of a line). The compiler hoists the frontmatter's import and
# export statements to the module and puts everything else in the component's async render
# function: only an `await` in an exported declaration is a top-level await. It also elides
# imports as TypeScript does (whatever tsconfig says), counting the template's expressions and
# component tags as uses: `astro_template_names` gives the names the template may use.
# Client `<script>` blocks are separate modules of the browser build and not part of this one.

_WORD = re.compile(rb"[A-Za-z_$\x80-\xff][\w$\x80-\xff]*")
_KEY_COLON = re.compile(rb"\s*:(?!:)")
_REGEX_AFTER_WORD = frozenset(
    b"return typeof instanceof in of new delete void throw case do else yield await".split())


def _skip_string(data: bytes, i: int, quote: int) -> int:
    """The offset after a string literal opened at ``i`` (a line break ends a broken one)."""
    n = len(data)
    i += 1
    while i < n:
        c = data[i]
        if c == 0x5C:  # backslash
            i += 2
            continue
        if c == quote:
            return i + 1
        if c == 0x0A:
            return i
        i += 1
    return n


def _skip_regex(data: bytes, i: int) -> int:
    """The offset after a regular expression literal opened at ``i``, or ``i + 1`` when what
    follows cannot be one (a line break comes first)."""
    n = len(data)
    j = i + 1
    in_class = False
    while j < n:
        c = data[j]
        if c == 0x5C:
            j += 2
            continue
        if c == 0x0A:
            return i + 1
        if in_class:
            in_class = c != 0x5D  # ]
        elif c == 0x5B:  # [
            in_class = True
        elif c == 0x2F:  # /
            return j + 1
        j += 1
    return i + 1


class _Code:
    """A small JavaScript lexer: walks code from an offset, skipping strings, comments,
    template literals' text and regular expressions, and calls ``on_word`` for each identifier
    that is not a property name after `.`; stops at a byte sequence the caller asks for."""

    def __init__(self, data: bytes, on_word=None):
        self.data = data
        self.on_word = on_word

    def scan(self, i: int, stop_fence: bool) -> tuple[int, int]:
        """From ``i``: with ``stop_fence``, up to the first `---` in code (returns its offset,
        and the offset after it); else up to the `}` that closes the expression ``i`` is in
        (returns its offset and the offset after it). (len, len) when the end comes first."""
        data, n = self.data, len(self.data)
        on_word = self.on_word
        stack: list[int] = []  # 0: braces of code, 1: a template literal's ${ … }
        prev = b""  # the last significant token (decides whether `/` starts a regex)
        no_regex_before = 0  # a regex that failed to close: no other is tried on its line
        while i < n:
            c = data[i]
            if c in b" \t\r\n":
                i += 1
                continue
            if c == 0x2D and stop_fence and data.startswith(b"---", i):
                return i, i + 3
            if c in b"'\"":
                i = _skip_string(data, i, c)
                prev = b"s"
                continue
            if c == 0x60:  # `
                i = self._template(i + 1, stack)
                prev = b"s"
                continue
            if c == 0x2F:  # /
                nxt = data[i + 1:i + 2]
                if nxt == b"/":
                    j = data.find(b"\n", i)
                    i = n if j < 0 else j
                    continue
                if nxt == b"*":
                    j = data.find(b"*/", i + 2)
                    i = n if j < 0 else j + 2
                    continue
                if i >= no_regex_before and (prev == b"" or prev in _REGEX_AFTER_WORD or not (
                        prev[:1].isalnum() or prev in (b"s", b")", b"]", b"}", b"_", b"$"))):
                    j = _skip_regex(data, i)
                    if j == i + 1:  # (not one: the line ends first)
                        eol = data.find(b"\n", i)
                        no_regex_before = n if eol < 0 else eol
                    i = j
                    prev = b"s"
                    continue
                i += 1
                prev = b"/"
                continue
            if c == 0x7B:  # {
                stack.append(0)
                i += 1
                prev = b"{"
                continue
            if c == 0x7D:  # }
                if not stack:
                    if not stop_fence:
                        return i, i + 1
                    i += 1
                    prev = b"}"
                    continue
                kind = stack.pop()
                if kind == 1:  # the end of a ${ … }: back into the template literal
                    i = self._template(i + 1, stack)
                    prev = b"s"
                    continue
                i += 1
                prev = b"}"
                continue
            m = _WORD.match(data, i)
            if m is not None:
                word = m.group()
                if on_word is not None and not (i > 0 and data[i - 1] == 0x2E and data[i - 3:i] != b"...") \
                        and not (prev in (b"{", b",") and _KEY_COLON.match(data, m.end())):
                    on_word(word)  # (not a property name: `.name`, or `{ name: …` / `, name: …`)
                prev = word
                i = m.end()
                continue
            if c in b"0123456789":
                j = i + 1
                while j < n and (data[j:j + 1].isalnum() or data[j] in b"._"):
                    j += 1
                prev = b"0"
                i = j
                continue
            prev = data[i:i + 1]
            i += 1
        return n, n

    def _template(self, i: int, stack: list[int]) -> int:
        """From inside a template literal's text at ``i``: the offset after its closing `, or
        after a `${` (pushed on ``stack``), whichever comes first."""
        data, n = self.data, len(self.data)
        while i < n:
            c = data[i]
            if c == 0x5C:
                i += 2
                continue
            if c == 0x60:
                return i + 1
            if c == 0x24 and data[i + 1:i + 2] == b"{":
                stack.append(1)
                return i + 2
            i += 1
        return n


def astro_frontmatter(data: bytes) -> tuple[int, int] | None:
    """The byte offsets of an Astro component's frontmatter code (between its fences), or
    None when the file has none (anything but white space before the first `---`, or no
    closing fence)."""
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    n = len(data)
    while i < n and data[i] in b" \t\r\n":
        i += 1
    if not data.startswith(b"---", i):
        return None
    start = i + 3
    end, after = _Code(data).scan(start, stop_fence=True)
    if end >= n:
        return None
    return start, end


_TEMPLATE_NEXT = re.compile(rb"<!--|<(/?)([A-Za-z][\w.:-]*)|\{")
_RAW_TEXT = {b"script": re.compile(rb"</script\s*>", re.I), b"style": re.compile(rb"</style\s*>", re.I)}


def astro_template_names(data: bytes, start: int) -> frozenset:
    """The identifiers an Astro template (``data`` from ``start``) may use as values: every
    identifier in its `{…}` expressions (in text and in attributes, not after a `.`), and the
    first part of each component tag's name (`<Card>`, `<ui.Button>`: a capital letter or a
    dot; other tags are HTML elements). The contents of `<script>` and `<style>` are not the
    template's. Over-counts rather than misses (a word in markup nested in an expression)."""
    names: set[bytes] = set()
    code = _Code(data, names.add)
    n = len(data)
    pos = start
    while pos < n:
        m = _TEMPLATE_NEXT.search(data, pos)
        if m is None:
            break
        tok = m.group()
        if tok == b"<!--":
            end = data.find(b"-->", m.end())
            pos = n if end < 0 else end + 3
            continue
        if tok == b"{":
            _, pos = code.scan(m.end(), stop_fence=False)
            continue
        closing, name = m.group(1), m.group(2)
        pos = m.end()
        if closing:
            continue
        if name[:1].isupper() or b"." in name:
            names.add(name.split(b".", 1)[0])
        # the attributes: quoted values are text, `{…}` are expressions
        while pos < n:
            c = data[pos]
            if c == 0x3E:  # >
                pos += 1
                break
            if c in b"'\"":
                end = data.find(data[pos:pos + 1], pos + 1)
                pos = n if end < 0 else end + 1
            elif c == 0x7B:
                _, pos = code.scan(pos + 1, stop_fence=False)
            else:
                pos += 1
        raw = _RAW_TEXT.get(name.lower())
        if raw is not None and data[pos - 2:pos] != b"/>":
            end = raw.search(data, pos)
            pos = n if end is None else end.end()
    return frozenset(names)


def astro_code(data: bytes) -> tuple[bytes, tuple[int, int] | None, frozenset]:
    """``data`` with everything but the frontmatter's code blanked (same length, same line
    breaks), where that code is, and the names its template may use."""
    fm = astro_frontmatter(data)
    out = bytearray(_BLANK.sub(b" ", data))
    if fm is None:
        return bytes(out), None, astro_template_names(data, 0)
    out[fm[0]:fm[1]] = data[fm[0]:fm[1]]
    return bytes(out), fm, astro_template_names(data, fm[1] + 3)


# ---------------------------------------------------------------------------------------------
# MDX documents (.mdx)
#
# An MDX document compiles (@mdx-js/mdx 3) to one ES module whose code is its ESM blocks: a
# line that starts (in column 0, outside a fenced code block, not continuing a paragraph) with
# `import ` or `export ` starts one, and it runs up to a blank line at which its statements are
# complete. All of it runs at module level (`export const x = await …` is a top-level await);
# imports are JavaScript's, never elided. The rest (markdown, JSX, `{…}` expressions) is the
# document's content function. MDX has no indented code blocks: an indented line is text.

_MDX_FENCE = re.compile(rb" {0,3}(`{3,}|~{3,})")
_MDX_HEADING = re.compile(rb" {0,3}#{1,6}(?:[ \t]|$)")
_MDX_CONTAINER = re.compile(rb" {0,3}(?:[-*+]|\d{1,9}[.)]|>)(?:[ \t]|$)")
_MDX_BREAK = re.compile(rb" {0,3}(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,}|=+[ \t]*)$")


class _Balance:
    """Whether statements read so far are complete (every bracket closed, no template literal
    or block comment open), fed line by line: each byte is read once."""

    def __init__(self) -> None:
        self.depth = 0
        self.stack: list[int] = []  # the depths at which template literals' ${ … } opened
        self.template = False
        self.comment = False

    def feed(self, data: bytes, i: int, end: int) -> bool:
        while i < end:
            c = data[i]
            if self.comment:
                j = data.find(b"*/", i, end)
                if j < 0:
                    return False
                self.comment = False
                i = j + 2
                continue
            if self.template:
                if c == 0x5C:
                    i += 2
                    continue
                if c == 0x60:
                    self.template = False
                elif c == 0x24 and data[i + 1:i + 2] == b"{":
                    self.stack.append(self.depth)
                    self.depth += 1
                    self.template = False
                    i += 2
                    continue
                i += 1
                continue
            if c in b"'\"":
                i = _skip_string(data, i, c)
                continue
            if c == 0x60:
                self.template = True
            elif c == 0x2F and data[i + 1:i + 2] == b"/":
                j = data.find(b"\n", i, end)
                i = end if j < 0 else j
                continue
            elif c == 0x2F and data[i + 1:i + 2] == b"*":
                self.comment = True
                i += 2
                continue
            elif c in b"([{":
                self.depth += 1
            elif c in b")]}":
                self.depth -= 1
                if self.stack and self.depth == self.stack[-1]:
                    self.stack.pop()
                    self.template = True
            i += 1
        return self.depth <= 0 and not self.template and not self.comment and not self.stack


def _mdx_flow_end(data: bytes, i: int) -> Optional[int]:
    """Where a run of JSX tags and `{…}` expressions that starts at ``i`` (a line's first
    non-blank character) and is all its line holds ends (after that line's break); None when
    text shares the line (then it is a paragraph's); -1 when a tag or expression is never
    closed (the document does not compile)."""
    n = len(data)
    while True:
        while i < n and data[i] in b" \t":
            i += 1
        if i >= n or data[i] in b"\r\n":
            nl = data.find(b"\n", i)
            return n if nl < 0 else nl + 1
        c = data[i]
        if c == 0x7B:  # {
            close, after = _Code(data).scan(i + 1, stop_fence=False)
            if close >= n:
                return -1
            i = after
        elif c == 0x3C and (data[i + 1:i + 2].isalpha() or data[i + 1:i + 2] in (b"/", b">")):  # <
            j = i + 1
            while j < n and data[j] != 0x3E:  # >
                if data[j] in b"'\"":
                    k = data.find(data[j:j + 1], j + 1)
                    j = n if k < 0 else k + 1
                elif data[j] == 0x7B:
                    close, j = _Code(data).scan(j + 1, stop_fence=False)
                else:
                    j += 1
            if j >= n:
                return -1
            i = j + 1
        else:
            return None


def mdx_blocks(data: bytes) -> list[tuple[int, int]]:
    """The byte ranges of an MDX document's ESM blocks, in order. One pass over the lines
    (each block's completeness is checked at its blank lines only)."""
    out: list[tuple[int, int]] = []
    n = len(data)
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    fence: Optional[bytes] = None  # the open fence's marker run
    in_para = False
    contained = False  # the paragraph is in a list item or a quote
    unclosed = False  # a tag or expression runs to the end of the document
    while pos < n:
        nl = data.find(b"\n", pos)
        end = n if nl < 0 else nl + 1
        line = data[pos:end].rstrip(b"\r\n")
        if fence is not None:
            m = _MDX_FENCE.match(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            pos = end
            continue
        if not line.strip():
            in_para = False
            pos = end
            continue
        if not in_para and line.startswith((b"import ", b"export ")):
            start = pos
            balance = _Balance()
            complete = balance.feed(data, pos, end)
            while end < n:  # up to a blank line at which the statements are complete
                nl = data.find(b"\n", end)
                nxt_end = n if nl < 0 else nl + 1
                if not data[end:nxt_end].strip() and complete:
                    break
                complete = balance.feed(data, end, nxt_end)
                end = nxt_end
            out.append((start, end))
            pos = end
            continue
        first = pos + len(line) - len(line.lstrip(b" \t"))
        if data[first] in b"<{" and not unclosed:
            flow = _mdx_flow_end(data, first)  # JSX and expressions alone: flow, not text
            if flow == -1:
                unclosed = True  # (once is enough: every later line would read to the end again)
            elif flow is not None:
                in_para = False
                pos = flow
                continue
        m = _MDX_FENCE.match(line)
        if m and not (m.group(1)[:1] == b"`" and b"`" in line[m.end():]):
            fence = m.group(1)
            in_para = False
        elif _MDX_HEADING.match(line) or (_MDX_BREAK.match(line) and not (
                in_para and contained and line.lstrip(b" ").startswith(b"="))):
            # (a `===` under a list item's or quote's text is more of that text: a setext
            # underline cannot continue a paragraph lazily)
            in_para = False
        else:
            if not in_para:
                contained = _MDX_CONTAINER.match(line) is not None
            in_para = True
        pos = end
    return out


def mdx_code(data: bytes) -> bytes:
    """``data`` with everything but its ESM blocks blanked (same length, same line breaks)."""
    out = bytearray(_BLANK.sub(b" ", data))
    for a, b in mdx_blocks(data):
        out[a:b] = data[a:b]
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Vue templates: the names they use
#
# A Vue component whose script is TypeScript goes through the bundler's TypeScript transform
# after @vue/compiler-sfc has inlined the template: without `verbatimModuleSyntax` an import
# used neither by the script nor by the template as a value is elided. The template's uses are
# the identifiers of its `{{ }}` interpolations and directive values (`v-…`, `:…`, `@…`, `#…`),
# its components (`<MyComp>` and `<my-comp>` both name `MyComp`), custom directives
# (`v-focus` names `vFocus`), and `v-bind(…)` in a `<style>`.

_VUE_NEXT = re.compile(rb"<!--|\{\{|</([A-Za-z][\w.:-]*)|<([A-Za-z][\w.:-]*)")
_VUE_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
_JS_NAME = re.compile(rb"[A-Za-z_$][\w$]*")
_VUE_ATTR = re.compile(rb"""\s*([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_VUE_BUILTIN_DIRECTIVES = frozenset(
    b"if else else-if for show bind on model slot html text once pre memo cloak is".split())
_STYLE_V_BIND = re.compile(rb"v-bind\(\s*['\"]?([^)'\"]*)")


def _camel(name: bytes) -> bytes:
    return re.sub(rb"-([a-z0-9])", lambda m: m.group(1).upper(), name)


def vue_template_names(data: bytes, scripts: list[Block]) -> frozenset:
    """The names a Vue component's template (and styles) may use as values: see above.
    ``scripts``: the component's script blocks (not read here). A `v-for` alias is the
    element's own (its attributes and content), a slot's props (`v-slot`, `#name`) its
    content's: a name they declare is not a use of the script's binding there."""
    names: set[bytes] = set()
    # open elements: (tag, the names they declare for their content)
    stack: list[tuple[bytes, frozenset]] = []

    def add(name: bytes) -> None:
        if not any(name in declared for _, declared in stack):
            names.add(name)

    code = _Code(data, add)

    def expression(text: bytes) -> None:
        _Code(text, add).scan(0, stop_fence=False)

    pos = 0
    n = len(data)
    skip = sorted((b.start, b.end) for b in scripts)
    while pos < n:
        inside = next(((a, b) for a, b in skip if a <= pos < b), None)
        if inside is not None:
            pos = inside[1]
            continue
        m = _VUE_NEXT.search(data, pos)
        if m is None:
            break
        block = next(((a, b) for a, b in skip if m.start() < b and a < m.end()), None)
        if block is not None and block[0] <= m.start():
            pos = block[1]
            continue
        tok = m.group()
        if tok == b"<!--":
            end = data.find(b"-->", m.end())
            pos = n if end < 0 else end + 3
            continue
        if tok == b"{{":
            _, pos = code.scan(m.end(), stop_fence=False)
            continue
        if m.group(1) is not None:  # a closing tag: its element's names go out of scope
            closing = m.group(1).lower()
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == closing:
                    del stack[i:]
                    break
            pos = m.end()
            continue
        tag = m.group(2)
        pos = m.end()
        if tag.lower() not in (b"template", b"script", b"style", b"slot", b"component"):
            camel = _camel(tag)
            for name in (tag.split(b".")[0], camel, camel[:1].upper() + camel[1:]):
                add(name)
        # the attributes, up to the tag's end
        attrs: list[tuple[bytes, Optional[bytes]]] = []
        while pos < n and data[pos] not in b">":
            a = _VUE_ATTR.match(data, pos)
            if a is None or a.end() == pos:
                pos += 1
                continue
            pos = a.end()
            attrs.append((a.group(1), a.group(2) or a.group(3) or a.group(4)))
        self_closing = data[pos - 1:pos] == b"/" if pos < n else True
        own: set[bytes] = set()      # a v-for's aliases: the element's own
        content: set[bytes] = set()  # a slot's props: its content's
        for attr, value in attrs:
            if value is None:
                continue
            if attr.startswith(b"v-for"):
                m_in = re.search(rb"\s(?:in|of)\s", value)
                if m_in:
                    own.update(_JS_NAME.findall(value[:m_in.start()]))
            elif attr.startswith((b"#", b"v-slot")):
                content.update(_JS_NAME.findall(value))
        stack.append((tag.lower(), frozenset(own)))
        for attr, value in attrs:
            if attr.startswith(b"v-"):
                name = attr[2:].split(b":")[0].split(b".")[0]
                if name not in _VUE_BUILTIN_DIRECTIVES:
                    add(b"v" + _camel(b"-" + name))
            if value is None or attr.startswith((b"#", b"v-slot")):
                continue  # (a slot's props: names it declares)
            if attr.startswith(b"v-for"):
                m_in = re.search(rb"\s(?:in|of)\s", value)
                declared = stack.pop()  # (the list it walks is outside its aliases' scope)
                expression(value[m_in.end():] if m_in else value)
                stack.append(declared)
            elif attr[:1] in (b":", b"@") or attr.startswith(b"v-"):
                expression(value)
        if self_closing or tag.lower() in _VUE_VOID:
            stack.pop()
        elif content:
            stack[-1] = (stack[-1][0], stack[-1][1] | frozenset(content))
        if tag.lower() == b"style":
            stack.pop()
            end = data.find(b"</style", pos)
            stop = n if end < 0 else end
            for v in _STYLE_V_BIND.findall(data, pos, stop):
                expression(v)
            pos = stop
    return frozenset(names)


# ---------------------------------------------------------------------------------------------
# Per-instance code


def astro_exports(code: bytes) -> list[tuple[int, int]]:
    """The byte ranges of the top-level `export` statements of an Astro frontmatter's code
    (``astro_code``'s): the statements the compiler hoists out of the render function."""
    root = parser(Dialect.TS).parse(code).root_node
    return [(c.start_byte, c.end_byte) for c in root.children if c.type == "export_statement"]


def instance_await_at(data: bytes, dialect, offset: int) -> Optional[tuple[int, int]]:
    """The `await` keyword at ``offset`` of a component's source when it is in code that runs
    per instance or render (Vue's `<script setup>`, a Svelte instance script, an Astro
    frontmatter outside its exported declarations), not at module level; None otherwise."""
    start = offset
    while start > 0 and (data[start - 1:start].isalnum() or data[start - 1:start] in (b"_", b"$")):
        start -= 1
    after = data[start + 5:start + 6]
    if data[start:start + 5] != b"await" or after.isalnum() or after in (b"_", b"$"):
        return None
    if dialect is Dialect.ASTRO:
        code, fm, _ = astro_code(data)
        if fm is None or not fm[0] <= start < fm[1] or \
                any(a <= start < b for a, b in astro_exports(code)):
            return None
    elif dialect in (Dialect.VUE, Dialect.SVELTE):
        if not any(b.start <= start < b.end and not b.module_level
                   for b in blocks(data, dialect is Dialect.SVELTE)):
            return None
    else:
        return None
    return start, start + 5


# -- HTML pages -------------------------------------------------------------------------------

_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_TAG_ATTR = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


_SCRIPT_END = re.compile(r"</script\s*>", re.I)


def _scripts(html: str) -> Iterator[tuple[dict[str, str], str]]:
    """Each `<script>` element of an HTML page outside comments, in order: its attributes
    (names lower-cased) and its text (up to `</script>`; a tag inside a script is its text)."""
    text = _HTML_COMMENT.sub("", html)
    pos = 0
    while True:
        m = _SCRIPT_TAG.search(text, pos)
        if m is None:
            return
        attrs = {k.lower(): (a or b or c or "") for k, a, b, c in _TAG_ATTR.findall(m.group(1))}
        end = _SCRIPT_END.search(text, m.end())
        yield attrs, text[m.end(): end.start() if end else len(text)]
        pos = end.end() if end else len(text)


def _of_type(attrs: dict[str, str], kind: str) -> bool:
    return attrs.get("type", "").strip().lower() == kind


def html_import_maps(html: str) -> list[str]:
    """The text of each inline `<script type="importmap">` of an HTML page (outside comments),
    in order (browsers ignore an import map script with a `src`)."""
    return [body for attrs, body in _scripts(html) if _of_type(attrs, "importmap") and "src" not in attrs]


def inline_module_scripts(html: str) -> list[str]:
    """The text of each inline `<script type="module">` (no `src`) of an HTML page (outside
    comments), in order."""
    return [body for attrs, body in _scripts(html) if _of_type(attrs, "module") and "src" not in attrs]


def module_scripts(html: str) -> list[str]:
    """The `src` of each `<script type="module" src="…">` of an HTML page (outside comments), in
    order, without a query or fragment; absolute URLs left out."""
    out = []
    for attrs, _ in _scripts(html):
        src = attrs.get("src", "")
        if not _of_type(attrs, "module") or not src or "//" in src or ":" in src:
            continue
        src = src.split("?", 1)[0].split("#", 1)[0]
        if src:
            out.append(src)
    return out
