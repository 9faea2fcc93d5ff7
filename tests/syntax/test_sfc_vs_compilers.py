"""Vue and Svelte single-file components against their own compilers and V8.

The components are compiled as the bundler plugins compile them (tests/syntax/sfc_oracle.mjs:
@vue/compiler-sfc 3.5 with the template inlined and TypeScript 5.9 under verbatimModuleSyntax;
svelte 5's compile) and V8 (Node 26) links the result: which modules have a top-level await and
which are async must be the same for tla-lens analysing the sources. The cases: an import used
only in the template, `import type`, an `await` in `<script setup>` or an instance script (the
component's, not the module's), a module-level `<script>` / `<script module>` / `<script
context="module">` with one, a `<script>` in an HTML comment or in the markup, a component
importing a component, and TypeScript and JavaScript blocks.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tla_lens.config import Config
from tla_lens.project import analyse

HERE = Path(__file__).resolve().parent

FILES = {
    "package.json": '{"type": "module"}',
    "src/db.ts": "export const db: number = await Promise.resolve(1);\n",
    "src/sync.ts": "export const s = 1;\n",
    "src/types.ts": "export interface Row { id: number }\nexport const ROW = 1;\n",
    "src/vue/UsesDb.vue": (
        "<template>\n  <div>{{ db }}</div>\n  <!-- <script>await 1</script> -->\n</template>\n\n"
        "<script setup lang=\"ts\">\n"
        "import { db } from '../db.ts'\n"
        "import type { Row } from '../types.ts'\n"
        "const rows: Row[] = await fetch('/rows').then((r) => r.json())\n"
        "</script>\n\n<style scoped>\n.a { color: red }\n</style>\n"),
    "src/vue/ModuleAwait.vue": (
        "<script>\nexport const config = await Promise.resolve(2)\n</script>\n"
        "<script setup>\nimport { s } from '../sync.ts'\n</script>\n"
        "<template><p>{{ s }}</p></template>\n"),
    "src/vue/SetupAwait.vue": (
        "<script setup lang=\"ts\">\nimport { s } from '../sync.ts'\n"
        "const r = await fetch('/r')\n</script>\n<template><p>{{ s }}</p></template>\n"),
    "src/vue/Parent.vue": (
        "<template><UsesDb /></template>\n<script setup>\nimport UsesDb from './UsesDb.vue'\n</script>\n"),
    "src/vue/TypeOnly.vue": (
        "<script setup lang=\"ts\">\nimport type { Row } from '../types.ts'\n"
        "import { ROW } from '../types.ts'\nconst r: Row = { id: ROW }\n</script>\n"
        "<template><p>{{ r.id }}</p></template>\n"),
    "src/vue/ModuleTs.vue": (
        "<script lang=\"ts\">\nimport { db } from '../db.ts'\nexport const twice: number = db * 2\n</script>\n"
        "<script setup lang=\"ts\">\nconst x: number = 1\n</script>\n<template><i>{{ x }}</i></template>\n"),
    "src/svelte/Instance.svelte": (
        "<script lang=\"ts\">\n  import { db } from '../db.ts'\n</script>\n\n<p>{db}</p>\n"),
    "src/svelte/ModuleAwait.svelte": (
        "<script module>\n  export const config = await Promise.resolve(3)\n</script>\n\n"
        "<script>\n  import { s } from '../sync.ts'\n</script>\n\n<p>{s}</p>\n"),
    "src/svelte/Context.svelte": (
        "<script context=\"module\">\n  export const c = await Promise.resolve(4)\n</script>\n\n<p>{c}</p>\n"),
    "src/svelte/Plain.svelte": (
        "<script>\n  import { s } from '../sync.ts'\n  let n = $state(s)\n</script>\n\n"
        "<button onclick={() => n++}>{n}</button>\n<!-- <script module>await 1</script> -->\n"),
    # a <script> in <svelte:head> is an element of the page's head, not the component's code
    "src/svelte/Head.svelte": (
        "<script>\n  import { s } from '../sync.ts'\n</script>\n<svelte:head>\n"
        "  <script>import { db } from '../db.ts'</script>\n</svelte:head>\n<p>{s}</p>\n"),
    "src/main.ts": (
        "import UsesDb from './vue/UsesDb.vue'\nimport ModuleAwait from './vue/ModuleAwait.vue'\n"
        "import SetupAwait from './vue/SetupAwait.vue'\nimport Parent from './vue/Parent.vue'\n"
        "import TypeOnly from './vue/TypeOnly.vue'\n"
        "export { UsesDb, ModuleAwait, SetupAwait, Parent, TypeOnly }\n"),
    "src/app.ts": (
        "import Instance from './svelte/Instance.svelte'\nimport Plain from './svelte/Plain.svelte'\n"
        "export { Instance, Plain }\n"),
}


def compiled_verdicts(node26, root: Path, modules: list[str], allow_errors: bool = False, **compilers: str) -> dict:
    """{file: {tla, async}} from sfc_oracle.mjs: the components compiled by the compilers
    given (environment variables: TS5, VUE_SFC, SVELTE, ASTRO, MDX) and linked by V8
    (``allow_errors``: a file that does not compile or link is {error} instead of failing)."""
    proc = subprocess.run([str(node26), "--experimental-vm-modules", "--no-warnings", str(HERE / "sfc_oracle.mjs")],
                          input=json.dumps({"root": str(root), "files": modules}), capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, **compilers))
    assert proc.returncode == 0, proc.stderr
    v8 = json.loads(proc.stdout)
    assert allow_errors or not [f for f, r in v8.items() if "error" in r], v8
    return v8


def our_verdicts(root: Path, modules: list[str]) -> dict:
    project = analyse(root, Config(), cache=False)
    return {f: {"tla": project.modules[root / f].has_tla, "async": project.modules[root / f].is_async}
            for f in modules}


def test_components_are_async_exactly_when_their_compiled_modules_are(node26, ts5, engines_node_modules, workspace):
    root = workspace(FILES)
    modules = sorted(f for f in FILES if f.endswith((".ts", ".vue", ".svelte")))
    v8 = compiled_verdicts(node26, root, modules, TS5=str(ts5),
                           VUE_SFC=str(engines_node_modules / "@vue" / "compiler-sfc"),
                           SVELTE=(engines_node_modules / "svelte" / "src" / "compiler" / "index.js").as_uri())
    assert our_verdicts(root, modules) == {f: v8[f] for f in modules}
    # the cases do what they are there for
    assert v8["src/vue/UsesDb.vue"] == {"tla": False, "async": True}        # template-only use, setup await
    assert v8["src/vue/SetupAwait.vue"] == {"tla": False, "async": False}
    assert v8["src/vue/ModuleAwait.vue"]["tla"] and v8["src/svelte/ModuleAwait.svelte"]["tla"]
    assert v8["src/svelte/Instance.svelte"]["async"] and not v8["src/svelte/Plain.svelte"]["async"]
    assert not v8["src/svelte/Head.svelte"]["async"]
