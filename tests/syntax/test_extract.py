"""Unit tests for tla_lens.syntax.extract with real source snippets."""
from __future__ import annotations

import random
import sys
import time

import pytest

from tla_lens.syntax import (
    Dialect,
    ImportPhase,
    RequireKind,
    StatementKind,
    TlaKind,
    dialect_for_path,
    extract,
)
from tla_lens.syntax.extract import _Extractor
from tla_lens.text import LineIndex

JS, JSX, TS, TSX = Dialect.JS, Dialect.JSX, Dialect.TS, Dialect.TSX


def facts(src: str | bytes, dialect: Dialect = JS):
    data = src.encode() if isinstance(src, str) else src
    return extract(data, dialect)


def strict(src: bytes, dialect: Dialect):
    """Like extract, but without the never-raise safety net (so a bug shows up)."""
    return _Extractor(src, dialect, False).run()


def text(src: str | bytes, span) -> str:
    data = src.encode() if isinstance(src, str) else src
    return data[span.start : span.end].decode("utf-8", "replace")


def one_import(src: str, dialect: Dialect = TS):
    f = facts(src, dialect)
    assert len(f.imports) == 1, f.imports
    return f.imports[0]


# ----------------------------------------------------------------------------- dialects


@pytest.mark.parametrize(
    "path,expected",
    [
        ("a.js", JS), ("a.mjs", JS), ("a.cjs", JS), ("a.jsx", JSX),
        ("a.ts", TS), ("a.mts", TS), ("a.cts", TS), ("src/a.tsx", TSX),
        ("a.d.ts", None), ("a.d.mts", None), ("a.d.cts", None), ("a.d.css.ts", None),
        ("a.json", None), ("a", None), ("a.css", None), ("README.md", None), ("a.js.map", None),
    ],
)
def test_dialect_for_path(path, expected):
    assert dialect_for_path(path) == expected


# ----------------------------------------------------------------------------- TLA


def test_await_site_spans():
    src = "const x = 1;\nexport const y = await f(x);\n"
    f = facts(src)
    (site,) = f.tla
    assert site.kind is TlaKind.AWAIT
    assert text(src, site.span) == "await f(x)"
    assert text(src, site.keyword) == "await"
    assert LineIndex(src.encode()).position(site.keyword.start) == (1, 17)


def test_for_await_site():
    src = "for await (const x of gen()) { use(x) }"
    (site,) = facts(src).tla
    assert site.kind is TlaKind.FOR_AWAIT
    assert text(src, site.span) == "for await (const x of gen())"
    assert text(src, site.keyword) == "await"


def test_await_using_js_and_ts():
    src = "await using res = open();"
    (site,) = facts(src, JS).tla
    assert site.kind is TlaKind.AWAIT_USING
    assert text(src, site.keyword) == "await"
    (ts_site,) = facts(src, TS).tla  # tree-sitter-typescript has no `using`
    assert ts_site.kind is TlaKind.AWAIT
    assert not facts("using res = open();", JS).tla


def test_await_call_form_is_tla_but_not_module_syntax():
    src = "await (async () => 1)();"
    f = facts(src)
    (site,) = f.tla
    assert text(src, site.keyword) == "await"
    assert f.has_module_syntax is False  # in a script this is a call of a function `await`


def test_await_before_line_break_is_tla_in_js():
    # tree-sitter-javascript: `export const x = await;` + `fetchIt();` -- V8: one await expression
    src = "function fetchIt() { return 1; }\nexport const x = await\n  fetchIt();\n"
    f = facts(src, JS)
    (site,) = f.tla
    assert site.kind is TlaKind.AWAIT
    assert text(src, site.keyword) == "await"
    assert text(src, site.span) == "await\n  fetchIt()"
    assert LineIndex(src.encode()).position(site.keyword.start) == (1, 17)
    # statement position: in a script this is `await;` `0;`, so it is not module syntax
    g = facts("await\n0;", JS)
    assert len(g.tla) == 1 and text("await\n0;", g.tla[0].span) == "await\n0"
    assert g.has_module_syntax is False
    assert len(facts("x = a || await\nb; await\nawait\ny;", JS).tla) == 3
    assert len(facts("if (a) await\n  P.r();", JS).tla) == 1
    assert len(facts("await (x)();", JS).tla) == 1 and text("await (x)();", facts("await (x)();", JS).tla[0].span) == "await (x)()"


@pytest.mark.parametrize(
    "src",
    [
        "await;", "await\n.x;", "f(await\n, 1);", "x = [await\n];", "await\nin x;",
        "await\nvar x = 1;", "await\nyield;", "await\nsuper.x;", "await\n#x in o;",
        "await\nusing x = y;", "new await\nx;", "class await {}", "let await = 1;",
        "const {a: await} = o;", "try {} catch (await) {}", "for (await of x);",
        "import { await as a } from './m.js';", "export { x as await }; const x = 1;",
        "<await/>;", "function f() { await\nx }", "class C { x = await\ny }", "x = () => await\ny;",
    ],
)
def test_await_identifier_without_operand_is_not_tla(src):
    # V8 rejects all of these as modules (checked with Node 26); none is an await expression
    assert not facts(src, JS).tla, src


def test_nested_and_multiple_sites():
    src = "await await x; if (0) { await y }"
    assert len(facts(src).tla) == 3


@pytest.mark.parametrize(
    "src",
    [
        "function f() { await 1 }",
        "const f = async () => await 1",
        "class C { x = await 1 }",
        "class C { static { await 1 } }",
        "class C { m() { await 1 } }",
        "x = { get g() { return await 1 } }",
        "function f(a = await 1) {}",
        "o.await; x = {await: 1}; '// await'; /await/; // await 1",
    ],
)
def test_boundaries_and_non_awaits(src):
    for d in (JS, TS, TSX):
        assert facts(src, d).tla == ()


@pytest.mark.parametrize(
    "src",
    [
        "class C { [await k] = 1 }",
        "class C { [await k]() {} }",
        "class C extends (await base) {}",
        "x = { [await k]() {} }",
        "label: { switch (x) { case 1: await y } }",
        "const { a = await d } = o",
    ],
)
def test_module_scope_inside_classes_and_statements(src):
    for d in (JS, TS):
        assert len(facts(src, d).tla) == 1


def test_typescript_boundaries():
    # TypeScript 5.9 emits these bodies inside a non-async IIFE (no engine accepts the await):
    assert facts("namespace N { await x }", TS).tla == ()
    assert facts("module M { await x }", TS).tla == ()
    assert facts("enum E { A = await x }", TS).tla == ()
    assert facts("declare const x: number; class C { p: T = await 1 }", TS).tla == ()
    assert len(facts("let a: T = await x as T;", TS).tla) == 1
    assert len(facts("const e = <div>{await x}</div>;", TSX).tla) == 1
    assert len(facts("const e = <div>{await x}</div>;", JSX).tla) == 1


def test_decorator_arguments_are_module_scope():
    assert len(facts("class C { @dec(await x) m() {} }", TS).tla) == 1


# ----------------------------------------------------------------------------- imports


def test_default_named_namespace_bindings():
    src = "import d, {a, b as c, 'x-y' as z, default as dd} from './m';"
    imp = one_import(src, JS)
    assert imp.kind is StatementKind.IMPORT
    assert imp.specifier == "./m"
    assert text(src, imp.span) == src
    assert text(src, imp.specifier_span) == "'./m'"
    got = [(b.imported, b.local, text(src, b.span)) for b in imp.bindings]
    assert got == [
        ("default", "d", "d"),
        ("a", "a", "a"),
        ("b", "c", "b as c"),
        ("x-y", "z", "'x-y' as z"),
        ("default", "dd", "default as dd"),
    ]
    src2 = "import * as ns from \"m\""
    imp2 = one_import(src2, JS)
    (b,) = imp2.bindings
    assert (b.imported, b.local, text(src2, b.span)) == ("*", "ns", "* as ns")
    assert text(src2, imp2.span) == src2


def test_side_effect_and_empty_imports():
    for src in ("import 'm';", "import {} from 'm';"):
        imp = one_import(src, JS)
        assert imp.specifier == "m" and imp.bindings == () and text(src, imp.span) == src


def test_reexports():
    f = facts("export * from 'a'; export * as ns from 'b'; export {x, y as z, default} from 'c'; export {x};", JS)
    a, b, c = f.imports
    assert [i.kind for i in f.imports] == [StatementKind.EXPORT] * 3
    assert (a.specifier, a.bindings) == ("a", ())
    assert [(x.imported, x.local) for x in b.bindings] == [("*", "ns")]
    assert [(x.imported, x.local) for x in c.bindings] == [("x", ""), ("y", ""), ("default", "")]
    assert f.has_module_syntax


def test_string_names_in_reexports():
    src = 'export {"a-b" as "c d"} from "m"; export * as "e f" from "n";'
    a, b = facts(src, JS).imports
    assert a.bindings[0].imported == "a-b"
    assert text(src, a.bindings[0].span) == '"a-b" as "c d"'
    assert b.bindings[0].local == "e f"


def test_type_only_forms():
    f = facts(
        "import type {A} from 'a'; import type D from 'b'; import type * as N from 'c';"
        "import {type T, v} from 'd'; export type {E} from 'e'; export type * from 'f';"
        "export {type G} from 'g'; import type from 'h'; import type, {w} from 'i';",
        TS,
    )
    by = {i.specifier: i for i in f.imports}
    assert by["a"].type_only and by["b"].type_only and by["c"].type_only
    assert by["b"].bindings[0].local == "D" and by["c"].bindings[0].local == "N"
    assert not by["d"].type_only
    assert [(b.local, b.type_only) for b in by["d"].bindings] == [("T", True), ("v", False)]
    assert by["e"].type_only and by["f"].type_only
    assert not by["g"].type_only and by["g"].bindings[0].type_only
    # `type` as a plain binding name
    assert not by["h"].type_only and by["h"].bindings[0].local == "type"
    assert [b.local for b in by["i"].bindings] == ["type", "w"]
    assert not facts("export type * from 'f'; import type {A} from 'a';", TS).has_syntax_errors


def test_phases():
    src = "import defer * as ns from './m'; import source wasm from './w.wasm'; import source from './s'; ns.f();"
    for d in (JS, TS):
        f = facts(src, d)
        a, b, c = f.imports
        assert a.phase is ImportPhase.DEFER and a.bindings[0].local == "ns"
        assert text(src, a.span) == "import defer * as ns from './m';"
        assert b.phase is ImportPhase.SOURCE and b.bindings[0].local == "wasm"
        assert c.phase is ImportPhase.EVALUATION and c.bindings[0].local == "source"
        assert not f.has_syntax_errors  # the grammars' ERROR nodes for these are excused
        assert not b.carries_async(False) and a.carries_async(False)


def test_import_attributes():
    src = "import data from './d.json' with { type: 'json' };\nimport c from './c.css' assert {type: \"css\", 'x-y': \"z\"};"
    for d in (JS, TS):
        f = facts(src, d)
        a, b = f.imports
        assert a.attributes == (("type", "json"),)
        assert b.attributes == (("type", "css"), ("x-y", "z"))
        assert a.is_synthetic and not a.carries_async(False)
        assert text(src, a.span) == src.splitlines()[0]
        assert not f.has_syntax_errors
    assert facts("export * from './d.json' with {type: 'json'}", JS).imports[0].attributes == (("type", "json"),)


def test_ambient_imports():
    src = (
        "import {a} from 'real';\n"
        "declare module 'x' { import {b} from 'amb1'; export * from 'amb2'; }\n"
        "declare global { }\n"
        "declare namespace N { import c = require('amb3'); }\n"
        "export declare namespace M { }\n"
    )
    f = facts(src, TS)
    by = {i.specifier: i for i in f.imports}
    assert not by["real"].in_ambient
    assert by["amb1"].in_ambient and by["amb2"].in_ambient
    assert not by["amb2"].carries_async(False)
    assert all(r.specifier != "amb3" for r in f.requires)


def test_module_syntax_detection():
    assert facts("import x from 'm'").has_module_syntax
    assert facts("export const a = 1").has_module_syntax
    assert facts("console.log(import.meta.url)").has_module_syntax
    assert facts("await x").has_module_syntax
    assert not facts("const x = require('m'); module.exports = x").has_module_syntax
    assert not facts("function f() { return new.target }").has_module_syntax
    assert not facts("import('m')").has_module_syntax
    assert not facts("declare module 'x' { export const a: number }", TS).has_module_syntax


def test_many_statements_in_order_and_ts_import_alias_ignored():
    f = facts("import a from 'a';\nimport N = A.B;\nexport {b} from 'b';\nimport 'c';", TS)
    assert [i.specifier for i in f.imports] == ["a", "b", "c"]


def test_escapes_in_specifiers():
    f = facts(r"import x from './a\u0062\x63'; import('./d\n');", JS)
    assert f.imports[0].specifier == "./abc"
    assert f.dynamic_imports[0].specifier == "./d\n"


# ----------------------------------------------------------------------------- dynamic imports


def test_dynamic_imports():
    src = "import('./a'); const m = import(`./b`); import(`./${x}`); import(name); f(() => import('./c', {with: {}}))"
    f = facts(src, JS)
    got = [(d.specifier, text(src, d.specifier_span) if d.specifier_span else None) for d in f.dynamic_imports]
    assert got == [("./a", "'./a'"), ("./b", "`./b`"), (None, None), (None, None), ("./c", "'./c'")]
    assert text(src, f.dynamic_imports[0].span) == "import('./a')"


def test_dynamic_import_types_are_not_imports():
    src = "let a: typeof import('./t1'); let b: import('./t2').T; type C = import('./t3').X<typeof import('./t4')>; const v = await import('./v');"
    f = facts(src, TS)
    assert [d.specifier for d in f.dynamic_imports] == ["./v"]
    assert len(f.tla) == 1


# ----------------------------------------------------------------------------- require


def test_require_calls():
    src = "const a = require('./a'); require(`./b`); require(x); obj.require('./c'); const {d} = require(\"./d\");"
    f = facts(src, JS)
    assert [(r.kind, r.specifier) for r in f.requires] == [
        (RequireKind.CALL, "./a"), (RequireKind.CALL, "./b"), (RequireKind.CALL, "./d")
    ]
    assert text(src, f.requires[0].span) == "require('./a')"
    assert text(src, f.requires[0].specifier_span) == "'./a'"
    assert not any(r.erased_default for r in f.requires)


def test_require_shadowed_by_parameter():
    src = (
        "(function (require, module) { require('./bundled') })();\n"
        "const g = (require) => require('./also');\n"
        "import { createRequire } from 'module';\n"
        "const require2 = createRequire(import.meta.url);\n"
        "function h() { return require('./real') }\n"
    )
    f = facts(src, JS)
    assert [r.specifier for r in f.requires] == ["./real"]


def test_import_equals_require():
    src = "import fs = require('fs');\nimport type T = require('./t');\nexport import e = require('./e');\nimport used = require('./u'); used();"
    f = facts(src, TS)
    assert [(r.kind, r.specifier) for r in f.requires] == [(RequireKind.IMPORT_EQUALS, s) for s in ("fs", "./t", "./e", "./u")]
    fs, t, e, u = f.requires
    assert text(src, fs.span) == "import fs = require('fs');"
    assert text(src, e.span) == "export import e = require('./e');"
    assert (fs.erased_default, fs.erased_verbatim) == (True, False)
    assert (t.erased_default, t.erased_verbatim) == (True, True)
    assert (e.erased_default, e.erased_verbatim) == (False, False)
    assert (u.erased_default, u.erased_verbatim) == (False, False)
    assert f.imports == ()
    assert not f.has_syntax_errors


# ----------------------------------------------------------------------------- binding use


def test_binding_use_positions():
    src = (
        "import {v, t, q, both, jsx, unused, sh} from './m';\n"
        "v(); let a: t; let b: typeof q; let c: both = both; let e = <jsx.X/>;\n"
        "function f(sh: number) { return sh }\n"
    )
    imp = one_import(src, TSX)
    use = {b.local: (b.value_used, b.type_used) for b in imp.bindings}
    assert use == {
        "v": (True, False),
        "t": (False, True),
        "q": (False, True),
        "both": (True, True),
        "jsx": (True, False),
        "unused": (False, False),
        "sh": (False, False),  # the parameter shadows the import
    }


def _uses(src: str, dialect: Dialect = TS) -> dict:
    return {b.local: (b.value_used, b.type_used) for imp in facts(src, dialect).imports for b in imp.bindings}


@pytest.mark.parametrize(
    "body,value_used",
    [
        ("{ const v = 1; void v; }", False),
        ("{ void v; let v = 1; }", False),  # hoisted to the block (TDZ), still the inner `v`
        ("{ const v = 1; } v;", True),
        ("{ let x = v; { const v = 1; } }", True),
        ("try {} catch (v) { void v; }", False),
        ("try {} catch ({ a: [v] }) { void v; }", False),
        ("try {} catch (e) { void v; }", True),
        ("for (const v of []) { void v; }", False),
        ("for (let v = 0; v < 1; v++) {}", False),
        ("for (const [a, ...v] of []) {}", False),
        ("for (v of []) {}", True),  # an assignment target is a reference
        ("({v} = o);", True),
        ("switch (1) { case 1: let v = 1; break; case 2: void v; }", False),
        ("const C = class v { m() { return v } };", False),
        ("const f = function v() { return v };", False),
        ("function f() { { var v = 1; } return v; }", False),
        ("function f() { if (1) { var v = 1; } } v;", True),
        ("if (1) { var v = 1; } v;", False),  # module-level var: TypeScript resolves to it
        ("{ function v() {} } v;", True),  # functions in blocks are block-scoped in modules
        ("{ class v {} } v;", True),
        ("enum E { v = 1, b = v }", False),
        ("namespace N { const v = 1; v; }", False),
        ("namespace N { v; }", True),
        ("{ interface v {} v; }", True),  # a type does not hide the value
        ("{ const {a = v} = o; }", True),
        ("{ const {[v]: a} = o; }", True),
        ("const f = (a = v, v = 1) => 0;", False),
        ("type F = (v: number) => void; v;", True),
    ],
)
def test_block_scoping_hides_imports(body, value_used):
    # every case checked against TypeScript 5.9 in tests/syntax/elision_corpus.py
    assert _uses("import {v} from './m';\n" + body)["v"][0] is value_used, body


def test_shadowing_by_type_declarations_is_per_meaning():
    assert _uses("import {v} from './m'; { interface v {} let x: v; } v;") == {"v": (True, False)}
    assert _uses("import {v} from './m'; { const v = 1; let x: v; }") == {"v": (False, True)}
    assert _uses("import {v} from './m'; function f<v>(x: v) { return x }") == {"v": (False, False)}


def test_computed_keys_in_types_are_value_uses():
    for src in (
        "type K = { [k]: number };",
        "interface I { [k]: number }",
        "interface I { [k](): void }",
        "let x: { [k.p]: number };",
        "abstract class C { abstract [k](): void }",
    ):
        imp = one_import("import {k} from './m'; " + src)
        assert imp.bindings[0].value_used and not imp.erased_default, src
    for src in (
        "class C { declare [k]: number }",
        "declare let x: { [k]: number };",
        "declare global { interface I { [k]: number } }",
        "type K = { [x in k]: number };",
        "type K = typeof k;",
    ):
        imp = one_import("import {k} from './m'; " + src)
        assert not imp.bindings[0].value_used and imp.erased_default, src


def test_module_level_require_declaration_is_still_require():
    src = "import { createRequire } from 'module';\nconst require = createRequire(import.meta.url);\nrequire('./x');\n{ const require = f; require('./no'); }"
    assert [r.specifier for r in facts(src, JS).requires] == ["./x"]


def test_deep_nesting_with_shadowing():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(300)
    try:
        n = 20000
        src = ("import {v} from './m';\n" + "{ const v = 1; " * n + "v;" + "}" * n).encode()
        assert strict(src, TS).imports[0].erased_default
        src2 = ("import {v} from './m';\n" + "{ let x; " * n + "v;" + "}" * n).encode()
        assert not strict(src2, TS).imports[0].erased_default
    finally:
        sys.setrecursionlimit(old)


def test_export_of_import_is_value_use():
    imp = one_import("import {T} from './m'; export {T};", TS)
    assert imp.bindings[0].value_used and not imp.erased_default
    imp2 = one_import("import {T} from './m'; export type {T};", TS)
    assert not imp2.bindings[0].value_used and imp2.erased_default and not imp2.erased_verbatim


def test_javascript_never_erased():
    f = facts("import {unused} from './m';", JS)
    assert not f.imports[0].erased_default and not f.imports[0].erased_verbatim


# ----------------------------------------------------------------------------- suppressions


def test_suppression_comments():
    src = (
        "// tla-lens-ignore-next-line\n"
        "await a;\n"
        "  // tla-lens-ignore-next-line tla-await, async-import -- startup needs it\n"
        "await b;\n"
        "/* tla-lens-ignore-next-line tla-await */\n"
        "const s = '// tla-lens-ignore-next-line';\n"
        "// tla-lens-ignore-next-lines not-me\n"
        "//tla-lens-ignore-next-line x y\n"
    )
    f = facts(src, JS)
    got = [(s.line, s.codes, s.reason) for s in f.suppressions]
    assert got == [
        (0, (), ""),
        (2, ("tla-await", "async-import"), "startup needs it"),
        (4, ("tla-await",), ""),
        (7, ("x", "y"), ""),
    ]
    assert text(src, f.suppressions[0].span) == "// tla-lens-ignore-next-line"


# ----------------------------------------------------------------------------- robustness


def test_invalid_utf8_offsets_are_bytes():
    src = b"\xff\xfe await x;"
    f = extract(src, JS)
    assert f.invalid_utf8
    (site,) = f.tla
    assert src[site.keyword.start : site.keyword.end] == b"await"
    src2 = b"const a = '\xe9\xff';\nimport x from './\xffm';\nawait 1"
    f2 = extract(src2, TS)
    assert f2.invalid_utf8
    assert f2.imports[0].specifier == "./\ufffdm"
    assert src2[f2.imports[0].specifier_span.start : f2.imports[0].specifier_span.end] == b"'./\xffm'"
    assert src2[f2.tla[0].keyword.start : f2.tla[0].keyword.end] == b"await"
    assert not extract("é = 1; await x".encode(), JS).invalid_utf8


@pytest.mark.parametrize(
    "name,src,tla",
    [
        ("brackets", b"[" * 20000 + b"]" * 20000, 0),
        ("brackets-await", b"x = " + b"[" * 20000 + b"await 1" + b"]" * 20000, 1),
        ("blocks", b"{" * 20000 + b"await x" + b"}" * 20000, 1),
        ("functions", b"function f(){" * 20000 + b"await x" + b"}" * 20000, 0),
        ("parens", b"(" * 20000 + b"await x" + b")" * 20000, 1),
        ("arrows", b"x = " + b"() => " * 20000 + b"await x", 0),
        ("unclosed", b"{(" * 20000 + b"await x", 1),
        ("objects", b"x = " + b"{a:" * 20000 + b"await import('./m')" + b"}" * 20000, 1),
    ],
)
def test_deep_nesting(name, src, tla):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(300)  # prove there is no Python recursion over the tree
    try:
        for d in (JS, TS):
            f = strict(src, d)
            assert len(f.tla) == tla, (name, d)
    finally:
        sys.setrecursionlimit(old)


def test_first_error_span():
    ok = facts("let x = 1;")
    assert not ok.has_syntax_errors and ok.first_error is None
    src = "let x = 1;\nlet y = ;\nfoo(\n"
    f = facts(src)
    assert f.has_syntax_errors and f.first_error is not None
    assert LineIndex(src.encode()).position(f.first_error.start)[0] == 1
    # valid forms the grammar does not know are not errors
    g = facts("export * from './d.json' with {type: 'json'};\nlet z = ;", JS)
    assert g.has_syntax_errors and g.first_error.start >= len("export * from './d.json' with {type: 'json'};")
    assert facts("export * from './d.json' with {type: 'json'};", JS).first_error is None


@pytest.mark.parametrize(
    "src",
    [
        "import {a from 'm'",
        "import",
        "export {",
        "import x from",
        "import * as from 'm'",
        "export * as from 'm'",
        "import {a as} from 'm'",
        "import d, from 'm'",
        "import x from 'm' with {type: }",
        "'unterminated",
        "/* unterminated",
        "await",
        "for await",
        "class { [await",
        "import(",
        "require(",
        "} } } ) ) ]",
    ],
)
def test_broken_syntax_never_raises(src):
    for d in Dialect:
        f = strict(src.encode(), d)
        assert f.has_syntax_errors or src in ("await",)


def test_broken_file_still_yields_good_statements():
    src = "import a from './a';\nconst = = ;\nimport {b} from './b';\nawait x;\n"
    f = facts(src, JS)
    assert f.has_syntax_errors
    assert [i.specifier for i in f.imports] == ["./a", "./b"]
    assert len(f.tla) == 1


def test_random_bytes_never_raise():
    rng = random.Random(1234)
    alphabet = b"import export from await async function class { } ( ) [ ] ; , * as type defer source 'm' \"n\" ` ${ } / // /* */ \n \xff \xc3 = => require . meta < > declare module"
    words = alphabet.split(b" ")
    for _ in range(300):
        src = b" ".join(rng.choice(words) for _ in range(rng.randint(0, 60)))
        for d in Dialect:
            strict(src, d)
    for _ in range(50):
        strict(bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000))), JS)


def test_non_bytes_input_is_accepted():
    assert extract("await x", JS).tla  # type: ignore[arg-type]
    assert extract(bytearray(b"await x"), JS).tla  # type: ignore[arg-type]


def test_performance_300kb():
    chunk = (
        "import {a%d} from './a%d';\n"
        "export async function f%d(x: number): Promise<number> { await a%d(x); return x * 2 }\n"
        "const o%d = { await: 1, b: [1, 2, 3].map((y) => y + 1), s: 'await', r: require('./r') };\n"
    )
    parts, i = [], 0
    while sum(map(len, parts)) < 300_000:
        parts.append(chunk % (i, i, i, i, i))
        i += 1
    src = ("".join(parts) + "await f0(1);\n").encode()
    start = time.perf_counter()
    f = strict(src, TS)
    elapsed = time.perf_counter() - start
    assert len(f.tla) == 1 and len(f.imports) == i and len(f.requires) == i
    assert all(b.value_used for imp in f.imports for b in imp.bindings)
    assert elapsed < 1.5, elapsed


def test_minified_single_line_is_fast_enough():
    unit = "var a{i}=function(){{return b{i}.await+import('./x')}},c{i}=[1,2,{{k:'await'}}];"
    src = "".join(unit.format(i=i) for i in range(20000)).encode()  # ~1.3 MB on one line
    start = time.perf_counter()
    f = strict(src, JS)
    assert len(f.dynamic_imports) == 20000 and not f.tla
    assert time.perf_counter() - start < 10
