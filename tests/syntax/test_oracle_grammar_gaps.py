"""Valid code the grammars reject, checked against the engines: tla-lens must not say "syntax
error: an engine would refuse to load this file" where V8 (JavaScript) or TypeScript 5.9 parse
it, and must still say it where they do not.

* tree-sitter-javascript 0.25 rejects a reserved word as the exported name of a local export
  list, ``export { _null as null }`` (zod 4 ships exactly that);
* tree-sitter-typescript 0.23 has no variance modifiers on type parameters,
  ``interface I<in T, out U = unknown>`` (TypeScript 4.7; zod 4's sources use them).

* tree-sitter-javascript 0.25 has no import attributes on ``export … from``, and
  tree-sitter-typescript 0.23 only an empty ``with {}``; neither takes a quoted key there:
  ``export * from './d.json' with {type: 'json'}`` is split into a labeled statement and
  ERROR nodes (the re-export went missing, and a valid file was said to have a syntax error);
  nor a line break after ``with``;
* both insert a semicolon after an import or export statement where engines do not, before
  more code on the same line (``import 'm' foo()``).

* tree-sitter-javascript 0.25 inserts no semicolon before a line starting with ``[``, ``(``,
  ``*`` or a template, also where the line before cannot go on and engines insert one:
  ``let x⏎[a, b] = f()``, a class field ``#abort⏎[k] = null``, ``const f = () => {…}⏎[1].map(f)``
  (npm, undici and argparse ship such code); tree-sitter-typescript 0.23 in fewer places
  (a typed class field before a generator method, ``let x⏎`t```).

Beyond the snippets, every JavaScript and TypeScript file of a real package (zod, in
tests/engines) is compared with the engines' verdicts.
"""
from __future__ import annotations

from pathlib import Path

from tla_lens.syntax import Dialect, TreeEdit, edit_tree, extract, extract_incremental

from .engines import ts_syntax_errors, v8_modules


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

# (source, TypeScript 5.9 parses it without a syntax error): TypeScript's own import forms
# that go on without a `;` or a line break
TS_IMPORT_ENDS = [
    ("import type a from 'm' foo()", False),
    ("export type {a} from 'm' foo()", False),
    ("import {type a, b} from 'm' foo()", False),
    ("import x = require('m') foo()", False),
    ("export import x = require('m') foo()", False),
    ("import type a from 'm'\nfoo()", True),
    ("import x = require('m') // c\nfoo()", True),
    ("declare module 'x' { export * from 'm' }", True),
    ("declare module 'x' { export * from 'm' foo() }", False),
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


# (source, V8 accepts it as a module): where an engine inserts a semicolon before a bracket
# that starts a line, and near misses where it does not or where the code is wrong anyway
JS_LINE_START_BRACKETS = [
    ("let x\n[a, b] = f()\n", True),
    ("var a = 1, b\n[a, b] = [b, a]\n", True),
    ("let x, y\n[x, y] = [y, x]\n", True),
    ("const c = 1\nlet x\n[1].forEach(g)\n", True),
    ("let y = 1\nlet x\n(f)()\n", True),
    ("var x\n(function () {})()\n", True),
    ("let x\n[a]\n", True),
    ("let x\n\n  [a] = b\n", True),
    ("let x\r\n[a] = b\n", True),
    ("let x\u2028[a] = b\n", True),
    ("let x // note\n[a] = b\n", True),
    ("let x /* a */ // b\n[a] = b\n", True),
    ("let x /* a\n b */ [a] = b\n", True),
    ("let x\n/* c */\n(f)()\n", True),
    ("let \u00e9\n[a] = b\n", True),
    ("let of\n[a] = b\n", True),
    ("if (a) {\n  let x\n  [a] = b\n}\n", True),
    ("function f() {\n  let x\n  [a] = b\n}\n", True),
    ("var x\n[a] = b; var y\n[c] = d\n", True),
    ("class A {\n  #abort\n  [k] = null\n}\n", True),
    ("class A {\n  #x\n  [k]\n}\n", True),
    ("class A {\n  static x\n  [k] = 1\n}\n", True),
    ("class A {\n  static #x\n  [k] = 1\n}\n", True),
    ("class A {\n  'x'\n  [k] = 1\n}\n", True),
    ("class A {\n  \"get\"\n  [k] = 1\n}\n", True),
    ("class A {\n  1\n  [k] = 1\n}\n", True),
    ("class A {\n  [a]\n  [b] = 1\n}\n", True),
    ("class A {\n  async\n  [k] = 1\n}\n", True),
    ("class A {\n  accessor\n  [k] = 1\n}\n", True),
    ("class A {\n  static\n  [k] = 1\n}\n", True),
    ("class A {\n  get\n  [k]() {}\n}\n", True),
    ("class A {\n  set\n  [k](v) {}\n}\n", True),
    ("class A {\n  a\n  (k) {}\n}\n", True),
    ("const g = () => {\n}\n\n[1].forEach(g)\n", True),
    ("const f = async () => {}\n(g)\n", True),
    ("let f = x => {}\n[1]\n", True),
    ("let g\ng = () => {\n}\n(h)()\n", True),
    ("a = () => {}\n[1]\n", True),
    ("const m = (e, i = 0) => {\n  return [...new Set([e])].join(',')\n}\n\n[...w, ...(f ? x : [])].forEach(m)\n",
     True),
    ("let x\n[a] = b\nlet y\n(c)()\nclass A {\n  #p\n  [q] = 1\n}\n", True),
    ("import { a } from './a.js'\nlet x\n[x] = await a\nexport { x }\n", True),
    ("let x\n`a${1}b`\n", True),
    ("let x // c\n`t`\n", True),
    ("const f = () => {}\n`t`\n", True),
    ("class A {\n  x\n  *gen() {}\n}\n", True),
    ("class A {\n  #p\n  *[Symbol.iterator]() {}\n}\n", True),
    ("class A {\n  static\n  *gen() {}\n}\n", True),
    ("class A {\n  get\n  *gen() {}\n}\n", True),
    ("class A {\n  async\n  *gen() {}\n}\n", True),
    ("let x = 1\n*2\n", True),
    ("x\n(y) => z\n", False),
    ("let x\n*2\n", False),
    ("class A {\n  x = 1\n  *gen() {}\n}\n", False),
    ("class A {\n  #x\n  `t`\n}\n", False),
    ("for (let x\n(a);;) {}\n", False),
    ("for (let x\n(a);) {}\n", False),
    ("const f = x => y\n[...a]\n", False),
    ("class A {\n  a\n  (k) = 1\n}\n", False),
    ("label: for (var x\n[a] of b) {}\n", False),
    ("const x\n[a] = b\n", False),
    ("let [x]\n[a] = b\n", False),
    ("let x /* a */ [a] = b\n", False),
    ("let x\n[a = b\n", False),
    ("let x\n[\n", False),
    ("let x\n[a] = b\n)\n", False),
    ("let x\n[a] = b\nlet = =\n", False),
    ("let x\n[a] = b\nfoo(\n", False),
    ("class A {\n  get\n  [k] = 1\n}\n", False),
    ("class A {\n  #p\n  [q] = 1\n}\nfoo(\n", False),
]


# (source, TypeScript 5.9 parses it without a syntax error): the same in TypeScript, where
# tree-sitter-typescript 0.23 misses fewer semicolons
TS_LINE_START_BRACKETS = [
    ("let x\n[a, b] = f()\n", True),
    ("let x: number\n[a] = b\n", True),
    ("let x\n`t`\n", True),
    ("let x: string\n`t`\n", True),
    ("let x\n(f)()\n", True),
    ("class A {\n  #abort\n  [k] = null\n}\n", True),
    ("class A {\n  x: number\n  [k: string]: any\n}\n", True),
    ("class A {\n  x?: string\n  [k] = 1\n}\n", True),
    ("class A {\n  declare x: number\n  [k] = 1\n}\n", True),
    ("class A {\n  x!: number\n  *gen() {}\n}\n", True),
    ("class A {\n  x?: string\n  *gen() {}\n}\n", True),
    ("class A {\n  x: Array<number>\n  *gen() {}\n}\n", True),
    ("class A {\n  x!: number\n  *gen() {}\n}\ninterface I<out T> { x: T }\n", True),
    ("class A {\n  get: number\n  [k] = 1\n}\n", True),
    ("class A {\n  static\n  [k] = 1\n}\n", True),
    ("const g = (): void => {\n}\n\n[1].forEach(g)\n", True),
    ("const f = (): number[] => {\n  return []\n}\n[1].map(f)\n", True),
    ("interface I {\n  x: number\n  [k: string]: any\n  (a: number): void\n}\n", True),
    # a type ends at a line break: the `as`/`satisfies` expression before a line-start bracket
    ("let y: any, a = 0, b = 1\ny as any\n[a] = b\n", True),
    ("declare const foo: any\ntype Bar = number[]\nconst x = foo as Bar\n[1, 2].forEach(String)\n", True),
    ("declare const foo: any\nconst x = foo satisfies unknown\n[1].map(String)\n", True),
    ("declare const foo: any\nlet x = foo as const\n[1].map(String)\n", True),
    ("declare const foo: any, g: any\nconst x = foo as Map<string, number>\n(g)()\n", True),
    ("declare const foo: any\nconst x = foo as string\n`t`\n", True),
    ("declare const foo: any\nfunction f() {\n  return foo as number\n  [1].map(String)\n}\n", True),
    ("declare const foo: any\nconst x = foo as number\n*2\n", True),
    ("declare const foo: any\nconst x = foo as Bar\n[1, 2\n", False),
    ("declare const foo: any\nconst x = foo as\n[1]\n", True),  # (a tuple type)
    ("class A {\n  x: number = 1\n  *gen() {}\n}\n", False),
    ("class A {\n  x: number\n  `t`\n}\n", False),
    ("let x\n*2\n", False),
]

# (source, V8 and TypeScript 5.9 accept it as a module): re-exports with import attributes,
# which the grammars split, also with a line break after `with`; import and export statements
# that go on without a `;` or a line break, which the grammars take (they insert a `;` there)
IMPORT_EXPORT_ENDS = [
    ("import 'm' foo()", False),
    ("import a from 'm' foo()", False),
    ("export * from 'm' foo()", False),
    ("export {a} from 'm' /* c */ foo();", False),
    ("import {a,} from 'm' with {type: 'json'} foo()", False),
    ("import a from 'm' // c\nfoo()", True),
    ("import a from 'm' /* c */\nfoo()", True),
    ("import a from 'm' /* c\n */ foo()", True),
    ("import a from 'm'\u2028foo()", True),
    ("import a from 'm'; foo()", True),
    ("import a from 'm' ; foo()", True),
    ("export {a} from 'm' with\n{type: 'json'};", True),
    ("export * as ns from 'm' with\n{type: 'json'}\nfoo()", True),
    ("export {} from 'm' with\n{type: 'json'}; foo()", True),
    ("export {} from 'm' with\n{type: 'json'} foo()", False),
    ("export * from './d.json' with {type: 'json'};", True),
    ("export {a} from './d.json' with {'type': 'json'};", True),
    ("export {a} from './d.json' with {\"type\": \"json\"};\nexport const b = 1;", True),
    ("export * as ns from './d.json' with {type: 'json'};", True),
    ("export {default as d} from './d.json' with {type: 'json'}\nfoo()", True),
    ("export {a as 'b c'} from './d.json' with {type: 'json'};", True),
    ("export * from './d.json' with {type: 'json',};", True),
    ("export * from './d.json' with {type: 'json', 'x-y': 'z'}; export * from './e.json' with {type: 'json'};", True),
    ("export * from './d.json' with {type: 'json'}\n;[1].map(f)", True),
    ("export * from './d.json' with {type: 'json'} ; foo();", True),
    ("export * from './d.json' with {type: 'json'} // c\nfoo();", True),
    ("export * from './d.json' with {type: 'json'} /* c\n*/ foo();", True),
    ("export * from './d.json' with {type: 'json'}\u2028foo();", True),
    ("export * from './d.json' with {type: 'json'}\u3000\u00a0\ufeff\t\nfoo();", True),
    ("export * from './d.json' with {type: 'json'", False),
    ("export * from './d.json' with {type: 'json'} foo();", False),
    ("export * from './d.json' with {type: 'json'} /* c */ foo();", False),
    ("export * from './d.json' with {type: 'json'}\u00a0foo();", False),
    ("export * from './d.json' with {type: 'json'}\u3000foo();", False),
    ("export {a} from './d.json' with {type: 'json'} x;", False),
    ("export * as ns from './d.json' with {type: 'json'}\nexport * from './e.json' with {type: 'json'} export const x = 1", False),
    ("export * from with {type: 'json'};", False),
]


def _v8_accepts(node26: Path, sources: list[str]) -> list[bool]:
    return ["error" not in r for r in v8_modules(node26, sources)]


def _ts_accepts(node26: Path, ts5: Path, cases: list[tuple[str, str]]) -> list[bool]:
    return [not diags for diags in ts_syntax_errors(node26, ts5, cases)]


def _same_verdicts(cases: list[tuple[str, bool]], engine: list[bool], dialects: tuple[Dialect, ...]) -> None:
    """The engine still says what each case states, and tla-lens says the same."""
    for (src, stated), accepted in zip(cases, engine, strict=True):
        assert accepted == stated, f"the engine changed its mind on {src!r}"
        for dialect in dialects:
            facts = extract(src.encode(), dialect)
            assert facts.has_syntax_errors == (not accepted), (dialect, src, facts.first_error)


def test_local_export_lists_match_v8(node26):
    _same_verdicts(JS_EXPORT_LISTS, _v8_accepts(node26, [s for s, _ in JS_EXPORT_LISTS]),
                   (Dialect.JS, Dialect.JSX))
    # the exports name no module: nothing for the graph
    assert extract(JS_EXPORT_LISTS[0][0].encode(), Dialect.JS).imports == ()


def test_import_export_statement_ends_match_the_engines(node26, ts5):
    """The split re-exports are read, with the modules V8 finds in them; the file is valid
    where V8 and TypeScript say so, and not where a statement goes on."""
    sources = [s for s, _ in IMPORT_EXPORT_ENDS]
    v8 = v8_modules(node26, sources)
    ts = _ts_accepts(node26, ts5, [(s, "x.ts") for s in sources])
    for (src, stated), v, t in zip(IMPORT_EXPORT_ENDS, v8, ts, strict=True):
        assert ("error" not in v) == stated and t == stated, f"an engine changed its mind on {src!r}"
        for dialect in (Dialect.JS, Dialect.TS):
            facts = extract(src.encode(), dialect)
            assert facts.has_syntax_errors == (not stated), (dialect, src, facts.first_error)
            if stated:
                assert [i.specifier for i in facts.imports] == v["requests"], (dialect, src)
    # the error is reported where the statement goes on (before a later one the tree shows)
    for dialect in (Dialect.JS, Dialect.TS):
        src = "export * from './d.json' with {type: 'json'} /* c */ foo();\nlet = =;\n"
        facts = extract(src.encode(), dialect)
        assert facts.first_error.start == src.index("foo"), dialect
        assert [i.specifier for i in facts.imports] == ["./d.json"]  # (read as far as it parses)
        src = "let = =;\nexport * from './d.json' with {type: 'json'} foo();\n"
        assert extract(src.encode(), dialect).first_error.start == src.index("="), dialect


def test_typescript_import_statement_ends_match_typescript(node26, ts5):
    _same_verdicts(TS_IMPORT_ENDS, _ts_accepts(node26, ts5, [(s, "x.ts") for s, _ in TS_IMPORT_ENDS]),
                   (Dialect.TS, Dialect.TSX))


def test_semicolons_inserted_before_line_start_brackets_match_v8(node26):
    _same_verdicts(JS_LINE_START_BRACKETS, _v8_accepts(node26, [s for s, _ in JS_LINE_START_BRACKETS]),
                   (Dialect.JS, Dialect.JSX))


def test_semicolons_inserted_before_line_start_brackets_match_typescript(node26, ts5):
    _same_verdicts(TS_LINE_START_BRACKETS,
                   _ts_accepts(node26, ts5, [(s, "x.ts") for s, _ in TS_LINE_START_BRACKETS]),
                   (Dialect.TS, Dialect.TSX))


def test_semicolon_insertion_keeps_facts_and_error_positions():
    """The facts come from the file as it is; an error after a place where a semicolon is
    inserted is reported where it is in the file."""
    src = b"import { a } from './a.js'\nlet x\n[x] = await a\nexport { x }\n"
    facts = extract(src, Dialect.JS)
    assert not facts.has_syntax_errors
    assert [i.specifier for i in facts.imports] == ["./a.js"]
    assert [src[t.keyword.start:t.keyword.end] for t in facts.tla] == [b"await"]
    for src, wrong in ((b"let x\n[a] = b\nlet y\n(c)()\nlet = =\n", b"let = ="),
                       (b"class A {\n  #p\n  [q] = 1\n}\nfoo(\n", b"foo(")):
        facts = extract(src, Dialect.JS)
        assert facts.has_syntax_errors
        assert src[facts.first_error.start:facts.first_error.end] == wrong


def test_semicolon_insertion_while_typing():
    """An open file is re-parsed incrementally: the verdict follows each edit."""
    before = b"let x\n[a, b] = f()\n"
    facts, tree = extract_incremental(before, Dialect.JS)
    assert not facts.has_syntax_errors
    broken = b"let x\n[a, b] = f(\n"
    edit_tree(tree, [TreeEdit(before, broken, 17, 18, 17)])
    facts, tree = extract_incremental(broken, Dialect.JS, tree)
    assert facts.has_syntax_errors
    fixed = b"let x\n[a, b] = f()\nclass A {\n  #p\n  [q] = 1\n}\n"
    edit_tree(tree, [TreeEdit(broken, fixed, 17, 18, len(fixed))])
    facts, _ = extract_incremental(fixed, Dialect.JS, tree)
    assert not facts.has_syntax_errors


def test_variance_modifiers_match_typescript(node26, ts5):
    _same_verdicts(TS_VARIANCE, _ts_accepts(node26, ts5, [(s, "x.ts") for s, _ in TS_VARIANCE]),
                   (Dialect.TS, Dialect.TSX))


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
