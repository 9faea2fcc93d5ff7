"""syntax.uses.binding_uses: where imported names are used, in which functions."""
from __future__ import annotations

from tla_lens.syntax import Dialect
from tla_lens.syntax.uses import binding_uses


def _summary(src: str, names, dialect=Dialect.TS):
    data = src.encode()
    out = []
    for name, uses in binding_uses(data, dialect, names).items():
        for u in uses:
            fn = u.function
            out.append((name, u.span.start, u.in_type, u.context, fn.name if fn else None, fn.kind if fn else None))
    return sorted(out, key=lambda r: r[1])


def test_contexts_and_functions():
    src = (
        "import { a, T } from './m';\n"
        "function f(x = a): T { a(); const g = () => a; let t: T; }\n"
        "class C { x = a; static { a } get g() { return a } m() { a } }\n"
        "export { a };\n"
        "a();\n"
    )
    rows = [(n, t, c, fn, k) for n, _, t, c, fn, k in _summary(src, ["a", "T"])]
    assert rows == [
        ("a", False, "parameter", "f", "function"),
        ("T", True, "top", None, None),  # a return type belongs to the outer scope (types do not matter)
        ("a", False, "function", "f", "function"),
        ("a", False, "function", "g", "arrow"),
        ("T", True, "function", "f", "function"),
        ("a", False, "field", None, None),
        ("a", False, "static-block", None, None),
        ("a", False, "function", "g", "getter"),
        ("a", False, "function", "m", "method"),
        ("a", False, "export", None, None),
        ("a", False, "top", None, None),
    ]


def test_function_info_details():
    src = "import { a } from './m';\nconst o = { async *gen() { a }, k: function () { a } };\n"
    uses = binding_uses(src.encode(), Dialect.JS, ["a"])["a"]
    gen, anon = uses[0].function, uses[1].function
    assert (gen.name, gen.is_async, gen.is_generator, gen.kind) == ("gen", True, True, "method")
    assert (anon.name, anon.is_async, anon.kind, anon.parent) == ("k", False, "function", None)
    assert src[anon.async_insert:].startswith("function ()")


def test_shadowing_and_declarations_are_not_uses():
    src = "import { a } from './m';\nfunction f(a) { a }\n{ let a; a }\nconst { a: b } = o; o.a; ({ a: 1 });\n"
    assert binding_uses(src.encode(), Dialect.JS, ["a"])["a"] == []
