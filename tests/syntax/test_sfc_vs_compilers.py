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
    # (the Vue TypeScript preset's setting, which the oracle's TypeScript transform uses)
    "tsconfig.json": '{"compilerOptions": {"verbatimModuleSyntax": true}}',
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


# Without verbatimModuleSyntax, TypeScript elides what neither a Vue component's script nor its
# template uses as a value; the template's uses are interpolations, directive values, component
# tags (PascalCase or kebab-case), custom directives and `v-bind()` in styles.
ELIDING = {
    "package.json": '{"type": "module"}',
    "tsconfig.json": '{"compilerOptions": {"strict": true}}',
    "src/db.ts": "export const db: number = await Promise.resolve(1);\nexport interface Row { id: number }\n"
                 "export const vFocus = { mounted() {} };\nexport const theme = 'red';\nexport default db;\n",
    "src/Widget.vue": "<script setup lang=\"ts\">\nimport db from './db.ts'\n</script>\n<template><i>{{ db }}</i></template>\n",
    "src/TypeOnly.vue": ("<script setup lang=\"ts\">\nimport { Row } from './db.ts'\nconst r: Row = { id: 1 }\n</script>\n"
                         "<template><p>{{ r.id }}</p></template>\n"),
    "src/Unused.vue": "<script setup lang=\"ts\">\nimport { db } from './db.ts'\n</script>\n<template><p>db</p></template>\n",
    "src/PlainAttr.vue": ("<script setup lang=\"ts\">\nimport { db } from './db.ts'\n</script>\n"
                          "<template><p title=\"db\">x</p><!-- {{ db }} --></template>\n"),
    "src/Interpolated.vue": ("<script setup lang=\"ts\">\nimport { db } from './db.ts'\n</script>\n"
                             "<template><p>{{ db + 1 }}</p></template>\n"),
    "src/Bound.vue": ("<script setup lang=\"ts\">\nimport { db } from './db.ts'\n</script>\n"
                      "<template><p :title=\"String(db)\">x</p></template>\n"),
    "src/Handler.vue": ("<script setup lang=\"ts\">\nimport { db } from './db.ts'\n</script>\n"
                        "<template><button @click=\"console.log(db)\">x</button></template>\n"),
    "src/Kebab.vue": ("<script setup lang=\"ts\">\nimport Widget from './Widget.vue'\n</script>\n"
                      "<template><widget /></template>\n"),
    "src/Pascal.vue": ("<script setup lang=\"ts\">\nimport Widget from './Widget.vue'\n</script>\n"
                       "<template><Widget /></template>\n"),
    "src/Directive.vue": ("<script setup lang=\"ts\">\nimport { vFocus } from './db.ts'\n</script>\n"
                          "<template><input v-focus /></template>\n"),
    "src/StyleBind.vue": ("<script setup lang=\"ts\">\nimport { theme } from './db.ts'\n</script>\n"
                          "<template><p class=\"t\">x</p></template>\n<style scoped>\n.t { color: v-bind(theme) }\n</style>\n"),
    "src/ScriptUse.vue": ("<script lang=\"ts\">\nimport { db } from './db.ts'\nexport const twice = db * 2\n</script>\n"
                          "<template><p>x</p></template>\n"),
    "src/JsBlock.vue": "<script setup>\nimport { db } from './db.ts'\n</script>\n<template><p>x</p></template>\n",
}


def test_vue_typescript_without_verbatim_module_syntax_elides_as_typescript_does(node26, ts5, engines_node_modules,
                                                                                 workspace):
    root = workspace(ELIDING)
    modules = sorted(f for f in ELIDING if f.endswith((".ts", ".vue")))
    v8 = compiled_verdicts(node26, root, modules, TS5=str(ts5), TS_VERBATIM="0",
                           VUE_SFC=str(engines_node_modules / "@vue" / "compiler-sfc"))
    assert our_verdicts(root, modules) == {f: v8[f] for f in modules}
    comp = lambda name: v8[f"src/{name}.vue"]["async"]  # noqa: E731
    assert not any(comp(n) for n in ("TypeOnly", "Unused", "PlainAttr"))
    assert all(comp(n) for n in ("Widget", "Interpolated", "Bound", "Handler", "Kebab", "Pascal", "Directive",
                                 "StyleBind", "ScriptUse", "JsBlock"))


def _random_vue(seed: int, count: int) -> dict[str, str]:
    """Vue components (TypeScript, no verbatimModuleSyntax) from random pieces: one import of
    its own async module, used (or not) in one of many ways amid decoys."""
    import random

    rnd = random.Random(seed)
    uses = ["<p>{{ v }}</p>", "<p :title=\"v\">x</p>", "<p v-bind:title=\"v\">x</p>", "<b @click=\"v()\">x</b>",
            "<p v-if=\"v\">x</p>", "<li v-for=\"i in v\">{{ i }}</li>", "<p title=\"v\">x</p>", "<p>v</p>",
            "<!-- {{ v }} -->", "<p>{{ 'v' }}</p>", "<p>{{ o.v }}</p>", "<V />", "<v-x />", "<p v-v />",
            "<p :class=\"{ v: true }\">x</p>", "<component :is=\"v\" />", "<p>{{ `${v}` }}</p>",
            "<Comp v-slot=\"{ v }\">x</Comp>", "<p v-for=\"v in [1]\">x</p>", "<p :x=\"{ a: v }\" />",
            "<p :x=\"c ? v : 1\" />", "<p :x=\"{ v }\" />",
            # scopes: a v-for alias or a slot prop named like the import hides it inside its element
            "<li v-for=\"v in [1]\">{{ v }}</li>", "<li v-for=\"(v, k) in [1]\" :key=\"v\">x</li>",
            "<Comp v-slot=\"{ v }\">{{ v }}</Comp>", "<Comp #default=\"{ v }\"><b>{{ v }}</b></Comp>",
            "<p><i v-for=\"v in [1]\">x</i>{{ v }}</p>", "<Comp v-slot=\"{ v }\" /><p>{{ v }}</p>",
            "<li v-for=\"w in [v]\">{{ w }}</li>", "<Comp #default=\"{ w }\" :x=\"v\">{{ w }}</Comp>",
            "<li v-for=\"v in [1]\"><input :value=\"v\"><b>{{ v }}</b></li>"]
    script_uses = ["", "", "const t: V = 1 as any", "console.log(v)", "const s = 'v'", "// v", "function f() { return v }"]
    files = {}
    for i in range(count):
        local = rnd.choice(["v", "V", "vV", "VX"])
        clause = rnd.choice([f"{{ {local} }}", f"{{ value as {local} }}", f"{local}", f"* as {local}"])
        if clause == f"{{ {local} }}":
            clause = f"{{ value as {local} }}"
        template = rnd.choice(uses)
        script = rnd.choice(script_uses)
        files[f"src/c{i}.vue"] = (f"<script setup lang=\"ts\">\nimport {clause} from './a/m{i}.ts'\n{script}\n"
                                  f"type V = number\nconst o = {{ v: 1 }}\n</script>\n"
                                  f"<template><div>{template}</div></template>\n")
        files[f"src/a/m{i}.ts"] = "export const value = await Promise.resolve(1);\nexport default value;\n"
    return files


def test_random_vue_components_elide_as_typescript_does(node26, ts5, engines_node_modules, workspace):
    files = {"package.json": '{"type": "module"}', "tsconfig.json": '{"compilerOptions": {}}',
             **_random_vue(seed=5, count=150)}
    root = workspace(files)
    modules = sorted(f for f in files if f.endswith((".ts", ".vue")))
    v8 = compiled_verdicts(node26, root, modules, allow_errors=True, TS5=str(ts5), TS_VERBATIM="0",
                           VUE_SFC=str(engines_node_modules / "@vue" / "compiler-sfc"))
    compiled = [f for f in modules if "error" not in v8[f]]
    assert len(compiled) > 200
    ours = our_verdicts(root, modules)
    wrong = {f: (ours[f], v8[f], files[f]) for f in compiled if ours[f] != v8[f]}
    assert not wrong, "\n\n".join(f"{f}: ours {o}, engine {e}\n{text}" for f, (o, e, text) in wrong.items())
    comps = [f for f in compiled if f.endswith(".vue")]
    assert 20 < sum(v8[f]["async"] for f in comps) < len(comps) - 20


def test_vue_import_type_fix_makes_the_compiled_component_synchronous(node26, ts5, engines_node_modules, workspace):
    """The "Convert to `import type`" quick fix in a Vue component (verbatimModuleSyntax, the
    Vue preset, where a type-only use still loads the module): @vue/compiler-sfc + TypeScript +
    V8 say the component is async before the fix and synchronous after it, as tla-lens does."""
    from tla_lens.fixes import Fix, apply_edits, import_type
    from tla_lens.syntax import Dialect, extract

    component = ("<script setup lang=\"ts\">\nimport { ref } from 'vue'\nimport { Row, db } from '../db.ts'\n"
                 "const row: Row = { id: 1 }\nconst rows = ref<Row[]>([])\n</script>\n\n"
                 "<template>\n  <p>{{ row.id }} {{ rows.length }}</p>\n</template>\n")
    files = {
        "package.json": json.dumps({"type": "module"}),
        "tsconfig.json": json.dumps({"compilerOptions": {"verbatimModuleSyntax": True}}),
        # (a class: a value the component uses only as a type, which verbatimModuleSyntax keeps)
        "src/db.ts": "export class Row { id = 0 }\nexport const db = await Promise.resolve(1);\n",
        "src/vue/Typed.vue": component,
    }
    compilers = dict(TS5=str(ts5), VUE_SFC=str(engines_node_modules / "@vue" / "compiler-sfc"))
    modules = ["src/db.ts", "src/vue/Typed.vue"]
    root = workspace(files)
    before = compiled_verdicts(node26, root, modules, **compilers)
    assert before["src/vue/Typed.vue"] == {"tla": False, "async": True}
    assert our_verdicts(root, modules) == before

    index = [i.specifier for i in extract(component.encode(), Dialect.VUE).imports].index("../db.ts")
    fix = import_type(component.encode(), Dialect.VUE, index)
    assert isinstance(fix, Fix), fix
    (root / "src/vue/Typed.vue").write_bytes(apply_edits(component.encode(), fix.edits))
    after = compiled_verdicts(node26, root, modules, **compilers)
    assert after["src/vue/Typed.vue"] == {"tla": False, "async": False}
    assert our_verdicts(root, modules) == after


def test_svelte_import_type_fix_makes_the_compiled_component_synchronous(node26, ts5, engines_node_modules, workspace):
    """The same fix in a Svelte component: svelte 5 strips the types but keeps the imports as
    written, so a class used only as a type loads its module; after the fix it does not."""
    from tla_lens.fixes import Fix, apply_edits, import_type
    from tla_lens.syntax import Dialect

    component = ("<script lang=\"ts\">\n  import { Row } from '../db.ts'\n"
                 "  let { row }: { row: Row } = $props()\n</script>\n\n<p>{row.id}</p>\n")
    files = {
        "package.json": json.dumps({"type": "module"}),
        "src/db.ts": "export class Row { id = 0 }\nexport const db = await Promise.resolve(1);\n",
        "src/svelte/Typed.svelte": component,
    }
    compilers = dict(TS5=str(ts5), SVELTE=(engines_node_modules / "svelte" / "src" / "compiler" / "index.js").as_uri())
    modules = ["src/db.ts", "src/svelte/Typed.svelte"]
    root = workspace(files)
    before = compiled_verdicts(node26, root, modules, **compilers)
    assert before["src/svelte/Typed.svelte"] == {"tla": False, "async": True}
    assert our_verdicts(root, modules) == before
    fix = import_type(component.encode(), Dialect.SVELTE, 0)
    assert isinstance(fix, Fix), fix
    (root / "src/svelte/Typed.svelte").write_bytes(apply_edits(component.encode(), fix.edits))
    after = compiled_verdicts(node26, root, modules, **compilers)
    assert after["src/svelte/Typed.svelte"] == {"tla": False, "async": False}
    assert our_verdicts(root, modules) == after


def test_component_lazy_fixes_make_the_compiled_components_synchronous(node26, ts5, engines_node_modules, workspace):
    """The "Load lazily with import()" fix in a Svelte component (an event handler) and a Vue one
    (a function of <script setup>): compiled by svelte / @vue/compiler-sfc + TypeScript and
    linked by V8, each is async before the fix and synchronous after it, and still compiles."""
    from tla_lens.fixes import Fix, apply_edits, lazy_import
    from tla_lens.syntax import Dialect

    svelte = ("<script lang=\"ts\">\n  import { db } from '../db.ts';\n  let rows = $state(0);\n"
              "  function load() {\n    rows = db;\n  }\n</script>\n\n<button onclick={load}>{rows}</button>\n")
    vue = ("<template>\n  <button @click=\"save\">Save</button>\n</template>\n\n<script setup lang=\"ts\">\n"
           "import { db } from '../db.ts'\nasync function save() {\n  console.log(db)\n}\n</script>\n")
    files = {
        "package.json": json.dumps({"type": "module"}),
        "tsconfig.json": json.dumps({"compilerOptions": {"verbatimModuleSyntax": True}}),
        "src/db.ts": "export const db = await Promise.resolve(1);\n",
        "src/svelte/Lazy.svelte": svelte,
        "src/vue/Lazy.vue": vue,
    }
    compilers = dict(TS5=str(ts5), VUE_SFC=str(engines_node_modules / "@vue" / "compiler-sfc"),
                     SVELTE=(engines_node_modules / "svelte" / "src" / "compiler" / "index.js").as_uri())
    modules = ["src/db.ts", "src/svelte/Lazy.svelte", "src/vue/Lazy.vue"]
    root = workspace(files)
    before = compiled_verdicts(node26, root, modules, **compilers)
    assert before["src/svelte/Lazy.svelte"]["async"] and before["src/vue/Lazy.vue"]["async"]
    assert our_verdicts(root, modules) == before
    for rel, dialect, text in (("src/svelte/Lazy.svelte", Dialect.SVELTE, svelte), ("src/vue/Lazy.vue", Dialect.VUE, vue)):
        fix = lazy_import(text.encode(), dialect, 0)
        assert isinstance(fix, Fix), fix
        (root / rel).write_bytes(apply_edits(text.encode(), fix.edits))
    after = compiled_verdicts(node26, root, modules, **compilers)
    assert not after["src/svelte/Lazy.svelte"]["async"] and not after["src/vue/Lazy.vue"]["async"]
    assert our_verdicts(root, modules) == after
