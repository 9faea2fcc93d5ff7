"""import_type: `import {T}` -> `import type {T}` when every binding is used only as a type."""
from __future__ import annotations

import pytest

from tla_lens.fixes import Fix, import_type
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
