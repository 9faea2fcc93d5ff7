"""Valid code the grammars reject, checked against the engines: tla-lens must not say "syntax
error: an engine would refuse to load this file" where V8 (JavaScript) or TypeScript 5.9 parse
it, and must still say it where they do not.

* tree-sitter-javascript 0.25 rejects a reserved word as the exported name of a local export
  list, ``export { _null as null }`` (zod 4 ships exactly that);
* tree-sitter-typescript 0.23 has no variance modifiers on type parameters,
  ``interface I<in T, out U = unknown>`` (TypeScript 4.7; zod 4's sources use them).

Beyond the snippets, every JavaScript and TypeScript file of a real package (zod, in
tests/engines) is compared with the engines' verdicts.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tla_lens.syntax import Dialect, extract

HERE = Path(__file__).resolve().parent

# (source, V8 accepts it as a module)
JS_EXPORT_LISTS = [
    ("const _n = 1; export { _n as null };", True),
    ("const a = 1; export { a as if, a as class, a as default };", True),
    ("const a = 1; export { a as null, };", True),
    ("const a = 1; export { a as null, a as 'x-y' }", True),
    ("const a = 1;\nexport {\n  a as null, // the value\n  a as true,\n};\nexport const b = 2;", True),
    ("export { null };", False),
    ("export { if as x };", False),
    ("const a = 1; export { a b };", False),
    ("const a = 1; export { a as };", False),
    ("const a = 1; export { a as null null };", False),
    ("const a = 1; export { a as null } x;", False),
    ("const a = 1; export { a as null, await };", False),
    ("const a = 1; export { a as null, 1b };", False),
    ("const a = 1; export { a as null, eval };", False),
    ("const a = 1; export { a as null, let };", False),
    ("const a = 1; export { a as null }\nfoo(", False),
    ("const a = 1; export { a as null, a as 'x }", False),
]

# (source, TypeScript 5.9 parses it without a syntax error)
TS_VARIANCE = [
    ("interface A<out T> { x: T }", True),
    ("interface A<in T> { f(x: T): void }", True),
    ("interface A<in out T> {}", True),
    ("class C<in out T> { }", True),
    ("type F<out T> = () => T;", True),
    ("interface A<T, in U, out V> {}", True),
    ("export interface B<out O = unknown, out I = unknown> extends X {}", True),
    ("interface A<\n  out Output = unknown,\n  out Input = unknown,\n> {}", True),
    ("interface A<\n  out S extends X = X,\n  out C extends Y = Y,\n> {}", True),
    ("interface A<in\tout\tT> {}", True),
    ("interface A<out $T extends X> {}", True),
    ("interface A<out T U> {}", False),
    ("interface A<T out> {}", False),
    ("interface A<out 1T> {}", False),
    ("interface A<out T\n", False),
    ("interface A<out\n T> {}", False),
    ("interface A<in\n T> {}", False),
    ("interface A<in out\n T> {}", False),
]


def _v8_accepts(node26: Path, sources: list[str]) -> list[bool]:
    proc = subprocess.run(
        [str(node26), "--experimental-vm-modules", "--no-warnings", str(HERE / "tla_oracle.js")],
        input=json.dumps(sources), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return ["error" not in r for r in json.loads(proc.stdout)]


def _ts_accepts(node26: Path, ts5: Path, cases: list[tuple[str, str]]) -> list[bool]:
    proc = subprocess.run(
        [str(node26), str(HERE / "elision_oracle.js")],
        input=json.dumps({"ts": str(ts5), "mode": "syntax",
                          "cases": [{"src": s, "fileName": f} for s, f in cases]}),
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return [not diags for diags in json.loads(proc.stdout)]


def test_local_export_lists_match_v8(node26):
    engine = _v8_accepts(node26, [s for s, _ in JS_EXPORT_LISTS])
    for (src, stated), accepted in zip(JS_EXPORT_LISTS, engine):
        assert accepted == stated, f"V8 changed its mind on {src!r}"
        for dialect in (Dialect.JS, Dialect.JSX):
            facts = extract(src.encode(), dialect)
            assert facts.has_syntax_errors == (not accepted), (dialect, src, facts.first_error)
    # the exports name no module: nothing for the graph
    assert extract(JS_EXPORT_LISTS[0][0].encode(), Dialect.JS).imports == ()


def test_variance_modifiers_match_typescript(node26, ts5):
    engine = _ts_accepts(node26, ts5, [(s, "x.ts") for s, _ in TS_VARIANCE])
    for (src, stated), accepted in zip(TS_VARIANCE, engine):
        assert accepted == stated, f"TypeScript changed its mind on {src!r}"
        for dialect in (Dialect.TS, Dialect.TSX):
            facts = extract(src.encode(), dialect)
            assert facts.has_syntax_errors == (not accepted), (dialect, src, facts.first_error)


def test_variance_modifiers_keep_the_facts():
    src = ("import { a } from './a.js';\nimport type { T } from './t.js';\n"
           "export interface Box<out V = T> { v: V }\nexport const x = a;\nawait a;\n")
    facts = extract(src.encode(), Dialect.TS)
    assert not facts.has_syntax_errors
    assert [(i.specifier, i.erased_default) for i in facts.imports] == [("./a.js", False), ("./t.js", True)]
    assert len(facts.tla) == 1


def test_a_real_package_parses_as_the_engines_say(node26, ts5, engines_node_modules):
    """Every .js/.mjs and .ts file of zod 4 (sources and build): a syntax error where V8 or
    TypeScript finds one, none where they find none."""
    root = engines_node_modules / "zod"
    js = sorted(p for p in root.rglob("*") if p.suffix in (".js", ".mjs") and p.is_file())
    ts = sorted(p for p in root.rglob("*.ts") if not p.name.endswith(".d.ts") and p.is_file())
    assert len(js) > 100 and len(ts) > 100
    js_ok = _v8_accepts(node26, [p.read_text() for p in js])
    ts_ok = _ts_accepts(node26, ts5, [(p.read_text(), p.name) for p in ts])
    wrong = []
    for paths, verdicts, dialect in ((js, js_ok, Dialect.JS), (ts, ts_ok, Dialect.TS)):
        for p, accepted in zip(paths, verdicts):
            facts = extract(p.read_bytes(), dialect)
            if facts.has_syntax_errors == accepted:
                wrong.append((str(p.relative_to(root)), "engine accepts" if accepted else "engine rejects"))
    assert wrong == []
