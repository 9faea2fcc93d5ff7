"""Vue, Svelte and Astro components in the editor: the squiggle, the hover and the fixes are in the
component's script block, at the component's own lines; an `await` in `<script setup>` is the
component's, not the module's; editing the template moves nothing."""
from __future__ import annotations

import json

from lsprotocol import types as T

from .conftest import apply_workspace_edit, wait_for
from .test_actions import _actions, _by_title

COMPONENT = ("<template>\n"
             "  <p>{{ db }}</p>\n"
             "</template>\n"
             "\n"
             "<script setup lang=\"ts\">\n"
             "import { db } from '../db'\n"
             "const rows = await fetch('/rows')\n"
             "</script>\n")
FILES = {
    "package.json": json.dumps({"name": "app", "type": "module"}),
    "tsconfig.json": json.dumps({"compilerOptions": {"module": "esnext", "moduleResolution": "bundler"}}),
    "src/db.ts": "export const db = await Promise.resolve(1);\n",
    "src/components/Rows.vue": COMPONENT,
    "src/components/Counter.svelte": "<script>\n  import { db } from '../db'\n</script>\n<p>{db}</p>\n",
    "src/main.ts": "import Rows from './components/Rows.vue';\nexport { Rows };\n",
    "src/pages/index.astro": ("---\nimport Layout from '../layouts/Layout.astro';\nimport { db } from '../db';\n"
                              "const rows = await fetch('/rows');\n---\n<Layout><p>{db}</p></Layout>\n"),
    "src/layouts/Layout.astro": "---\nconst { title } = Astro.props;\n---\n<html><slot /></html>\n",
    "src/components/UsesDb.vue": "<script setup lang=\"ts\">\nimport { db } from '../db'\n</script>\n<template>{{ db }}</template>\n",
}


async def test_component_import_squiggle_hover_and_fixes(lsp):
    s = await lsp(FILES)
    s.open("src/components/Rows.vue")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/components/Rows.vue")] == ["async-import"])
    d = s.diagnostics("src/components/Rows.vue")[0]
    assert d.range.start == T.Position(5, 0) and d.range.end.line == 5
    # (the await in <script setup> makes no top-level-await finding)
    hover = await s.hover("src/components/Rows.vue", 5, 3)
    assert hover is not None and "`../db` has a top-level `await`" in hover.contents.value

    actions = await _actions(s, "src/components/Rows.vue", d.range, [d])
    lazy = _by_title(actions, "Load")
    assert lazy.disabled is not None and "template" in lazy.disabled.reason
    assert not [a for a in actions if a.title.startswith("Convert")]  # no `import type` fix
    ignore = _by_title(actions, "Ignore")
    texts = apply_workspace_edit(s, ignore.edit)
    new = texts[s.uri("src/components/Rows.vue")]
    assert new.splitlines()[5].startswith("// tla-lens-ignore-next-line async-import")
    assert await wait_for(lambda: s.diagnostics("src/components/Rows.vue") == [])

    # the importer of the component is async through it
    s.open("src/main.ts")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/main.ts")] == ["async-import"])


async def test_svelte_component_and_template_edits(lsp):
    s = await lsp(FILES)
    s.open("src/components/Counter.svelte")
    assert await wait_for(lambda: [d.range.start for d in s.diagnostics("src/components/Counter.svelte")]
                          == [T.Position(1, 2)])
    # text typed into the markup, above nothing: the squiggle stays where it is
    s.change("src/components/Counter.svelte", ((3, 3), (3, 3), "count: "))
    assert await wait_for(lambda: [d.range.start for d in s.diagnostics("src/components/Counter.svelte")]
                          == [T.Position(1, 2)])
    # a line added above the script block: it moves down one line
    s.change("src/components/Counter.svelte", ((0, 0), (0, 0), "<svelte:options />\n"))
    assert await wait_for(lambda: [d.range.start for d in s.diagnostics("src/components/Counter.svelte")]
                          == [T.Position(2, 2)])
    # the import removed from the script: no squiggle left
    s.change("src/components/Counter.svelte", ((2, 2), (2, 28), ""))
    assert await wait_for(lambda: s.diagnostics("src/components/Counter.svelte") == [])


async def test_astro_component_frontmatter_and_template(lsp):
    s = await lsp(FILES)
    s.open("src/pages/index.astro")
    # the import of db is kept by the template's {db}; the await is the render function's
    assert await wait_for(lambda: [(d.code, d.range.start) for d in s.diagnostics("src/pages/index.astro")]
                          == [("async-import", T.Position(2, 0))])
    hover = await s.hover("src/pages/index.astro", 2, 3)
    assert hover is not None and "`../db` has a top-level `await`" in hover.contents.value
    d = s.diagnostics("src/pages/index.astro")[0]
    actions = await _actions(s, "src/pages/index.astro", d.range, [d])
    lazy = _by_title(actions, "Load")
    assert lazy.disabled is None and lazy.is_preferred and "when the component renders" in lazy.title
    texts = apply_workspace_edit(s, lazy.edit)
    new = texts[s.uri("src/pages/index.astro")]
    assert new.splitlines()[2] == "const { db } = await import('../db');"
    assert await wait_for(lambda: s.diagnostics("src/pages/index.astro") == [])
    # the import back, then the template no longer using db: Astro's compiler drops the
    # import, and so the problem goes
    s.change("src/pages/index.astro", ((2, 0), (2, 37), "import { db } from '../db';"))
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/pages/index.astro")] == ["async-import"])
    s.change("src/pages/index.astro", ((5, 11), (5, 15), "hi"))
    assert await wait_for(lambda: s.diagnostics("src/pages/index.astro") == [])
    # an exported declaration's await is the module's own top-level await
    s.change("src/pages/index.astro", ((4, 0), (4, 0), "export const n = await Promise.resolve(1);\n"))
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/pages/index.astro")] == ["top-level-await"])


async def test_hover_on_a_components_own_await_says_why_it_is_not_top_level(lsp):
    s = await lsp(FILES)
    s.open("src/components/Rows.vue")
    s.open("src/pages/index.astro")
    assert await wait_for(lambda: s.diagnostics("src/components/Rows.vue") and s.diagnostics("src/pages/index.astro"))
    vue = await s.hover("src/components/Rows.vue", 6, 15)  # const rows = await fetch('/rows')
    assert vue is not None and "not a top-level await" in vue.contents.value and "setup function" in vue.contents.value
    assert vue.range.start == T.Position(6, 13) and vue.range.end == T.Position(6, 18)
    astro = await s.hover("src/pages/index.astro", 3, 14)
    assert astro is not None and "render function" in astro.contents.value
    assert await s.hover("src/components/Rows.vue", 6, 8) is None  # (on `rows`: nothing)
    assert await s.hover("src/components/Rows.vue", 1, 4) is None  # (the template)


async def test_mdx_document_esm_blocks(lsp):
    files = dict(FILES)
    files["src/docs/intro.mdx"] = ("import { db } from '../db'\n\n# Rows\n\n```js\nimport x from './x'\n```\n\n"
                                   "There are {db} rows.\n")
    s = await lsp(files)
    s.open("src/docs/intro.mdx")
    assert await wait_for(lambda: [(d.code, d.range.start) for d in s.diagnostics("src/docs/intro.mdx")]
                          == [("async-import", T.Position(0, 0))])
    # (the import in the code block is text: no unresolved-import for './x')
    d = s.diagnostics("src/docs/intro.mdx")[0]
    actions = await _actions(s, "src/docs/intro.mdx", d.range, [d])
    assert _by_title(actions, "Load").disabled is not None
    # the import made a paragraph's text: no longer ESM, so nothing is async
    s.change("src/docs/intro.mdx", ((0, 0), (0, 0), "Read this:\n"))
    assert await wait_for(lambda: s.diagnostics("src/docs/intro.mdx") == [])


async def test_vue_template_edits_decide_elision_without_verbatim_module_syntax(lsp):
    # (FILES' tsconfig does not set verbatimModuleSyntax: TypeScript elides what nothing uses)
    s = await lsp(FILES)
    s.open("src/components/Rows.vue")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/components/Rows.vue")] == ["async-import"])
    # the template's only use of `db` goes: the import is elided, and the component is not async
    s.change("src/components/Rows.vue", ((1, 8), (1, 10), "rows"))
    assert await wait_for(lambda: s.diagnostics("src/components/Rows.vue") == [])
    # a kebab-case tag of an imported component is a use of it
    s.change("src/components/Rows.vue", ((1, 2), (1, 2), "<uses-db />"))
    s.change("src/components/Rows.vue", ((5, 0), (5, 0), "import UsesDb from './UsesDb.vue'\n"))
    assert await wait_for(lambda: [(d.code, d.range.start.line) for d in s.diagnostics("src/components/Rows.vue")]
                          == [("async-import", 5)])


async def test_component_import_used_only_as_a_type_gets_the_import_type_fix(lsp):
    """Under verbatimModuleSyntax (the Vue preset), and in Svelte always, a class used only as a
    type still loads its module: the quick fix converts the import to `import type`, unless the
    template uses it."""
    files = {
        "package.json": json.dumps({"name": "app", "type": "module"}),
        "tsconfig.json": json.dumps({"compilerOptions": {"verbatimModuleSyntax": True, "moduleResolution": "bundler"}}),
        "src/db.ts": "export class Row { id = 0 }\nexport const db = await Promise.resolve(1);\n",
        "src/Typed.vue": ("<script setup lang=\"ts\">\nimport { Row } from './db'\nconst row: Row = { id: 1 }\n</script>\n"
                          "<template><p>{{ row.id }}</p></template>\n"),
        "src/Shown.vue": ("<script setup lang=\"ts\">\nimport { Row } from './db'\nconst row: Row = { id: 1 }\n</script>\n"
                          "<template><p>{{ Row.name }} {{ row.id }}</p></template>\n"),
        "src/Typed.svelte": ("<script lang=\"ts\">\n  import { Row } from './db'\n  let { row }: { row: Row } = $props()\n"
                             "</script>\n<p>{row.id}</p>\n"),
    }
    s = await lsp(files)
    s.open("src/Shown.vue")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/Shown.vue")] == ["async-import"])
    d = s.diagnostics("src/Shown.vue")[0]
    assert not [a for a in await _actions(s, "src/Shown.vue", d.range, [d]) if a.title.startswith("Convert")]

    s.open("src/Typed.vue")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/Typed.vue")] == ["async-import"])
    d = s.diagnostics("src/Typed.vue")[0]
    convert = _by_title(await _actions(s, "src/Typed.vue", d.range, [d]), "Convert to `import type`")
    assert convert.is_preferred
    texts = apply_workspace_edit(s, convert.edit)
    assert texts[s.uri("src/Typed.vue")].splitlines()[1] == "import type { Row } from './db'"
    assert await wait_for(lambda: s.diagnostics("src/Typed.vue") == [])

    # a Svelte component the same way (its markup does not mention `Row`)
    s.open("src/Typed.svelte")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/Typed.svelte")] == ["async-import"])
    d = s.diagnostics("src/Typed.svelte")[0]
    convert = _by_title(await _actions(s, "src/Typed.svelte", d.range, [d]), "Convert to `import type`")
    texts = apply_workspace_edit(s, convert.edit)
    assert texts[s.uri("src/Typed.svelte")].splitlines()[1] == "  import type { Row } from './db'"
    assert await wait_for(lambda: s.diagnostics("src/Typed.svelte") == [])


async def test_component_lazy_fix_in_an_event_handler(lsp):
    files = {
        "package.json": json.dumps({"name": "app", "type": "module"}),
        "src/db.ts": "export const db = await Promise.resolve(1);\n",
        "src/Rows.svelte": ("<script lang=\"ts\">\n  import { db } from './db'\n  let rows = $state(0)\n"
                            "  function load() {\n    rows = db\n  }\n</script>\n<button onclick={load}>{rows}</button>\n"),
    }
    s = await lsp(files)
    s.open("src/Rows.svelte")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/Rows.svelte")] == ["async-import"])
    d = s.diagnostics("src/Rows.svelte")[0]
    lazy = _by_title(await _actions(s, "src/Rows.svelte", d.range, [d]), "Load")
    assert lazy.disabled is None and lazy.edit is not None
    texts = apply_workspace_edit(s, lazy.edit)
    new = texts[s.uri("src/Rows.svelte")]
    assert "  async function load() {\n    const { db } = await import('./db')\n" in new, new
    assert await wait_for(lambda: s.diagnostics("src/Rows.svelte") == [])
