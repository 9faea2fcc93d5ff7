"""Finding the script blocks of a component, and blanking the rest in place."""
from __future__ import annotations

from tla_lens.syntax import Dialect, extract
from tla_lens.syntax.sfc import blocks, code


def test_blocks_outside_templates_and_comments_with_their_kind():
    src = (b"<template>\n  <template v-if=\"x\"><script>not code</script></template>\n</template>\n"
           b"<!-- <script>nor this</script> -->\n"
           b"<script lang='ts' setup>\nconst a = 1\n</script>\n"
           b"<script src=\"./external.js\"></script>\n"
           b"<SCRIPT>\nexport const b = 2\n</SCRIPT >\n")
    found = blocks(src, svelte=False)
    assert [(src[b.start:b.end], b.lang, b.module_level) for b in found] == [
        (b"\nconst a = 1\n", "ts", False), (b"\nexport const b = 2\n", "js", True)]


def test_svelte_module_scripts_and_an_unclosed_block():
    src = b'<script context="module">a</script><script module lang="ts">b</script><script>c'
    assert [(src[b.start:b.end], b.module_level) for b in blocks(src, svelte=True)] == [
        (b"a", True), (b"b", True), (b"c", False)]


def test_code_keeps_offsets_and_line_breaks():
    src = "<template>\r\n  <p>é {{ x }}</p>\r\n</template>\r\n<script>\r\nimport x from './x.js'\r\n</script>\r\n".encode()
    masked, _ = code(src, svelte=False)
    assert len(masked) == len(src) and masked.count(b"\r\n") == src.count(b"\r\n")
    start = src.index(b"import")
    assert masked[start:start + 22] == b"import x from './x.js'"
    assert masked.replace(b" ", b"").replace(b"\r\n", b"") == b"importxfrom'./x.js'"


def test_extraction_positions_are_the_components():
    src = b"<template><A/></template>\n<script setup>\nimport A from './A.vue'\nawait 1\n</script>\n"
    facts = extract(src, Dialect.VUE)
    (imp,) = facts.imports
    assert src[imp.specifier_span.start:imp.specifier_span.end] == b"'./A.vue'"
    assert not facts.tla  # the setup function's await
    # nothing in a component that is not a component: the same text as a .js file has the await
    assert len(extract(b"import A from './A.vue'\nawait 1\n", Dialect.JS).tla) == 1


def test_hostile_markup_is_read_in_one_pass():
    # unclosed quotes, comments and tags by the thousand (each once made the reader quadratic:
    # minutes for these); a `>` inside a quoted attribute does not end the tag
    for src in (b'<script a="' * 5000, b"<!--" * 5000, b"<template>" * 5000 + b"<script>x</script>",
                b"<script>" * 5000, b'<script setup lang="ts" generic="T extends Map<K, V>">\nimport a from "a"\n</script>'):
        masked, found = code(src, svelte=False)
        assert len(masked) == len(src)
    assert [src[b.start:b.end] for b in found] == [b'\nimport a from "a"\n']
