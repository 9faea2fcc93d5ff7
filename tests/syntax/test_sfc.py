"""Finding the script blocks of a component, and blanking the rest in place."""
from __future__ import annotations

import json

from tla_lens.syntax import Dialect, extract
from tla_lens.syntax.sfc import astro_code, astro_frontmatter, astro_template_names, blocks, code, mdx_blocks, mdx_code


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


# Astro components (held to Astro's compiler in test_astro_vs_compiler.py)

def test_astro_frontmatter_after_white_space_and_its_fences():
    assert astro_frontmatter(b"\xef\xbb\xbf \r\n---\r\nimport a from './a'\r\n---\r\n<p/>") == (9, 32)
    assert astro_frontmatter(b"---import a from './a';---<p/>") == (3, 23)
    for none in (b"<!-- c -->\n---\nx\n---\n", b"<p/>\n---\nx\n---\n", b"---\nimport a from './a'\n", b""):
        assert astro_frontmatter(none) is None
    # `---` in code, even mid-line, ends it; in strings, template literals, regexes, comments not
    src = b"---\nconst t = `${'---'}\n---`;\nconst r = /[/]---/;\n// ---\n/* --- */\nlet x = 1; x---x\n"
    start, end = astro_frontmatter(src)
    assert src[end:] == b"---x\n"


def test_astro_code_keeps_offsets_and_extraction_is_the_frontmatters():
    src = ("---\r\nimport é from './é.ts'\r\nexport const a = await é\r\nconst b = await é\r\n---\r\n"
           "<p>{b}</p>\r\n<script>\r\nimport c from './c.ts'\r\nawait c\r\n</script>\r\n").encode()
    masked, fm, names = astro_code(src)
    assert len(masked) == len(src) and masked.count(b"\r\n") == src.count(b"\r\n")
    assert b"./c.ts" not in masked and masked[fm[0]:fm[1]] == src[fm[0]:fm[1]]
    facts = extract(src, Dialect.ASTRO)
    assert [i.specifier for i in facts.imports] == ["./é.ts"]
    # only the exported declaration's await is the module's
    (site,) = facts.tla
    assert src[:site.keyword.start].count(b"\r\n") == 2


def test_astro_template_names_are_expressions_and_component_tags():
    src = (b"<Card title=\"{quoted}\" n={attr} {...spread} />\n<ui.Button/>\n<div>text {expr.prop}</div>\n"
           b"<!-- {commented} <Hidden/> -->\n<style>.x { color: styled }</style>\n"
           b"<script define:vars={{ vars }}>\nconsole.log(client)\n</script>\n"
           b"{list.map((i) => <Item v={i} />)}\n{`tpl ${inTpl}`} {'str'}\n")
    assert astro_template_names(src, 0) == {b"Card", b"attr", b"spread", b"ui", b"expr", b"vars", b"list",
                                             b"i", b"Item", b"v", b"inTpl"}


def test_hostile_astro_input_is_read_in_linear_time():
    for src in (b"---\n" + b"/[" * 20000, b"---\n" + b"`${" * 20000, b"---\n" + b"'" * 40000, b"---\n" + b"{" * 40000,
                b"---\n---\n" + b"<A " * 20000, b"---\n---\n" + b"{`${" * 20000, b"---\n" + b"x / / " * 20000,
                b"---\n---\n" + b"<script></script>" * 20000, b"---\n---\n" + b"<style>" * 20000):
        masked, _, _ = astro_code(src)
        assert len(masked) == len(src)


# MDX documents (held to @mdx-js/mdx in test_mdx_vs_compiler.py)

def test_mdx_esm_blocks_keep_offsets_and_are_module_code():
    src = ("---\ntitle: x\n---\nimport é from './é.js'\r\nexport const a = await é\r\n\r\n"
           "# {a}\n\n```js\nimport b from './b.js'\nawait b\n```\n\n{await a}\n").encode()
    masked = mdx_code(src)
    assert len(masked) == len(src) and masked.count(b"\n") == src.count(b"\n")
    ((start, end),) = mdx_blocks(src)
    assert src[start:end] == "import é from './é.js'\r\nexport const a = await é\r\n".encode()
    facts = extract(src, Dialect.MDX)
    assert [i.specifier for i in facts.imports] == ["./é.js"]
    (site,) = facts.tla  # the exported declaration's; the content's `{await a}` is not code here
    assert src[:site.keyword.start].count(b"\n") == 4


def test_hostile_mdx_input_is_read_in_linear_time():
    for src in (b"export const a = {\n" + b"\n" * 50000, b"export const t = `\n" + b"${\n\n" * 20000,
                b"```\n" * 30000, b"import x\n\n" * 20000, b"export /*\n\n" * 20000, b"{\n" * 20000,
                b"<A b='\n" * 20000, b"<A {\n" * 20000, b"text\n{x}\n" * 20000):
        assert len(mdx_code(src)) == len(src)


def test_html_pages_import_maps_and_inline_module_scripts():
    from tla_lens.syntax.sfc import html_import_maps, inline_module_scripts, module_scripts

    page = ('<!doctype html><SCRIPT TYPE="importmap">{"imports": {"a": "./a.js"}}</SCRIPT>\n'
            '<!-- <script type="importmap">{"imports": {"gone": "./x.js"}}</script> -->\n'
            '<script type="importmap" src="./external.json"></script>\n'   # (browsers ignore it)
            "<script type='importmap'>{\"imports\": {\"b\": \"./b.js\"}}</script >\n"
            '<script type="module" src="./main.js?v=2"></script>\n'
            '<script type="module">import "a";\nimport { b } from "b";</script>\n'
            '<script>import "not-a-module";</script>\n'
            '<script type="module">import "last"')  # (unclosed at the end of the page)
    assert [json.loads(t) for t in html_import_maps(page)] == [{"imports": {"a": "./a.js"}},
                                                            {"imports": {"b": "./b.js"}}]
    assert inline_module_scripts(page) == ['import "a";\nimport { b } from "b";', 'import "last"']
    assert module_scripts(page) == ["./main.js"]
    # a tag inside a script is the script's text, not an element
    quoted = '<script>const t = `<script type="module" src="./fake.js">`;</script><script type="module" src="./real.js"></script>'
    assert module_scripts(quoted) == ["./real.js"]
