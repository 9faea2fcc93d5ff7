"""import_type: `import {T}` -> `import type {T}` when every binding is used only as a type."""
from __future__ import annotations

import pytest

from tla_lens.fixes import Fix, Refusal, apply_edits, import_type
from tla_lens.syntax import Dialect, extract

from .helpers import apply_fix, refused

TS, TSX, JS = Dialect.TS, Dialect.TSX, Dialect.JS


def convert(src: str, dialect: Dialect = TS, index: int = 0) -> str:
    fix = import_type(src.encode(), dialect, index)
    assert isinstance(fix, Fix), fix
    assert fix.title == "Convert to `import type`" and fix.preferred and fix.functions_made_async == []
    out = apply_fix(fix, src, dialect)
    spec = extract(src.encode(), dialect).imports[index].specifier
    for imp in extract(out.encode(), dialect).imports:
        if imp.specifier == spec:
            assert imp.type_only and not imp.carries_async(True)
    return out


def test_named():
    assert convert("import { A, B } from './m';\nlet a: A; let b: B<A>;\n") == (
        "import type { A, B } from './m';\nlet a: A; let b: B<A>;\n"
    )


def test_default_and_namespace():
    assert convert('import X from "./x"\nexport function f(x: X) {}\n') == (
        'import type X from "./x"\nexport function f(x: X) {}\n'
    )
    assert convert("import * as ns from './ns';\ntype T = ns.Thing;\n") == (
        "import type * as ns from './ns';\ntype T = ns.Thing;\n"
    )


def test_unused_bindings_and_typeof_in_types():
    assert convert("import { A, cfg } from './m';\nlet c: typeof cfg;\n") == (
        "import type { A, cfg } from './m';\nlet c: typeof cfg;\n"
    )


def test_inline_type_modifiers_are_dropped():
    assert convert("import { type A, B as C } from './m';\nlet c: C<A>;\n") == (
        "import type { A, B as C } from './m';\nlet c: C<A>;\n"
    )


def test_default_plus_named_splits_in_two():
    assert convert("import X, { A } from './m'; // note\nlet x: X<A>;\n") == (
        "import type X from './m';\nimport type { A } from './m'; // note\nlet x: X<A>;\n"
    )


def test_tsx_and_implements():
    src = "import { Props, Base } from './p';\nexport class C implements Base {\n  render(p: Props) { return <div />; }\n}\n"
    assert convert(src, TSX).startswith("import type { Props, Base } from './p';\n")


@pytest.mark.parametrize(
    "src, dialect, fragment",
    [
        ("import { A } from './m';\nnew A();\n", TS, "`A` is used as a value (line 2)"),
        ("import { A, B } from './m';\nlet a: A;\nfunction f() { return B; }\n", TS, "`B` is used as a value (line 3)"),
        ("import { A } from './m';\nexport { A };\n", TS, "`A` is re-exported (line 2)"),
        ("import { A } from './m';\nlet a: A;\n", JS, "TypeScript"),
        ("import type { A } from './m';\nlet a: A;\n", TS, "already"),
        ("import './m';\n", TS, "side-effect"),
        ("export { A } from './m';\n", TS, "only `import` statements"),
    ],
)
def test_refusals(src, dialect, fragment):
    result = import_type(src.encode(), dialect, 0)
    refused(result, fragment)
    assert result.title == "Convert to `import type`"


# -- Vue components (TypeScript script blocks; the template's names are value uses) -------------

VUE = Dialect.VUE


def convert_vue(src: str, index: int = 0) -> str:
    fix = import_type(src.encode(), VUE, index)
    assert isinstance(fix, Fix), fix
    out = apply_edits(src.encode(), fix.edits).decode()
    spec = extract(src.encode(), VUE).imports[index].specifier
    facts = extract(out.encode(), VUE)
    assert not facts.has_syntax_errors, out
    (imp,) = [i for i in facts.imports if i.specifier == spec]
    assert imp.type_only and not imp.carries_async(True) and not imp.carries_async(False)
    return out


def test_vue_script_setup_type_only_use():
    src = ("<script setup lang=\"ts\">\nimport { Row, load } from './rows'\n"
           "const props = defineProps<{ row: Row }>()\n</script>\n\n"
           "<template>\n  <p>{{ props.row }}</p>\n</template>\n")
    # `load` is not used at all, `Row` only as a type: the whole import becomes type-only
    assert convert_vue(src) == src.replace("import { Row, load }", "import type { Row, load }")


def test_vue_two_script_blocks_and_tsx():
    src = ("<script lang=\"tsx\">\nimport { Options } from './options'\nexport default { name: 'X' }\n</script>\n"
           "<script setup lang=\"tsx\">\nconst o: Options = {}\n</script>\n<template><div /></template>\n")
    assert "import type { Options } from './options'" in convert_vue(src)


@pytest.mark.parametrize(
    "src, fragment",
    [
        # the template uses it as a value: an interpolation, a component tag, a directive
        ("<script setup lang=\"ts\">\nimport { db } from './db'\n</script>\n<template>{{ db }}</template>\n",
         "`db` is used by the template"),
        ("<script setup lang=\"ts\">\nimport RowView from './RowView.vue'\n</script>\n<template><row-view /></template>\n",
         "`RowView` is used by the template"),
        ("<script setup lang=\"ts\">\nimport { h } from './h'\n</script>\n<template><p @click=\"h()\" /></template>\n",
         "`h` is used by the template"),
        ("<script setup lang=\"ts\">\nimport { A } from './a'\nconst a = new A()\n</script>\n", "`A` is used as a value (line 3)"),
        ("<script setup>\nimport { A } from './a'\n</script>\n", "the script block is not `lang=\"ts\"`"),
        ("<script setup lang=\"ts\">\nimport type { A } from './a'\n</script>\n", "already"),
    ],
)
def test_vue_refusals(src, fragment):
    refused(import_type(src.encode(), VUE, 0), fragment)


def test_svelte_type_only_use():
    src = ("<script lang=\"ts\">\n  import { Row } from './rows'\n  let { row }: { row: Row } = $props()\n</script>\n\n"
           "<p>{row.id}</p>\n")
    fix = import_type(src.encode(), Dialect.SVELTE, 0)
    assert isinstance(fix, Fix), fix
    out = apply_edits(src.encode(), fix.edits).decode()
    assert out == src.replace("import { Row }", "import type { Row }")
    (imp,) = extract(out.encode(), Dialect.SVELTE).imports
    assert imp.type_only and not imp.carries_async(True)


@pytest.mark.parametrize(
    "src, fragment",
    [
        # any mention in the markup (not parsed): a tag, an expression, even plain text
        ("<script lang=\"ts\">\n  import Row from './Row.svelte'\n  let r: Row\n</script>\n<Row />\n", "`Row` is mentioned in the markup"),
        ("<script lang=\"ts\">\n  import { fmt } from './fmt'\n  let f: typeof fmt\n</script>\n<p>{fmt(1)}</p>\n", "`fmt` is mentioned"),
        ("<script>\n  import { A } from './a'\n</script>\n", "not `lang=\"ts\"`"),
        ("<script lang=\"ts\">\n  import { A } from './a'\n  new A()\n</script>\n", "`A` is used as a value (line 3)"),
    ],
)
def test_svelte_refusals(src, fragment):
    refused(import_type(src.encode(), Dialect.SVELTE, 0), fragment)


@pytest.mark.parametrize("dialect", [Dialect.ASTRO, Dialect.MDX])
def test_astro_and_mdx_refuse(dialect):
    # (Astro's imports are always elided as TypeScript elides them: a type-only use never loads)
    src = {Dialect.ASTRO: "---\nimport { A } from './a'\nlet a: A\n---\n<p />\n",
           Dialect.MDX: "import { A } from './a'\n\n# Hi\n"}[dialect]
    assert isinstance(import_type(src.encode(), dialect, 0), Refusal)
